"""The ``silkrail assign`` command: user-equilibrium assignment of a TNTP-format problem.

Registered by ``cli.py`` with ``main.add_command(assign)``. Uses only the public API.
Exit codes: 0 success (also when the gap target is missed: see ``converged``); 2 bad option
or input that does not fit; 3 malformed or unreadable input file; 5 an OD pair with demand has
no path; 6 an output file could not be written.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import silkrail
from silkrail._cli_common import (
    EXIT_EXPORT,
    EXIT_INVALID_DATA,
    EXIT_NO_ROUTE,
    EXIT_USAGE,
    json_safe,
    skip_collection_at_exit,
)
from silkrail._cli_common import fail as _fail

if TYPE_CHECKING:
    from silkrail._typing import FloatArray

__all__ = ["assign"]


def _read_trips(path: Path, matrix: str | None) -> FloatArray:
    if path.suffix.lower() == ".omx":
        mats = silkrail.read_omx(path, None if matrix is None else [matrix])
        return next(iter(mats.values()))
    return silkrail.read_tntp_trips(path)


# The library's messages name its parameters; a command-line user knows the flags.
_FLAGS = (
    (re.compile(r"\bmethod='(\w+)'"), r"--algorithm \1"),
    (re.compile(r"\bmax_iter\b"), "--max-iter"),
    (re.compile(r"\brgap\b(?= *=)"), "--rgap"),
    (re.compile(r"\bcores\b(?= *=)"), "--cores"),
)


def cli_words(message: str) -> str:
    """Say a library message with the command's flags instead of Python parameters.

    Examples
    --------
    >>> cli_words("raise max_iter or use method='algb'")
    'raise --max-iter or use --algorithm algb'
    """
    for pattern, flag in _FLAGS:
        message = pattern.sub(flag, message)
    return message


def _write_flows(path: Path, result: silkrail.AssignmentResult) -> None:
    frame = result.to_frame()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        cost = result.class_cost[0]
        with path.open("w", encoding="utf-8") as f:
            f.write("From \tTo \tVolume \tCost \n")
            for a in range(result.link_flow.shape[0]):
                f.write(
                    f"{result.init_node[a]} \t{result.term_node[a]} \t"
                    f"{float(result.link_flow[a])!r} \t{float(cost[a])!r} \n"
                )


def _table(summary: dict[str, Any], net: silkrail.TrafficNetwork, trips: float) -> Table:
    table = Table(title=f"assignment of {net.name}", title_justify="left")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    rows = [
        ("network", f"{net.num_nodes} nodes, {net.num_links} links, {net.num_zones} zones"),
        ("trips", f"{trips:,.2f}"),
        ("algorithm", str(summary["algorithm"])),
        ("iterations", str(summary["iterations"])),
        ("relative gap", f"{summary['rgap']:.3e} (target {summary['rgap_target']:.1e})"),
        ("converged", "yes" if summary["converged"] else "[bold red]no[/]"),
        ("TSTT (generalised cost)", f"{summary['tstt']:,.6f}"),
        ("total travel time", f"{summary['total_time']:,.6f}"),
        ("Beckmann objective", f"{summary['beckmann']:,.6f}"),
        ("wall time", f"{summary['wall_time_s']:.3f} s"),
    ]
    for key, value in rows:
        table.add_row(key, value)
    return table


@click.command("assign")
@click.option(
    "--net",
    "net_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Network in TNTP format (*_net.tntp).",
)
@click.option(
    "--trips",
    "trips_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Trip table: TNTP (*_trips.tntp) or an OMX matrix file (*.omx).",
)
@click.option("--matrix", default=None, help="Matrix to use from an OMX trips file [first].")
@click.option(
    "--algorithm",
    type=click.Choice(list(silkrail.ASSIGNMENT_METHODS)),
    default="bfw",
    show_default=True,
    help="aon, msa, fw, cfw, bfw (bi-conjugate Frank-Wolfe) or algb (Algorithm B, "
    "for gaps below 1e-6).",
)
@click.option("--rgap", type=float, default=1e-4, show_default=True, help="Relative gap target.")
@click.option("--max-iter", type=int, default=1000, show_default=True, help="Iteration limit.")
@click.option("--cores", type=int, default=1, show_default=True, help="Threads to use.")
@click.option(
    "--toll-factor",
    type=float,
    default=None,
    help="Generalised-cost weight of tolls (overrides the file's <TOLL FACTOR>).",
)
@click.option(
    "--distance-factor",
    type=float,
    default=None,
    help="Generalised-cost weight of length (overrides the file's <DISTANCE FACTOR>).",
)
@click.option(
    "--flows-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write link flows: .csv, .parquet, else TNTP flow format.",
)
@click.option(
    "--skims-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write cost, time, distance and toll skims to an OMX file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def assign(
    net_path: Path,
    trips_path: Path,
    matrix: str | None,
    algorithm: str,
    rgap: float,
    max_iter: int,
    cores: int,
    toll_factor: float | None,
    distance_factor: float | None,
    flows_out: Path | None,
    skims_out: Path | None,
    as_json: bool,
) -> None:
    """Find the user equilibrium of a TNTP-format network and trip table.

    The relative gap is (TSTT - SPTT) / TSTT. Example:

        silkrail assign --net SiouxFalls_net.tntp --trips SiouxFalls_trips.tntp
        --algorithm algb --rgap 1e-8 --json
    """
    # Every file this command writes is closed in a with block before it returns.
    skip_collection_at_exit()
    try:
        net = silkrail.read_tntp_net(
            net_path, toll_factor=toll_factor, distance_factor=distance_factor
        )
        demand = _read_trips(trips_path, matrix)
    except silkrail.TNTPFormatError as exc:
        _fail(str(exc), EXIT_INVALID_DATA, as_json=as_json)
    except (OSError, ValueError, ImportError) as exc:
        _fail(str(exc), EXIT_INVALID_DATA, as_json=as_json)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", silkrail.ConvergenceWarning)
        try:
            result = silkrail.assign(
                net, demand, method=algorithm, rgap=rgap, max_iter=max_iter, cores=cores
            )
        except silkrail.NoRouteError as exc:
            _fail(str(exc), EXIT_NO_ROUTE, as_json=as_json)
        except (ValueError, TypeError, silkrail.InsufficientMemoryError) as exc:
            _fail(str(exc), EXIT_USAGE, as_json=as_json)
    for w in caught:
        if not as_json:
            Console(stderr=True, soft_wrap=True).print(
                f"[yellow]warning:[/] {escape(cli_words(str(w.message)))}", highlight=False
            )

    try:
        if flows_out is not None:
            _write_flows(flows_out, result)
        if skims_out is not None:
            silkrail.write_omx(
                skims_out,
                silkrail.assignment_skims(net, result, cores=cores),
                zone_ids=np.arange(1, net.num_zones + 1, dtype=np.int64),
            )
    except (OSError, ImportError) as exc:
        _fail(f"could not write output: {exc}", EXIT_EXPORT, as_json=as_json)

    summary = result.summary()
    if as_json:
        payload = {
            "network": net.name,
            "nodes": net.num_nodes,
            "links": net.num_links,
            "zones": net.num_zones,
            "trips": float(demand.sum()),
            **summary,
            "flows_out": None if flows_out is None else str(flows_out),
            "skims_out": None if skims_out is None else str(skims_out),
        }
        click.echo(json.dumps(json_safe(payload), indent=2, allow_nan=False))
        return
    Console(soft_wrap=True).print(_table(summary, net, float(demand.sum())))
