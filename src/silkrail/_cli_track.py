"""``silkrail track``: shipments, their events, arrival forecasts and API keys."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from silkrail._cli_common import (
    EXIT_INVALID_DATA,
    EXIT_USAGE,
    data_option,
    emit_json,
    fail,
    handle_errors,
    json_option,
    load_data,
    stderr,
    stdout,
)
from silkrail.errors import ShipmentDataError, UnknownShipmentError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from silkrail.network.model import CorridorNetwork
    from silkrail.shipments import ShipmentStatus, ShipmentStore

__all__ = ["track"]


def _default_url() -> str:
    import platformdirs

    from silkrail.shipments import default_database_url

    return default_database_url(platformdirs.user_data_path("silkrail"))


database_option = click.option(
    "--database",
    "database",
    envvar="SILKRAIL_DATABASE",
    default=None,
    help=(
        "Store URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB (default: "
        "shipments.sqlite in the user data folder; env SILKRAIL_DATABASE)."
    ),
)


def _open(database: str | None) -> ShipmentStore:
    from silkrail.shipments import ShipmentStore

    return ShipmentStore(database or _default_url())


def _shipment_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Report shipment problems as a table (exit 3) and unknown shipments (exit 2)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json", False))
        try:
            return func(*args, **kwargs)
        except ShipmentDataError as exc:
            rows = [
                {
                    "file": p.file,
                    "row": p.row,
                    "field": p.column,
                    "value": p.value,
                    "allowed": p.rule,
                }
                for p in exc.problems
            ]
            if as_json:
                emit_json({"error": f"{len(rows)} problem(s) in {exc.source}", "problems": rows})
                sys.exit(EXIT_INVALID_DATA)
            table = Table(title=f"{len(rows)} problem(s) in {exc.source}")
            for col in ("file", "row", "field", "value", "allowed"):
                table.add_column(col, overflow="fold")
            for r in rows:
                table.add_row(*("" if r[c] is None else str(r[c]) for c in r))
            stderr().print(table)
            fail("nothing was stored", EXIT_INVALID_DATA, as_json=False)
        except UnknownShipmentError as exc:
            fail(str(exc), EXIT_USAGE, as_json=as_json)

    return wrapper


def _store_command(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--database``, ``--data``, ``--json`` and the store's exit codes to a command.

    Every command that reads or writes shipments takes them.
    """
    for decorate in (_shipment_errors, handle_errors, json_option, data_option, database_option):
        func = decorate(func)
    return func


def _when(t: dt.datetime | None) -> str:
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M")


def _name(net: CorridorNetwork, node: str) -> str:
    try:
        return str(net.node_name[net.index_of(node)])
    except (KeyError, ValueError):
        return node


@click.group("track")
def track() -> None:
    """Follow containers by their events and forecast their arrival."""


@track.command("add")
@click.argument("container")
@click.argument("origin")
@click.argument("destination")
@click.option("--depart", required=True, help="Planned departure, ISO 8601 (UTC if no zone).")
@click.option("--via", multiple=True, help="A node the route must pass (repeat, in order).")
@click.option("--service", default="block", show_default=True, help="Service class.")
@_store_command
def track_add(
    container: str,
    origin: str,
    destination: str,
    depart: str,
    via: tuple[str, ...],
    service: str,
    database: str | None,
    data: Path | None,
    as_json: bool,
) -> None:
    """Add a shipment: plan its route (through --via nodes) and forecast its arrival."""
    from silkrail.shipments import plan_shipment, register, status

    net = load_data(data)
    shipment = plan_shipment(
        net, container, origin, destination, depart=depart, via=via, service=service
    )
    with _open(database) as store:
        created = register(store, shipment, net)
        st = status(store, shipment.container)
    if as_json:
        emit_json({"created": created, **st.to_dict()})
        return
    word = "added" if created else "exists already"
    stdout().print(f"{shipment.container} {word}: {shipment.route.label}")
    _print_status(st, net)


