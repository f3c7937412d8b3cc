"""The ``silkrail report`` command: a scenario study as one self-contained HTML file.

Registered in the main CLI's lazy command table. Exit codes follow the CLI's: 0 success;
1 internal error; 2 bad option or scenario file; 3 invalid network data; 6 output could not be
written.
"""

from __future__ import annotations

import json
import os
import shlex
import time
from pathlib import Path

import click
import numpy as np

import silkrail
from silkrail._cli_common import (
    EXIT_EXPORT,
    CommandError,
    data_option,
    days_option,
    handle_errors,
    replications_option,
    scenario_option,
    scheduler_option,
    seed_option,
    workers_option,
)
from silkrail._cli_common import load_data as _network
from silkrail._cli_common import stdout as _stdout
from silkrail._cli_simulate import (
    build_model,
    dask_client,
    load_spec,
    local_scheduler,
    progress_bars,
)

__all__ = ["report"]


def _check_output(path: Path) -> None:
    """Fail before the run, not after it, if the report cannot be written there."""
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        msg = f"cannot write the report to {path}: the folder {folder} does not exist"
        raise CommandError(msg, EXIT_EXPORT)
    if path.is_dir():
        raise CommandError(f"cannot write the report to {path}: it is a folder", EXIT_EXPORT)
    if not os.access(folder, os.W_OK):
        msg = f"cannot write the report to {path}: the folder {folder} is not writable"
        raise CommandError(msg, EXIT_EXPORT)


def _command(
    scenario: Path | None, replications: int, days: float, seed: int, out: Path, data: Path | None
) -> str:
    args = ["silkrail", "report"]
    if scenario is not None:
        args += ["--scenario", str(scenario)]
    if data is not None:
        args += ["--data", str(data)]
    args += ["--replications", str(replications), "--days", f"{days:g}", "--seed", str(seed)]
    args += ["-o", str(out)]
    return shlex.join(args)


@click.command("report")
@scenario_option("YAML scenario file; without one the report shows the baseline alone.")
@replications_option(
    default=20, help="Monte Carlo replications of the scenario and of its baseline."
)
@days_option
@seed_option("Root seed (default: fresh entropy, written in the report).")
@scheduler_option("Dask scheduler address; default a local cluster; 'serial' runs in-process.")
@workers_option("Worker processes of the local cluster (default: CPU count).")
@data_option
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The HTML file to write.",
)
@click.option(
    "--flows",
    "with_flows",
    is_flag=True,
    help="Add the corridor flows at equilibrium (silkrail flows) for the same scenario.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@handle_errors
def report(
    scenario_path: Path | None,
    replications: int,
    days: float,
    seed: int | None,
    scheduler: str | None,
    workers: int | None,
    data: Path | None,
    out: Path,
    with_flows: bool,
    as_json: bool,
) -> None:
    """Write a corridor study as one self-contained HTML file (no network requests).

    Runs the scenario and its baseline with the same seed, then writes a summary of what
    changes, a network map (line width = trains a week, colour = utilisation, bottlenecks
    marked), charts (transit times of the main routes, queues at the top bottlenecks, trains
    a week and CO2e by corridor), the route, border and bottleneck tables, the assumptions
    (scenario, dataset hash, sources of what the scenario touched) and how to reproduce it.
    """
    _check_output(out)
    t0 = time.perf_counter()
    spec = load_spec(scenario_path)
    scenario_text = scenario_path.read_text(encoding="utf-8") if scenario_path else None
    net = _network(data)
    model = build_model(spec, net, data)
    if seed is None:
        seed = int(np.random.default_rng().integers(2**62))
    scheduler = local_scheduler(scheduler, quiet=as_json)
    with (
        dask_client(scheduler, workers, replications=replications, days=days) as client,
        progress_bars(not as_json, replications) as progress,
    ):
        study = silkrail.run_study(
            model,
            scenario=spec.scenario if spec is not None else None,
            days=days,
            replications=replications,
            seed=seed,
            net=net,
            client=client,
            progress=progress,
        )
    sections = []
    if with_flows:
        from silkrail.studies.flow_study import run_flow_study
        from silkrail.studies.flow_tables import flows_report_html

        flows = run_flow_study(net, spec)
        sections.append(
            silkrail.ReportSection("flows", "Corridor flows", flows_report_html(flows, net))
        )
    command = _command(scenario_path, replications, days, seed, out, data)
    if with_flows:
        command += " --flows"
    try:
        silkrail.write_study_report(
            study,
            net,
            out,
            command=command,
            scenario_text=scenario_text,
            dataset="the packaged corridors dataset" if data is None else str(data),
            version=silkrail.__version__,
            sections=sections,
        )
    except OSError as exc:
        raise CommandError(f"cannot write the report to {out}: {exc}", EXIT_EXPORT) from None
    elapsed = time.perf_counter() - t0
    size = out.stat().st_size
    if as_json:
        payload = {"file": str(out), "bytes": size, "seed": seed, "elapsed_s": elapsed}
        click.echo(json.dumps(payload))
        return
    _stdout().print(
        f"wrote {out} ({size / 1e6:.1f} MB) in {elapsed:.1f} s; seed {seed}", highlight=False
    )
