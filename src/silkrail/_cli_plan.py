"""The ``silkrail plan`` and ``silkrail locate`` commands.

Registered lazily by ``cli.py``; uses only the public API.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

import silkrail
from silkrail._cli_common import (
    EXIT_EXPORT,
    EXIT_UNKNOWN_LOCATION,
    EXIT_USAGE,
    CommandError,
    atomic_file,
    data_option,
    emit_table,
    handle_errors,
    json_option,
    load_data,
    wide_option,
)
from silkrail._cli_common import emit_json as _emit_json
from silkrail._cli_common import fail as _fail
from silkrail._cli_common import stdout as _stdout

__all__ = ["locate_command", "plan_command"]

# The CLI's search budget: ~15,000 labels plan Yiwu-Madrid; 500,000 take a few seconds, and
# an unbounded search for via places in an order no train takes ran for minutes.
CLI_MAX_LABELS = 500_000


@click.command("locate")
@click.argument("name")
@click.option(
    "--limit",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="Suggestions to list when NAME is not found exactly.",
)
@data_option
@json_option
@handle_errors
def locate_command(name: str, limit: int, data: Path | None, as_json: bool) -> None:
    """Find a node by id, name or alias (any case, accents or script)."""
    net = load_data(data)
    try:
        loc = silkrail.locate(net, name)
    except silkrail.UnknownLocationError as exc:
        if exc.ambiguous or not as_json:
            raise
        close = silkrail.search_locations(net, name, limit=limit)
        _emit_json(
            {
                "error": str(exc),
                "exit_code": EXIT_UNKNOWN_LOCATION,
                "suggestions": [c.to_dict() for c in close],
            }
        )
        sys.exit(EXIT_UNKNOWN_LOCATION)
    if as_json:
        _emit_json(loc.to_dict())
        return
    table = Table(show_header=False, box=None)
    for key, value in (
        ("id", loc.id),
        ("name", loc.name),
        ("country", loc.country),
        ("kind", loc.kind),
        ("lat, lon", f"{loc.lat:.4f}, {loc.lon:.4f}"),
        ("aliases", "; ".join(loc.aliases)),
    ):
        table.add_row(Text(key, style="bold"), value)
    _stdout().print(table)


def _split(values: tuple[str, ...]) -> list[str]:
    """Accept both repeated options and comma-separated lists."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _write_json_atomic(path: Path, obj: object) -> None:
    with atomic_file(path) as tmp:
        tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


def _routes_table(result: silkrail.RoutePlan, *, variants: bool = False) -> Table:
    title = f"{result.origin.name} → {result.destination.name}"
    table = Table(title=title, title_justify="left")
    size = result.constraints.get("container", "40")
    for col, just in (
        ("#", "right"), ("route", "left"), ("days p50", "right"), ("days p95", "right"),
        (f"USD/{size}ft", "right"), ("kg CO2e/FEU", "right"), ("km", "right"),
        ("detour", "right"), ("borders", "right"), ("transship.", "right"), ("countries", "left"),
    ):  # fmt: skip
        table.add_column(col, justify=just)  # type: ignore[arg-type]

    def add(number: str, r: silkrail.Route, label: Text) -> None:
        table.add_row(
            number, label, f"{r.transit_days_p50:.1f}", f"{r.transit_days_p95:.1f}",
            f"{r.cost_usd_per_container:,.0f}", f"{r.co2e_kg_per_feu_wtw:,.0f}",
            f"{r.distance_km:,.0f}", f"{r.detour_index:.2f}", str(r.borders),
            str(r.transshipments), "-".join(r.countries),
        )  # fmt: skip

    for i, r in enumerate(result.routes, start=1):
        label = Text(r.label) if r.pareto else Text.assemble(r.label, (" (dominated)", "dim"))
        add(str(i), r, label)
        if variants:
            for k, v in enumerate(r.variants):
                add(f"{i}{chr(ord('a') + k % 26)}", v, Text(f"  ↳ {v.label}", style="dim"))
    return table


def _legs_table(index: int, route: silkrail.Route) -> Table:
    table = Table(title=f"route {index}: {route.label}", title_justify="left")
    for col in ("leg", "from", "to", "mode", "km", "hours", "of which wait", "USD", "kg CO2e"):
        table.add_column(col, justify="left" if col in ("leg", "from", "to", "mode") else "right")
    for leg in route.legs:
        mode = f"{leg.mode} {leg.gauge_mm}" if leg.gauge_mm else leg.mode
        wait = leg.wait_hours + leg.border_hours
        table.add_row(
            leg.kind, leg.from_name, leg.to_name if leg.kind == "travel" else "", mode,
            f"{leg.distance_km:,.0f}" if leg.distance_km else "", f"{leg.hours:.1f}",
            f"{wait:.1f}" if wait else "", f"{leg.cost_usd:,.0f}", f"{leg.co2e_wtw_kg:,.0f}",
        )  # fmt: skip
    return table


