"""The ``silkrail network`` commands: info, validate and export.

Registered lazily by ``cli.py``; uses only the public API.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

import silkrail
from silkrail._cli_common import (
    EXIT_INVALID_DATA,
    data_option,
    handle_errors,
    json_option,
    load_data,
)
from silkrail._cli_common import emit_json as _emit_json
from silkrail._cli_common import fail as _fail
from silkrail._cli_common import stdout as _stdout

__all__ = ["network"]


@click.group()
def network() -> None:
    """Inspect, validate and export corridor networks."""


def _counts_table(title: str, counts: dict[str, int], km: dict[str, float] | None = None) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(title.split(" ")[-1])
    table.add_column("count", justify="right")
    if km is not None:
        table.add_column("km", justify="right")
    for key, n in counts.items():
        row = [key, str(n)] + ([f"{km[key]:,.0f}"] if km is not None else [])
        table.add_row(*row)
    return table


@network.command("info")
@data_option
@json_option
@handle_errors
def network_info(data: Path | None, as_json: bool) -> None:
    """Count nodes and links by country, kind, mode and gauge."""
    net = load_data(data)
    summary = silkrail.summarize_network(net)
    if as_json:
        _emit_json(summary.to_dict())
        return
    out = _stdout()
    out.print(
        Text(summary.name, style="bold"),
        f": {summary.n_nodes} nodes, {summary.n_links} links, "
        f"{summary.n_sources} sources; {summary.border_links} border links, "
        f"{summary.gauge_change_nodes} gauge-change nodes, {summary.border_nodes} border "
        f"processing points, {summary.port_nodes} rail–water transfer nodes",
        sep="",
        highlight=False,
    )
    out.print(_counts_table("links by mode", summary.links_by_mode, summary.km_by_mode))
    out.print(_counts_table("rail links by gauge", summary.links_by_gauge, summary.km_by_gauge))
    out.print(_counts_table("nodes by kind", summary.nodes_by_kind))
    out.print(_counts_table("links by status", summary.links_by_status))
    out.print(_counts_table("nodes by country", summary.nodes_by_country))


@network.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@json_option
@handle_errors
def network_validate(path: Path | None, as_json: bool) -> None:
    """Check a network (CSV folder, .geojson or .gpkg; default: the packaged one).

    Every problem is reported with file, row, column, value and rule; the exit code is 3 if
    there is any.
    """
    if path is not None and not path.exists():
        _fail(f"no such file or folder: {str(path)!r}", EXIT_INVALID_DATA, as_json=as_json)
    net = load_data(path)
    if as_json:
        _emit_json(
            {
                "valid": True,
                "source": net.name,
                "nodes": net.n_nodes,
                "links": net.n_links,
                "sources": len(net.source_id),
                "problems": [],
            }
        )
        return
    _stdout().print(
        Text("valid", style="green"),
        f": {net.name}: {net.n_nodes} nodes, {net.n_links} links, "
        f"{len(net.source_id)} sources; every rule passes",
        sep="",
        highlight=False,
    )


@network.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(silkrail.EXPORT_FORMATS)),
    default="geojson",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Output file (a folder for csv).",
)
@data_option
@json_option
@handle_errors
def network_export(fmt: str, output: Path, data: Path | None, as_json: bool) -> None:
    """Write the network as GeoJSON, GeoPackage or a CSV folder."""
    net = load_data(data)
    path = silkrail.write_network(net, output, format=fmt)  # type: ignore[arg-type]
    if as_json:
        _emit_json({"format": fmt, "path": str(path), "nodes": net.n_nodes, "links": net.n_links})
        return
    _stdout().print(f"wrote {net.n_nodes} nodes and {net.n_links} links to {path}", highlight=False)
