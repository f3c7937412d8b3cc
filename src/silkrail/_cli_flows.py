"""The ``silkrail flows`` command: container flows by mode, corridor and route at equilibrium.

Exit codes follow the CLI's: 0 success; 2 bad option or scenario file; 3 invalid network data;
4 unknown location; 5 no route; 6 output could not be written.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from silkrail._cli_common import (
    EXIT_EXPORT,
    EXIT_USAGE,
    CommandError,
    emit_json,
    handle_errors,
    json_option,
)
from silkrail._cli_common import stderr as _stderr
from silkrail._cli_common import stdout as _stdout

if TYPE_CHECKING:
    import pandas as pd

    from silkrail.network.model import CorridorNetwork
    from silkrail.studies.flow_study import FlowStudy

__all__ = ["flows"]


def _fmt_teu(x: float) -> str:
    return f"{x / 1000:,.1f}k" if x >= 1000 else f"{x:,.0f}"


def _delta(new: float, old: float) -> str:
    if old == 0:
        return "new" if new else "–"
    return f"{(new - old) / old:+.0%}"


def _market_table(study: FlowStudy) -> Table:
    from silkrail.studies.flow_tables import corridor_table

    base = corridor_table(study.baseline).set_index(["market", "corridor"])
    scen = (
        corridor_table(study.scenario).set_index(["market", "corridor"])
        if study.scenario is not None
        else None
    )
    keys = list(dict.fromkeys([*base.index, *(scen.index if scen is not None else [])]))
    t = Table(title="TEU a year by market and corridor", title_justify="left")
    t.add_column("market")
    t.add_column("corridor")
    t.add_column("TEU", justify="right")
    t.add_column("days", justify="right")
    t.add_column("kt CO2e", justify="right")
    if scen is not None:
        t.add_column("scen. TEU", justify="right")
        t.add_column("change", justify="right")
    for key in keys:
        b = base.loc[key] if key in base.index else None
        row = [
            key[0],
            key[1],
            _fmt_teu(float(b["teu_per_year"])) if b is not None else "0",
            f"{b['p50_days']:.1f}" if b is not None else "–",
            f"{b['co2e_kt']:,.0f}" if b is not None else "–",
        ]
        if scen is not None:
            s = scen.loc[key] if key in scen.index else None
            new = float(s["teu_per_year"]) if s is not None else 0.0
            old = float(b["teu_per_year"]) if b is not None else 0.0
            row += [_fmt_teu(new), _delta(new, old)]
        t.add_row(*row)
    return t


def _share_table(study: FlowStudy) -> Table:
    from silkrail.studies.flow_tables import market_table

    base = market_table(study.baseline).set_index("market")
    t = Table(title="Rail share by market", title_justify="left")
    t.add_column("market")
    t.add_column("TEU all modes", justify="right")
    t.add_column("rail share", justify="right")
    if study.scenario is not None:
        t.add_column("scenario", justify="right")
        scen = dict(
            zip(*market_table(study.scenario)[["market", "rail_share"]].T.values, strict=True)
        )
    for r in base.reset_index().to_dict(orient="records"):
        m = str(r["market"])
        row = [m, _fmt_teu(float(r["teu_per_year"])), f"{float(r['rail_share']):.2%}"]
        if study.scenario is not None:
            row.append(f"{float(scen[m]):.2%}")
        t.add_row(*row)
    return t


def _station_table(study: FlowStudy, net: CorridorNetwork, top: int) -> Table:
    from silkrail.studies.flow_tables import station_table

    res = study.scenario if study.scenario is not None else study.baseline
    df = station_table(res, net, top=top)
    base = station_table(study.baseline, net).set_index("station_id")
    which = "scenario" if study.scenario is not None else "base year"
    t = Table(
        title=f"Busiest crossings, gauge changes, ports and ferries ({which})",
        title_justify="left",
    )
    t.add_column("station", overflow="fold", max_width=34)
    t.add_column("trains/wk", justify="right")
    t.add_column("util.", justify="right")
    t.add_column("wait h", justify="right")
    if study.scenario is not None:
        t.add_column("base wait", justify="right")
    for r in df.itertuples(index=False):
        row = [
            str(r.station),
            f"{r.trains_per_week:.0f}",
            f"{r.utilization:.0%}",
            f"{r.wait_hours:,.0f}",
        ]
        if study.scenario is not None:
            b = base["wait_hours"].get(r.station_id)
            row.append(f"{b:,.0f}" if b is not None else "–")
        t.add_row(*row)
    return t


def _write_tables(out: Path, study: FlowStudy, net: CorridorNetwork) -> list[Path]:
    """Write every table as CSV into `out`, all or nothing."""
    from silkrail.studies.flow_tables import corridor_table, market_table, station_table

    frames: dict[str, pd.DataFrame] = {}
    runs = [("baseline", study.baseline)]
    if study.scenario is not None:
        runs.append(("scenario", study.scenario))
    for label, res in runs:
        frames[f"{label}_markets.csv"] = market_table(res)
        frames[f"{label}_corridors.csv"] = corridor_table(res)
        frames[f"{label}_stations.csv"] = station_table(res, net)
    out.mkdir(parents=False, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        for name, df in frames.items():
            df.to_csv(Path(tmp) / name, index=False)
        written = []
        for name in frames:
            shutil.move(str(Path(tmp) / name), out / name)
            written.append(out / name)
    return written


@click.command("flows")
@click.option(
    "--scenario",
    "scenario_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Scenario YAML (closures, capacity, demand growth, and a flows section).",
)
@click.option("--simulate", is_flag=True, help="Check the waits in the simulator.")
@click.option(
    "--replications",
    type=click.IntRange(1, 500),
    default=3,
    show_default=True,
    help="Simulated years for --simulate (docs/flows.md's check uses 200: about 40 s).",
)
@click.option("--seed", type=int, default=2024, show_default=True)
@click.option("--top", type=click.IntRange(1, 200), default=12, show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the tables as CSV files into this folder (its parent must exist).",
)
@json_option
@handle_errors
def flows(
    scenario_path: Path | None,
    simulate: bool,
    replications: int,
    seed: int,
    top: int,
    out: Path | None,
    as_json: bool,
) -> None:
    """Container flows by mode, corridor and route at equilibrium, against the 2024 base year.

    Prints TEU a year by market, corridor and mode (days, kt CO2e), the rail share, and trains
    a week, utilisation and waits at the busiest border crossings, gauge changes, ports and
    ferries. See docs/flows.md for the model.
    """
    from silkrail import load_network
    from silkrail.simulation import scenario_from_yaml
    from silkrail.simulation.names import station_title
    from silkrail.studies.flow_study import run_flow_study, simulate_flows
    from silkrail.studies.flow_tables import saturated, study_json

    if out is not None and not out.parent.is_dir():
        raise CommandError(f"cannot write into {out}: {out.parent} is not a folder", EXIT_EXPORT)
    spec = None
    if scenario_path is not None:
        try:
            text = scenario_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                f"cannot read scenario file {scenario_path}: {exc}", EXIT_USAGE
            ) from None
        spec = scenario_from_yaml(text, source=str(scenario_path))
    net = load_network()
    study = run_flow_study(net, spec)
    check = None
    if simulate:
        res = study.scenario if study.scenario is not None else study.baseline
        check = simulate_flows(net, res, replications=replications, seed=seed)
    if out is not None:
        _write_tables(out, study, net)
    if as_json:
        payload = study_json(study, net)
        if check is not None:
            payload["simulator_check"] = check.to_dict(orient="records")
        emit_json(payload)
        return
    con = _stdout()
    con.print(_share_table(study))
    con.print(_market_table(study))
    con.print(_station_table(study, net, top))
    final = study.scenario if study.scenario is not None else study.baseline
    con.print(
        f"Equilibrium: relative gap {final.gap[-1]:.1e} after {final.gap.size} iterations.",
        highlight=False,
    )
    for w in saturated(final, net):
        _stderr().print(f"warning: {w}", highlight=False)
    if check is not None:
        t = Table(
            title="Simulator check on the trains that run (above capacity: held at the origin)",
            title_justify="left",
        )
        t.add_column("station", overflow="fold")
        t.add_column("util.", justify="right")
        t.add_column("model h", justify="right")
        t.add_column("sim. h", justify="right")
        t.add_column("± 95 %", justify="right")
        t.add_column("diff.", justify="right")
        busy = check[check["utilization"] > 0.5]
        for r in busy.itertuples(index=False):
            t.add_row(
                station_title(net, str(r.station)),
                f"{r.utilization:.0%}",
                f"{r.cost_function_wait_h:,.1f}",
                f"{r.simulated_wait_h:,.1f}",
                f"{r.simulated_wait_ci_h:,.1f}",
                f"{r.difference:+.0%}",
            )
        con.print(t)
        within = int((busy["difference"].abs() <= 0.25).sum())
        con.print(
            f"Within ±25 %: {within} of {len(busy)} stations above 50 % "
            f"({replications} simulated years, seed {seed}).",
            highlight=False,
        )