@track.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--every-event/--latest-only",
    default=False,
    show_default=True,
    help="Forecast after every new event, or once per shipment from its latest (the default; "
    "much faster for large files).",
)
@_store_command
def track_import(
    path: Path, every_event: bool, database: str | None, data: Path | None, as_json: bool
) -> None:
    """Import events from an operator's CSV export (whole file or nothing)."""
    from silkrail.shipments import ingest_events, read_events_csv

    net = load_data(data)
    events = read_events_csv(path, net)
    with _open(database) as store:
        result = ingest_events(store, events, net, source=path.name, every_event=every_event)
    if as_json:
        emit_json(result.to_dict())
        return
    stdout().print(
        f"{path.name}: {result.stored} event(s) stored, {result.duplicates} already known, "
        f"{result.forecasts} forecast(s) updated"
    )


def _print_status(st: ShipmentStatus, net: CorridorNetwork) -> None:
    out = stdout()
    f = st.forecast
    s = st.shipment
    out.print(f"{s.container}: {_name(net, s.origin)} -> {_name(net, s.destination)}")
    if f is not None:
        where = _name(net, f.basis_location)
        out.print(f"position: {where} ({f.share_done:.0%} of the journey done)")
        out.print(f"arrival p5 {_when(f.p5)}  p50 {_when(f.p50)}  p95 {_when(f.p95)} UTC")
        if f.next_location:
            out.print(f"next: {_name(net, f.next_location)} by {_when(f.next_p95)} (p95)")
    out.print("late: " + ("; ".join(st.late) if st.late else "no"))
    if st.events:
        table = Table(title="events")
        for col in ("time (UTC)", "code", "kind", "place"):
            table.add_column(col)
        for e in st.events:
            table.add_row(_when(e.event_time), e.code, e.classifier, _name(net, e.location))
        out.print(table)


@track.command("show")
@click.argument("container")
@click.option("--slip-hours", type=float, default=24.0, show_default=True, help="Late p50 slip.")
@_store_command
def track_show(
    container: str, slip_hours: float, database: str | None, data: Path | None, as_json: bool
) -> None:
    """Show a shipment: events, position, forecast and late flags."""
    from silkrail.shipments import status, validate_container

    number = validate_container(container)
    with _open(database) as store:
        st = status(store, number, slip_hours=slip_hours)
    if as_json:
        emit_json(st.to_dict())
        return
    _print_status(st, load_data(data))


@track.command("list")
@click.option("--late", is_flag=True, help="Only late shipments.")
@click.option("--slip-hours", type=float, default=24.0, show_default=True, help="Late p50 slip.")
@_store_command
def track_list(
    late: bool, slip_hours: float, database: str | None, data: Path | None, as_json: bool
) -> None:
    """List shipments with their forecast arrival (p50) and late flags."""
    from silkrail.shipments import late_shipments

    with _open(database) as store:
        rows = late_shipments(store, slip_hours=slip_hours, late=True if late else None)
    if as_json:
        emit_json({"shipments": [r.to_dict() for r in rows]})
        return
    net = load_data(data)
    table = Table(title=f"{len(rows)} shipment(s)")
    for col in ("container", "to", "at", "p50 (UTC)", "late"):
        table.add_column(col)
    for r in rows:
        f = r.forecast
        table.add_row(
            r.shipment.container,
            _name(net, r.shipment.destination),
            "" if f is None else _name(net, f.basis_location),
            "" if f is None else _when(f.p50),
            "yes" if r.late else "no",
        )
    stdout().print(table)


@track.group("key")
def track_key() -> None:
    """Manage API keys of the service's shipment endpoints."""


@track_key.command("create")
@click.option("--name", required=True, help="Who the key is for.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(["read", "write"]),
    default=("read", "write"),
    show_default=True,
    help="Scope (repeat): read, write.",
)
@database_option
@json_option
@handle_errors
def track_key_create(
    name: str, scopes: tuple[str, ...], database: str | None, as_json: bool
) -> None:
    """Create an API key; it is printed once (only its hash is stored)."""
    with _open(database) as store:
        key = store.create_key(name, scopes=scopes)
    if as_json:
        emit_json({"key": key, "name": name, "scopes": sorted(set(scopes))})
        return
    stdout().print(key)
    stderr().print("Keep this key: it cannot be shown again.")
