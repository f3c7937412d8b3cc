"""The ``silkrail simulate`` command: Monte Carlo simulation of the corridor.

Registered in the main CLI with ``main.add_command(simulate)``. Exit codes follow the CLI's:
0 success; 1 internal error or a missing optional dependency; 2 bad option or scenario file;
3 invalid network data; 4 unknown location; 5 no route; 6 output could not be written.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import logging
import math
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import silkrail
from silkrail._cli_common import (
    EXIT_EXPORT,
    EXIT_USAGE,
    CommandError,
    data_option,
    days_option,
    emit_table,
    handle_errors,
    replications_option,
    scenario_option,
    scheduler_option,
    seed_option,
    wide_option,
    workers_option,
)
from silkrail._cli_common import load_data as _network
from silkrail._cli_common import stderr as _stderr
from silkrail._cli_common import stdout as _stdout
from silkrail._cli_reassign import print_rerouting
from silkrail.simulation import (
    MonteCarloResult,
    ScenarioSpec,
    corridor_model,
    default_services,
    route_table,
    scenario_from_yaml,
)
from silkrail.simulation.montecarlo import local_cluster, local_cluster_pays
from silkrail.simulation.names import node_title, route_title, station_title
from silkrail.simulation.summary import column_total
from silkrail.studies import run_study

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

    from silkrail.simulation import SimulationModel
    from silkrail.studies import Rerouting

__all__ = [
    "build_model",
    "check_out_dir",
    "dask_client",
    "load_spec",
    "local_scheduler",
    "progress_bars",
    "simulate",
]

#: Largest scenario file read, in bytes (the reader's own limit is in characters).
MAX_SCENARIO_BYTES = 4_000_000


def load_spec(path: Path | None) -> ScenarioSpec | None:
    if path is None:
        return None
    try:
        if path.exists() and not path.is_file():  # a folder, or a device such as /dev/zero
            raise CommandError(f"scenario file {path} is not a regular file", EXIT_USAGE)
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            msg = (
                f"scenario file {path} has {size:,} bytes, over the limit of {MAX_SCENARIO_BYTES:,}"
            )
            raise CommandError(msg, EXIT_USAGE)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read scenario file {path}: {exc}", EXIT_USAGE) from None
    return scenario_from_yaml(text, source=str(path))


def check_out_dir(out_dir: Path) -> None:
    """Make the output folder now, so that a bad --out fails before the run, not after it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot write to {out_dir}: {exc}", EXIT_EXPORT) from None
    if not os.access(out_dir, os.W_OK):
        raise CommandError(f"cannot write to {out_dir}: the folder is not writable", EXIT_EXPORT)


def build_model(
    spec: ScenarioSpec | None, net: silkrail.CorridorNetwork, data: Path | None
) -> SimulationModel:
    """Build the scenario's model, or the default 2024 services' (on the packaged network)."""
    if spec is not None:
        return spec.build_model(net)
    try:
        return corridor_model(net, default_services())
    except (silkrail.UnknownLocationError, silkrail.NoRouteError, ValueError) as exc:
        if data is None:
            raise
        # The default demand names places and links of the packaged corridor network.
        msg = (
            f"the default 2024 demand is defined on the packaged corridor network and does "
            f"not fit {str(data)!r} ({exc}); give a --scenario with 'services' for this "
            "network"
        )
        raise CommandError(msg, EXIT_USAGE) from exc


def local_scheduler(scheduler: str | None, *, quiet: bool) -> str | None:
    """Return 'serial' when Dask is not installed (saying so unless `quiet`), else `scheduler`."""
    if scheduler is None and importlib.util.find_spec("distributed") is None:
        # A base install has no Dask: run in this process rather than fail.
        if not quiet:
            _stderr().print(
                "note: dask.distributed is not installed (pip install 'silkrail[dask]'); "
                "running the replications in this process",
                highlight=False,
            )
        return "serial"
    return scheduler