@click.command("plan")
@click.argument("origin")
@click.argument("destination")
@click.option(
    "--avoid-country",
    "avoid_country",
    multiple=True,
    metavar="CC[,CC]",
    help="ISO country codes to avoid, e.g. RU,BY.",
)
@click.option(
    "--avoid-node",
    "avoid_node",
    multiple=True,
    metavar="NAME",
    help="Node to avoid (repeat or comma-separate).",
)
@click.option(
    "--via",
    "via",
    multiple=True,
    metavar="NAME",
    help="Node every route must pass, in order (repeatable).",
)
@click.option(
    "--modes",
    "modes",
    default=None,
    metavar="MODE[,MODE]",
    help="Allowed modes among rail, ferry, sea, road (default: all).",
)
@click.option(
    "--max-transshipments",
    type=click.IntRange(min=0),
    default=None,
    help="Most gauge changes plus rail–water transfers.",
)
@click.option(
    "--container",
    type=click.Choice(["20", "40"]),
    default="40",
    show_default=True,
    help="Container size: the price per container and the default cargo mass for CO2e.",
)
@click.option(
    "--cargo-tonnes",
    type=click.FloatRange(0, 30),
    default=None,
    help="Cargo mass per container in tonnes (default: the factor table's).",
)
@click.option(
    "--value-of-time",
    type=click.FloatRange(min=0),
    default=None,
    help="USD per FEU-hour used to rank routes (default: packaged parameter).",
)
@click.option("--include-planned", is_flag=True, help="Allow planned links and nodes.")
@click.option(
    "--max-routes",
    type=click.IntRange(1, 50),
    default=8,
    show_default=True,
    help="Most routes to show.",
)
@click.option(
    "--compare",
    type=click.Choice(["plausible", "all"]),
    default="plausible",
    show_default=True,
    help="Rows and corridor-family options to show: plausible ones only (land km at most 2x the "
    "great circle, cost at most 2x the best row's), or all.",
)
@click.option(
    "--variants", "show_variants", is_flag=True, help="List the variants folded into each row."
)
@click.option(
    "--service",
    type=click.Choice([*silkrail.SERVICES, "all"]),
    default=silkrail.DEFAULT_SERVICE,
    show_default=True,
    help="Train service class: fixed-schedule express, ordinary block train, regular "
    "shipments (CAREC CPMM); 'all' compares them.",
)
@click.option(
    "--depart",
    metavar="YYYY-MM-DD",
    default=None,
    help="Departure date: the dated conditions (Red Sea, Caspian storms, congestion) that "
    "apply (default: today).",
)
@click.option(
    "--through-disruption",
    "through_disruption",
    multiple=True,
    metavar="ID",
    help="Plan through a disruption anyway, e.g. red-sea for the Suez route (labelled).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the Monte Carlo draws behind p5/p50/p95.",
)
@click.option(
    "--max-labels",
    type=click.IntRange(min=1_000),
    default=CLI_MAX_LABELS,
    show_default=True,
    help="Search budget in labels: a plan that needs more stops with exit code 2 instead of "
    "running for minutes (via places in an order no train takes); raise it to search on.",
)
@click.option("--legs", is_flag=True, help="Show the leg-by-leg breakdown.")
@click.option(
    "--geojson",
    "geojson_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the routes as GeoJSON to this file.",
)
@data_option
@wide_option
@json_option
@handle_errors
def plan_command(
    origin: str,
    destination: str,
    avoid_country: tuple[str, ...],
    avoid_node: tuple[str, ...],
    via: tuple[str, ...],
    modes: str | None,
    max_transshipments: int | None,
    container: str,
    cargo_tonnes: float | None,
    value_of_time: float | None,
    include_planned: bool,
    max_routes: int,
    compare: str,
    show_variants: bool,
    service: str,
    depart: str | None,
    through_disruption: tuple[str, ...],
    seed: int,
    max_labels: int,
    legs: bool,
    geojson_path: Path | None,
    data: Path | None,
    wide: bool,
    as_json: bool,
) -> None:
    """Plan container routes from ORIGIN to DESTINATION: time, cost, CO2e, borders.

    Shows the Pareto-optimal routes over transit time, cost and CO2e, best corridor first by
    generalized cost, with the best sea option for comparison. Exit code 4: unknown place;
    5: no route satisfies the constraints (the message names the blocking constraint).
    """
    if geojson_path is not None and not geojson_path.parent.is_dir():
        # A typo in the folder should not quietly create a new tree of folders.
        _fail(
            f"cannot write {geojson_path}: the folder {geojson_path.parent} does not exist",
            EXIT_EXPORT,
            as_json=as_json,
        )
    net = load_data(data)
    try:
        _plan_and_print(
            net, origin, destination, as_json=as_json, wide=wide, legs=legs,
            geojson_path=geojson_path, show_variants=show_variants, service=service,
            depart=depart, through_disruptions=_split(through_disruption), seed=seed,
            avoid_countries=_split(avoid_country), avoid_nodes=_split(avoid_node),
            via=_split(via), modes=None if modes is None else _split((modes,)),
            max_transshipments=max_transshipments, container=container,
            cargo_tonnes=cargo_tonnes, value_of_time=value_of_time,
            include_planned=include_planned, max_routes=max_routes, compare=compare,
            max_labels=max_labels,
        )  # fmt: skip
    except silkrail.SearchBudgetError as exc:
        msg = (
            f"the route search needs more than {max_labels:,} labels (--max-labels); check "
            "the order of the via places, ask for fewer, or raise --max-labels to search on"
        )
        raise CommandError(msg, EXIT_USAGE) from exc


