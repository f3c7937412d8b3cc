"""Calibrate the flows model's constants to 2024 and score it: docs/flows.md, docs/validation.md.

1. Fits the cost sensitivity beta and, for each beta, the rail constants (westbound,
   eastbound) and the Middle Corridor constant: the constants make the 2024 equilibrium give
   the sourced rail shares and the Middle Corridor share of westbound rail
   (``datasets/demand/flows_2024.csv``); beta makes the 2023 conditions (Suez open, 2023 sea
   rates: the WCI composite's 2023 average is 0.423 of 2024's) give the published 2023 → 2024
   change of the westbound rail share (ERAI rail TEU 143,290 → 330,704 over rail + China →
   Europe sea TEU). Writes them into ``datasets/demand/choice_parameters.csv`` (``--write``).
2. Held-out check: 2025 (sea rates back to the network's 2,392 USD/FEU of April 2025, the Cape
   still) against 2024, next to UTLC ERA's -22 % of H1 2025.
3. Checks the Brest closure (``examples/scenarios/brest-closed.yaml``): TEU conserved, waits
   bounded.
4. Runs the baseline equilibrium's trains through the simulator and compares its waits with
   the cost functions' at every station above 50 % utilisation.

Run from the repository root (about 2 minutes)::

    python scripts/calibrate_flows.py --write
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from _doc_blocks import replace_block

from silkrail import load_network
from silkrail.routing.choice import CORRIDORS, MODES
from silkrail.simulation import scenario_from_yaml
from silkrail.simulation.names import station_title
from silkrail.studies.flow_study import (
    BASE_DATE,
    _offsets,
    _shares,
    calibrate_constants,
    flow_scenario,
    load_flow_inputs,
    run_flow_study,
    simulate_flows,
    study_alternatives,
    teu_per_train,
)
from silkrail.studies.flows import FlowScenario, equilibrium

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ROOT / "src" / "silkrail" / "datasets" / "demand" / "choice_parameters.csv"
FLOWS_DOC = ROOT / "docs" / "flows.md"
VALIDATION = ROOT / "docs" / "validation.md"
#: Published westbound China -> EU rail TEU (ERAI, via Upply 2025): 2023 and 2024.
ERAI_WEST = (143_290.0, 330_704.0)
#: China -> Europe sea TEU: 2023 (JMC/CTS) and the 2024 estimate of flows_2024.csv.
SEA_WEST = (12_500_000.0, 13_475_000.0)
#: WCI composite average, 2023 over 2024 (1,674 / 3,958 USD/FEU).
SEA_RATE_2023 = 1674.0 / 3958.0


def write_constants(constants: dict[str, float]) -> None:
    rows = list(csv.DictReader(PARAMS.open(encoding="utf-8")))
    for r in rows:
        if r["name"] in constants:
            v = constants[r["name"]]
            r["value"] = f"{v:.4g}" if r["name"] == "beta" else f"{v:.1f}"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    PARAMS.write_text(buf.getvalue(), encoding="utf-8")


def _alternatives(net, inputs, depart: str, sea_factor: float):  # type: ignore[no-untyped-def]
    """Route sets under another year's conditions: its date and its sea-rate level."""
    sc = FlowScenario(
        name=f"conditions-{depart}",
        sea_rate_factor=inputs.base_sea_rate_factor * sea_factor,
    )
    return study_alternatives(net, inputs, scenario=sc, depart=depart)