@contextlib.contextmanager
def progress_bars(show: bool, replications: int) -> Iterator[Any]:
    """Yield a study progress callback that draws one bar per run (None when hidden)."""
    if not show:
        yield None
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        tasks: dict[str, Any] = {}

        def tick(label: str, done: int, total: int) -> None:
            if label not in tasks:
                text = escape(f"{label}: {replications} replications")
                tasks[label] = bar.add_task(text, total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield tick


def _idle_cpus() -> float | None:
    """CPUs not busy with other processes (1-minute load average), ``None`` if unknown."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - Windows has no load average
        return None
    return max((os.cpu_count() or 1) - load, 0.0)


@contextlib.contextmanager
def dask_client(
    scheduler: str | None, workers: int | None, *, replications: int, days: float
) -> Iterator[Any]:
    """Yield one Dask client for all runs of the command (``None``: run in-process).

    Without ``--scheduler``, a local cluster starts only for runs long enough to pay for it,
    with at least two idle CPUs; ``--workers N`` asks for one explicitly.
    """
    if scheduler == "serial" or (
        scheduler is None
        and workers is None
        and not local_cluster_pays(replications, days, idle_cpus=_idle_cpus())
    ):
        yield None
        return
    # Imported by name: an optional extra without type information.
    distributed: Any = importlib.import_module("distributed")
    # Worker start-up and shutdown chatter is not for the user of a command-line tool.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler is None:
        with (
            local_cluster(workers or os.cpu_count() or 1) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
    else:
        try:
            client = distributed.Client(scheduler, timeout="20s")
        except (OSError, ValueError) as exc:
            msg = f"cannot connect to the Dask scheduler {scheduler!r}: {exc}"
            raise CommandError(msg, EXIT_USAGE) from None
        with client:
            yield client


def _named(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Return `frame` with a readable ``name`` column first; the ids stay in the index."""
    out = frame.copy()
    out.insert(0, "name", names)
    return out


def _write(
    out: Path,
    mc: MonteCarloResult,
    table: pd.DataFrame,
    rr: Rerouting | None,
    net: silkrail.CorridorNetwork,
) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    stations = mc.station_summary()
    borders = mc.border_summary()
    bottlenecks = mc.bottlenecks(top=25)
    frames: dict[str, pd.DataFrame] = {
        "routes": _named(table, [route_title(net, str(r)) for r in table.index]),
        "stations": _named(stations, [station_title(net, str(s)) for s in stations.index]),
        "borders": _named(borders, [node_title(net, str(n)) for n in borders.index]),
        "bottlenecks": _named(bottlenecks, [station_title(net, str(s)) for s in bottlenecks.index]),
        "summary": mc.to_frame(),
        "replications_routes": mc.replications_frame("route"),
        "replications_stations": mc.replications_frame("station"),
        "replications_borders": mc.replications_frame("border"),
    }
    if mc.first is not None:
        frames["trains"] = mc.first.to_frame()
        frames["timeline"] = mc.first.timeline_frame()
        frames["queues"] = mc.first.queue_lengths(step_hours=24.0).to_frame()
        frames["sailings"] = mc.first.sailings_frame()
    if rr is not None:
        frames["corridors"] = rr.corridors
    written = []
    for name, frame in frames.items():
        path = out / f"{name}.parquet"
        frame.to_parquet(path)
        written.append(str(path))
    frames["routes"].to_csv(out / "routes.csv")
    written.append(str(out / "routes.csv"))
    return written


def saturation_warnings(
    mc: MonteCarloResult, net: silkrail.CorridorNetwork, *, days: float
) -> list[str]:
    """Return one line per station whose mean or p95 wait exceeds the run's horizon.

    A wait longer than the days simulated is not a steady state: the station is loaded above
    its capacity, its queue grows for as long as the run lasts, and the figure says more about
    the horizon than about the station (``silkrail flows`` prices such loads and defers what
    exceeds capacity; docs/flows.md).
    """
    horizon = days * 24.0
    out = []
    stations = mc.station_summary()
    for name, r in stations.iterrows():
        worst = max(float(r.get("mean_wait_h", 0.0) or 0.0), float(r.get("p95_wait_h", 0.0) or 0.0))
        if worst > horizon:
            out.append(
                f"{station_title(net, str(name))}: waits up to {worst:,.0f} h, longer "
                f"than the {days:g} days simulated: the station is saturated and its queue "
                "grows through the run"
            )
    return out


def _print(
    mc: MonteCarloResult,
    base: MonteCarloResult | None,
    routes: pd.DataFrame,
    *,
    net: silkrail.CorridorNetwork,
    top: int,
    n_routes: int,
    elapsed: float,
    wide: bool,
) -> None:
    console = _stdout()
    co2e = column_total(routes, "co2e_t_wtw")  # before the table keeps only some routes
    base_co2e = column_total(routes, "base_co2e_t_wtw")
    title = f"Transit days per route ({mc.replications} replications × {mc.days:g} days"
    title += f", ±: {mc.confidence:.0%} CI)"
    if len(routes) > n_routes and "base_p95_days" in routes:
        # Against a baseline, the routes the scenario changes most are the answer.
        title += (
            f", the {n_routes} of {len(routes)} whose p95 changes most (all with --json or --out)"
        )
        change = (routes["p95_days"] - routes["base_p95_days"]).abs()
        routes = routes.loc[change.sort_values(ascending=False, kind="stable").index[:n_routes]]
    elif len(routes) > n_routes:
        # The default demand has hundreds of services: list the busiest, keep all in --json.
        title += f", the {n_routes} busiest of {len(routes)} (all with --json or --out)"
        routes = routes.sort_values("finished", ascending=False, kind="stable").head(n_routes)
    t = Table(title=title)
    for col in ("route", "p50 days", "p95 days", "SWOD km/h", "SWD km/h", "t CO2e"):
        t.add_column(col, justify="left" if col == "route" else "right")
    if base is not None:
        t.add_column("base p50", justify="right")
        t.add_column("base p95", justify="right")
    for name, r in routes.iterrows():
        row = [
            route_title(net, str(name)),
            f"{r.p50_days:.1f} ± {r.p50_days_ci:.1f}",
            f"{r.p95_days:.1f} ± {r.p95_days_ci:.1f}",
            f"{r.swod_kmh:.0f}",
            f"{r.swd_kmh:.0f}",
            "-" if math.isnan(r.co2e_t_wtw) else f"{r.co2e_t_wtw:,.0f}",
        ]
        if base is not None:
            row += [f"{r.base_p50_days:.1f}", f"{r.base_p95_days:.1f}"]
        t.add_row(*row)
    emit_table(console, t, wide=wide)

    b = Table(title=f"Top {top} bottlenecks (train-hours waiting per day)")
    for col in (
        "station",
        "kind",
        "wait h/day",
        "util.",
        "mean wait h",
        "p95 wait h",
        f"P(wait>{72:g} h)",
    ):
        b.add_column(col, justify="left" if col in ("station", "kind") else "right")
    for name, r in mc.bottlenecks(top=top).iterrows():
        b.add_row(
            station_title(net, str(name)),
            str(r.category),
            f"{r.wait_train_hours_per_day:.1f} ± {r.wait_train_hours_per_day_ci:.1f}",
            "-" if math.isnan(r.utilization) else f"{r.utilization:.0%}",
            f"{r.mean_wait_h:.1f} ± {r.mean_wait_h_ci:.1f}",
            f"{r.p95_wait_h:.1f}",
            f"{r.p_wait_over:.1%}",
        )
    emit_table(console, b, wide=wide)

    borders = mc.border_summary()
    if len(borders):
        c = Table(title="Border crossing points (CAREC CPMM: time to clear, hours)")
        for col in ("crossing point", "crossings/yr", "mean h", "p95 h", "USD/FEU"):
            c.add_column(col, justify="left" if col == "crossing point" else "right")
        for name, r in borders.sort_values("mean_clear_h", ascending=False).iterrows():
            c.add_row(
                node_title(net, str(name)),
                f"{r.crossings * 365.0 / mc.days:.0f}",
                f"{r.mean_clear_h:.1f} ± {r.mean_clear_h_ci:.1f}",
                f"{r.p95_clear_h:.1f}",
                f"{r.usd_per_feu:.0f}",
            )
        emit_table(console, c, wide=wide)
    if co2e is not None:
        line = f"CO2e well-to-wheel of the finished trains: {co2e:,.0f} t per replication"
        if base_co2e is not None:
            line += f" (baseline {base_co2e:,.0f} t)"
        console.print(
            line + " (ISO 14083 / GLEC; hubs not included)", highlight=False, soft_wrap=wide
        )
    trains = mc.n_trains.mean()
    console.print(
        f"{trains:.0f} trains per replication; engine {mc.n_events.sum() / mc.elapsed_s.sum():,.0f}"
        f" events/s; wall time {elapsed:.1f} s; seed {mc.seed_entropy}",
        highlight=False,
        soft_wrap=wide,
    )


@click.command("simulate")
@scenario_option("YAML scenario file (closures, capacity, ferries, demand, services).")
@days_option
@replications_option(default=100, help="Monte Carlo replications.")
@seed_option("Root seed (default: fresh entropy, printed at the end).")
@scheduler_option(
    "Dask scheduler address; 'serial' runs in-process (one thread per CPU); default: "
    "a local cluster (no dashboard) when the run is long and two CPUs are idle, else "
    "in-process."
)
@workers_option("Start a local cluster of N worker processes, however long the run.")
@click.option(
    "--warmup-days",
    type=click.FloatRange(min=0.0),
    default=0.0,
    show_default=True,
    help="Days excluded from the statistics at the start.",
)
@click.option(
    "--baseline/--no-baseline",
    default=None,
    help="Also run without the scenario, same seed (default: on with --scenario).",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Bottlenecks to list."
)
@click.option(
    "--routes",
    "n_routes",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    help="Routes to list in the text output, busiest first (all with --json or --out).",
)
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write Parquet tables (routes, stations, borders, replications, timeline).",
)
@click.option(
    "--reassign",
    "reroute",
    is_flag=True,
    help="Run the trains of the corridor equilibrium instead of the packaged ones: the "
    "demand chooses mode and route under the scenario (and the baseline under the base "
    "year), as `silkrail flows` computes it.",
)
@wide_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@handle_errors
def simulate(
    scenario_path: Path | None,
    days: float,
    replications: int,
    seed: int | None,
    scheduler: str | None,
    workers: int | None,
    warmup_days: float,
    baseline: bool | None,
    top: int,
    n_routes: int,
    data: Path | None,
    out_dir: Path | None,
    reroute: bool,
    wide: bool,
    as_json: bool,
) -> None:
    """Simulate trains through the corridor: transit-time percentiles and bottlenecks.

    Runs REPLICATIONS independent replications of DAYS days of the default 2024 train
    services (the packaged, sourced demand table, on the planner's routes; or the
    scenario's) on Dask, and reports per-route p50/p95 transit days with
    confidence intervals, the top bottlenecks and the CAREC border-crossing indicators.
    With --reassign, the trains are those of the corridor equilibrium (docs/flows.md):
    the demand avoids a closure or a saturated crossing by choosing other routes, corridors
    or the sea, traffic above capacity waits at its origin, and the trains a week by
    corridor are shown.
    """
    if warmup_days >= days:
        raise CommandError(
            f"--warmup-days ({warmup_days:g}) must be less than --days ({days:g})", EXIT_USAGE
        )
    if out_dir is not None:
        check_out_dir(out_dir)
    t0 = time.perf_counter()
    spec = load_spec(scenario_path)
    net = _network(data)
    model = build_model(spec, net, data)
    if seed is None:
        # One root seed for the scenario and its baseline (common random numbers).
        seed = int(np.random.default_rng().integers(2**62))
    run_base = spec is not None and baseline is not False
    scheduler = local_scheduler(scheduler, quiet=as_json)
    scenario = spec.scenario if spec is not None else None
    with (
        dask_client(scheduler, workers, replications=replications, days=days) as client,
        progress_bars(not as_json, replications) as progress,
    ):
        study = run_study(
            model,
            scenario=scenario,
            days=days,
            replications=replications,
            seed=seed,
            warmup_days=warmup_days,
            baseline=run_base,
            reroute=reroute,
            flows_options=spec.flows if spec is not None else None,
            net=net,
            corridor_options=spec.corridor_options if spec is not None else None,
            client=client,
            progress=progress,
        )
    mc, base, routes = study.scenario, study.baseline, study.routes
    rr = study.rerouting
    written: list[str] = []
    if out_dir is not None:
        try:
            written = _write(out_dir, mc, routes, rr, net)
            if base is not None:
                base_routes = route_table(base, None)
                written += _write(out_dir / "baseline", base, base_routes, None, net)
        except OSError as exc:
            raise CommandError(f"cannot write to {out_dir}: {exc}", EXIT_EXPORT) from None
    elapsed = time.perf_counter() - t0
    warnings_ = saturation_warnings(mc, net, days=days)
    if as_json:
        payload = study.summary(top=top)
        payload["files"] = written
        payload["elapsed_s"] = elapsed
        payload["warnings"] = warnings_
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return
    _print(mc, base, routes, net=net, top=top, n_routes=n_routes, elapsed=elapsed, wide=wide)
    if rr is not None:
        print_rerouting(rr, wide=wide)
    for w in warnings_:
        _stderr().print(f"warning: {w}", highlight=False)
    if written:
        Console(soft_wrap=True).print(f"wrote {len(written)} files to {out_dir}", highlight=False)