def _plan_and_print(
    net: silkrail.CorridorNetwork,
    origin: str,
    destination: str,
    *,
    as_json: bool,
    wide: bool,
    legs: bool,
    geojson_path: Path | None,
    show_variants: bool,
    service: str,
    **options: Any,
) -> None:
    """Plan with the library's options and print the result (the body of ``silkrail plan``)."""
    if service == "all":
        _plan_all_services(net, origin, destination, as_json=as_json, wide=wide, **options)
        return
    result = silkrail.plan(
        net, origin, destination, service=service, variants=show_variants, **options
    )
    if geojson_path is not None:
        _write_json_atomic(geojson_path, result.to_geojson())
    if as_json:
        _emit_json(result.to_dict(legs=True))
        return
    out = _stdout()
    # Free text wraps between words at the console's width (the tables fit it, or --wide).
    out.print(_plan_heading(result), highlight=False, soft_wrap=wide)
    emit_table(out, _routes_table(result, variants=show_variants), wide=wide, key_columns=2)
    out.print(
        Text(
            f"ranked by cost per FEU + {result.value_of_time:.2f} USD per FEU-hour x expected "
            f"hours; CO2e well-to-wheel for {result.cargo_tonnes:g} t cargo per container; "
            "detour = route km / great-circle km",
            style="dim",
        ),
        highlight=False,
        soft_wrap=wide,
    )
    if legs:
        for i, route in enumerate(result.routes, start=1):
            emit_table(out, _legs_table(i, route), wide=wide)
    if geojson_path is not None:
        out.print(f"wrote {len(result.routes)} routes to {geojson_path}", highlight=False)


def _plan_heading(result: silkrail.RoutePlan) -> Text:
    c = result.constraints
    text = f"{c['service']} service, departing {c['depart']}"
    if c.get("conditions"):
        text += f"; conditions: {', '.join(c['conditions'])}"
    return Text(text, style="dim")


def _plan_all_services(
    net: silkrail.CorridorNetwork,
    origin: str,
    destination: str,
    *,
    as_json: bool,
    wide: bool = False,
    **options: Any,
) -> None:
    """Plan for every service class and compare their best routes side by side."""
    plans = {
        s: silkrail.plan(net, origin, destination, service=s, **options) for s in silkrail.SERVICES
    }
    if as_json:
        first = plans[silkrail.SERVICES[0]].to_dict(legs=True)
        first["routes"] = [r for p in plans.values() for r in p.to_dict(legs=True)["routes"]]
        first["constraints"]["service"] = "all"
        _emit_json(first)
        return
    out = _stdout()
    block = plans[silkrail.DEFAULT_SERVICE]
    title = f"{block.origin.name} → {block.destination.name}: service classes compared"
    table = Table(title=title)
    table.add_column("route")
    for s in silkrail.SERVICES:
        table.add_column(f"{s}\np5–p50–p95 d", justify="right")
    labels = list(dict.fromkeys(r.label for p in plans.values() for r in p.routes))
    for label in labels:
        cells = []
        for s in silkrail.SERVICES:
            r = next((r for r in plans[s].routes if r.label == label), None)
            cells.append(
                "–" if r is None
                else f"{r.transit_days_p5:.1f}–{r.transit_days_p50:.1f}–{r.transit_days_p95:.1f}"
            )  # fmt: skip
        table.add_row(label, *cells)
    out.print(_plan_heading(plans[silkrail.DEFAULT_SERVICE]), highlight=False, soft_wrap=wide)
    # At 80 columns the rows become blocks rather than cut route names (--wide: the table).
    emit_table(out, table, wide=wide)