def fit_beta(alts, alts23, inputs, *, target: float):  # type: ignore[no-untyped-def]
    """Bisect log beta so that the 2024 ÷ 2023 westbound rail share matches `target`."""
    ppt = teu_per_train()
    lo, hi = math.log(1e-5), math.log(2e-3)

    def run(log_beta: float):  # type: ignore[no-untyped-def]
        inp = replace(inputs, params=replace(inputs.params, beta=math.exp(log_beta)))
        constants, base = calibrate_constants(alts, inp)
        res23 = equilibrium(
            alts23,
            inp.demand,
            inp.classes,
            inp.params,
            teu_per_train=ppt,
            offset=_offsets(alts23, inp, constants),
        )
        ratio = _shares(base, inp, "china-europe")[0] / _shares(res23, inp, "china-europe")[0]
        print(f"beta {math.exp(log_beta):.3g}: 2024/2023 rail share {ratio:.3f}")
        return ratio, constants, base, res23

    for _ in range(14):
        mid = 0.5 * (lo + hi)
        ratio = run(mid)[0]
        if ratio > target:
            hi = mid
        else:
            lo = mid
    best = 0.5 * (lo + hi)
    ratio, constants, base, res23 = run(best)
    return math.exp(best), constants, base, res23


def refresh_checksums() -> None:
    """Re-hash every file SHA256SUMS lists (choice_parameters.csv changed)."""
    sums = PARAMS.parent / "SHA256SUMS"
    names = [line.split("  ", 1)[1] for line in sums.read_text(encoding="utf-8").splitlines()]
    text = "".join(
        f"{hashlib.sha256((PARAMS.parent / n).read_bytes()).hexdigest()}  {n}\n"
        for n in sorted(names)
    )
    sums.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write the constants and the docs")
    ap.add_argument("--replications", type=int, default=200)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    net = load_network()
    inputs = load_flow_inputs()
    ppt = teu_per_train()
    base_sc = flow_scenario(None, base_sea_rate_factor=inputs.base_sea_rate_factor)
    alts = study_alternatives(net, inputs, scenario=base_sc, depart=BASE_DATE)
    alts23 = _alternatives(net, inputs, "2023-07-01", SEA_RATE_2023)
    alts25 = _alternatives(net, inputs, "2025-04-10", 1.0 / inputs.base_sea_rate_factor)
    pub23 = ERAI_WEST[0] / (ERAI_WEST[0] + SEA_WEST[0])
    pub24 = ERAI_WEST[1] / (ERAI_WEST[1] + SEA_WEST[1])
    beta, constants, base, res23 = fit_beta(alts, alts23, inputs, target=pub24 / pub23)
    inputs = replace(inputs, params=replace(inputs.params, beta=beta))
    res25 = equilibrium(
        alts25,
        inputs.demand,
        inputs.classes,
        inputs.params,
        teu_per_train=ppt,
        offset=_offsets(alts25, inputs, constants),
    )
    fit = ["| target | published 2024 | model | difference |", "|---|---|---|---|"]
    for row, label in (("china-europe", "westbound"), ("europe-china", "eastbound")):
        share, mid = _shares(base, inputs, row)
        t_share, t_mid = inputs.targets[row]
        fit.append(
            f"| rail share of China–Europe TEU, {label} | {t_share:.2%} | {share:.2%} | "
            f"{(share - t_share) / t_share:+.1%} |"
        )
        if not math.isnan(t_mid):
            fit.append(
                f"| Middle Corridor share of rail TEU, {label} | {t_mid:.2%} | {mid:.2%} | "
                f"{(mid - t_mid) / t_mid:+.1%} |"
            )
    s24, m24 = _shares(base, inputs, "china-europe")
    s23, m23 = _shares(res23, inputs, "china-europe")
    s25, m25 = _shares(res25, inputs, "china-europe")
    fit.append(
        f"| westbound rail share 2024 ÷ 2023 (fits beta) | {pub24 / pub23:.2f} | "
        f"{s24 / s23:.2f} | {(s24 / s23) / (pub24 / pub23) - 1:+.1%} |"
    )
    fit += ["", "| parameter | value |", "|---|---|", f"| `beta` | {beta:.3g} per USD |"]
    fit += [f"| `{k}` | {v:,.0f} USD per TEU |" for k, v in constants.items()]
    fit += [
        "",
        f"Equilibrium: relative gap {base.gap[-1]:.1e} after {base.gap.size} iterations; "
        f"{alts.n} routes for {len(inputs.demand.origin)} pairs.",
    ]
    red = [
        "| westbound China → Europe | 2023 | 2024 | 2025 |",
        "|---|---|---|---|",
        f"| published rail share (ERAI rail ÷ rail + sea) | {pub23:.2%} | {pub24:.2%} | – |",
        "| published change of rail TEU | – | +131 % (ERAI) | −22 % (UTLC, H1) |",
        f"| model rail share | {s23:.2%} | {s24:.2%} | {s25:.2%} |",
        f"| model change of the rail share | – | {s24 / s23 - 1:+.0%} | {s25 / s24 - 1:+.0%} |",
        f"| model Middle Corridor share of rail | {m23:.1%} | {m24:.1%} | {m25:.1%} |",
    ]
    # Brest closed all year.
    brest = scenario_from_yaml(
        (ROOT / "examples" / "scenarios" / "brest-closed.yaml").read_text(encoding="utf-8"),
        source="brest-closed.yaml",
    )
    study = run_flow_study(net, brest)
    sres = study.scenario
    assert sres is not None
    conserved = abs(float(sres.teu.sum()) - float(inputs.demand.teu_per_year.sum()))
    top = np.argsort(-sres.station_utilization)[:5]
    brest_rows = [
        f"TEU conserved to {conserved:.2g} TEU of {inputs.demand.teu_per_year.sum():,.0f}; "
        f"longest wait {sres.station_wait_hours.max():,.0f} h; relative gap "
        f"{sres.gap[-1]:.1e}. Busiest stations:",
        "",
        "| station | utilisation | wait (h) | deferred share |",
        "|---|---|---|---|",
    ]
    for j in top:
        brest_rows.append(
            f"| {station_title(net, sres.alternatives.stations.name[j])} | "
            f"{sres.station_utilization[j]:.2f} | "
            f"{sres.station_wait_hours[j]:,.0f} | {sres.station_deferred_share[j]:.0%} |"
        )
    rail_share = [
        f"| {CORRIDORS[c]} | "
        f"{float(sres.teu_by_alternative[sres.alternatives.corridor == c].sum()):,.0f} |"
        for c in range(len(CORRIDORS))
    ]
    brest_rows += ["", "| corridor | TEU a year with Brest closed |", "|---|---|", *rail_share]
    # The World Bank's (2023) Middle Corridor programme: travel times halved, trade +30 %.
    wb = scenario_from_yaml(
        (ROOT / "examples" / "scenarios" / "middle-corridor-halved.yaml").read_text(
            encoding="utf-8"
        ),
        source="middle-corridor-halved.yaml",
    )
    wres = run_flow_study(net, wb).scenario
    assert wres is not None
    mc = CORRIDORS.index("Middle Corridor")

    def middle_teu(res):  # type: ignore[no-untyped-def]
        alts = res.alternatives
        rail = alts.mode == MODES.index("rail")
        return float(res.teu_by_alternative[rail & (alts.corridor == mc)].sum())

    mc_base, mc_wb = (
        _shares(base, inputs, "china-europe")[1],
        _shares(wres, inputs, "china-europe")[1],
    )
    wb_rows = [
        "| figure | World Bank (2023), by 2030 | model, 2024 | model, halved times and +30 % |",
        "|---|---|---|---|",
        f"| Middle Corridor share of China → Europe rail TEU | up to 16 % | {mc_base:.1%} | "
        f"{mc_wb:.1%} |",
        f"| Middle Corridor container volume, all markets | more than 1.5 × | "
        f"{middle_teu(base):,.0f} TEU | {middle_teu(wres) / middle_teu(base):.2f} × |",
        "| Caspian cargo of all kinds | 3 × (11 Mt) | – | not modelled (containers only) |",
    ]
    # Simulator check at the calibrated baseline: the trains that can run within the year.
    check = simulate_flows(net, base, replications=args.replications)
    busy = check[check["utilization"] > 0.5]
    within = int((busy["difference"].abs() <= 0.25).sum())
    close = int(
        (
            (busy["difference"].abs() <= 0.25)
            | ((busy["cost_function_wait_h"] - busy["simulated_wait_h"]).abs() <= 1.0)
        ).sum()
    )
    held = int((check["offered_utilization"] > 0.95).sum())
    loaded = check[(check["utilization"] >= 0.3) & (check["simulated_wait_h"] >= 0.2)]
    loaded_within = int((loaded["difference"].abs() <= 0.25).sum())
    sim_rows = [
        f"Stations above 50 % utilisation: {within} of {len(busy)} within ±25 % of the "
        f"simulator, {close} of {len(busy)} within ±25 % or 1 h ({args.replications} "
        f"replications of 365 days after 30 days of warm-up; ± is the simulator's 95 % confidence "
        f"interval). The equilibrium offers {held} "
        "stations more than 95 % of their capacity; the traffic above it is held at its "
        "origin, so the simulator and the cost functions both see the trains that run. "
        f"Over all {len(loaded)} stations at 30 % utilisation or more whose simulated wait is "
        f"at least 0.2 h, {loaded_within} agree within ±25 % (median difference "
        f"{loaded['difference'].abs().median():.0%}).",
        "",
        "| station | utilisation (offered) | cost function (h) | simulator (h) | difference |",
        "|---|---|---|---|---|",
    ]
    for r in busy.itertuples(index=False):
        sim_rows.append(
            f"| {station_title(net, str(r.station))} | {r.utilization:.2f} "
            f"({r.offered_utilization:.2f}) | {r.cost_function_wait_h:,.1f} | "
            f"{r.simulated_wait_h:,.1f} ± {r.simulated_wait_ci_h:,.1f} | {r.difference:+.0%} |"
        )
    took = time.perf_counter() - t0
    text = {
        "flows-fit": "\n".join(fit),
        "flows-red-sea": "\n".join(red),
        "flows-brest": "\n".join(brest_rows),
        "flows-world-bank": "\n".join(wb_rows),
        "flows-simulator": "\n".join(sim_rows),
    }
    for k, v in text.items():
        print(f"== {k}\n{v}\n")
    print(f"({took:.0f} s)")
    if args.write:
        write_constants({**constants, "beta": beta})
        refresh_checksums()
        doc = FLOWS_DOC.read_text(encoding="utf-8")
        for k, v in text.items():
            doc = replace_block(doc, k, v, where=str(FLOWS_DOC))
        FLOWS_DOC.write_text(doc, encoding="utf-8")
        section = (
            "## Corridor flows\n\n"
            f"Generated by `python scripts/calibrate_flows.py --write` ({took:.0f} s); the model "
            "and its inputs are in [flows.md](flows.md).\n\n### Base-year fit\n\n"
            + text["flows-fit"]
            + "\n\n### The Red Sea crisis and after: 2023, 2024, 2025\n\n"
            + text["flows-red-sea"]
            + "\n\nThe cost sensitivity is fitted to the 2023 → 2024 change, so that column is "
            "in-sample; 2025 is held out (the published figure is the change of UTLC ERA's "
            "volume, the model's that of the rail share).\n\n### The World Bank's Middle "
            "Corridor projection\n\n" + text["flows-world-bank"] + "\n\nThe scenario is "
            "`examples/scenarios/middle-corridor-halved.yaml`: the Middle Corridor's transit "
            "times halved and all demand 30 % larger (the Bank's China–EU trade growth to "
            "2030).\n\n### Cost functions against the "
            "simulator\n\n" + text["flows-simulator"] + "\n"
        )
        val = VALIDATION.read_text(encoding="utf-8")
        head = val.split("\n## Corridor flows")[0].rstrip()
        VALIDATION.write_text(head + "\n\n" + section, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
