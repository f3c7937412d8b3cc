"""Check (and fit) the cost functions of a line section behind a line section.

Two sections in series, each a headway of 2 h (the downstream one) and a running time of 10 h
with a coefficient of variation 0.02–0.4; trains arrive at random (Poisson) or half to a
timetable, at utilisations 0.3–0.85, with the upstream headway equal to the downstream one or
1.5 × as long. The simulator's mean wait at the downstream section is set beside
:func:`silkrail.simulation.congestion.tandem_cv2`'s (through Allen–Cunneen) and beside QNA's
(the departure CV² of the upstream section, spread by the running times, as
:func:`~silkrail.simulation.congestion.departure_cv2` gives it).

A second grid has the upstream section faster (headway 0.2, 0.5 or 0.8 × the downstream one),
where QNA's departure CV² applies: it fits the weight of the running-time spread in the
exits' CV² (:data:`~silkrail.simulation.congestion.EXIT_SPREAD_WEIGHT`) to the downstream
waits.

Run from the repository root (about a minute)::

    python scripts/check_tandem.py --write     # the table in docs/flows.md
    python scripts/check_tandem.py --fit       # refit TANDEM_FIT and EXIT_SPREAD_WEIGHT
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from pathlib import Path

import numpy as np
from _doc_blocks import replace_block
from scipy.optimize import least_squares

from silkrail.simulation import Route, Section, SimulationModel, TrainService
from silkrail.simulation import congestion as cg
from silkrail.simulation.engine import simulate

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "flows.md"
HEADWAY = 2.0
RUNNING = 10.0
UTILISATIONS = (0.3, 0.5, 0.7, 0.85)
CVS = (0.02, 0.05, 0.1, 0.2, 0.4)
RANDOM_SHARES = (1.0, 0.5)
RATIOS = (1.0, 1.5)
#: The faster-upstream grid: utilisation, running-time spread (h), upstream/downstream headway.
FASTER = [
    (rho, sigma, ratio)
    for rho in (0.5, 0.7, 0.85)
    for sigma in (0.0, 1.0, 2.0, 4.0)
    for ratio in (0.2, 0.5, 0.8)
]


def cases() -> list[tuple[float, float, float, float]]:
    """(utilisation, running-time CV, random share, upstream/downstream headway) below 95 %."""
    grid = itertools.product(UTILISATIONS, CVS, RANDOM_SHARES, RATIOS)
    return [c for c in grid if c[0] * c[3] < 0.95]


def _downstream_wait(
    rho: float, ratio: float, up_cv: float, down_cv: float, rs: float, *, days: float, seed: int
) -> float:
    """The simulator's mean wait at the second of two sections (two seeded runs)."""
    up = Section("a", trains_per_day=24.0 / (HEADWAY * ratio), hours=RUNNING, cv=up_cv)
    down = Section("b", trains_per_day=24.0 / HEADWAY, hours=RUNNING, cv=down_cv)
    model = SimulationModel(
        stations=(up, down),
        routes=(Route("r", ("a", "b")),),
        services=(
            TrainService("r", trains_per_week=rho / HEADWAY * 168.0, feu=50, random_share=rs),
        ),
    )
    waits = []
    for ss in np.random.SeedSequence(seed).spawn(2):
        res = simulate(model, days=days, warmup_days=30, seed=np.random.default_rng(ss))
        waits.append(float(res.station_stats().column("mean_wait_h")[1]))
    return float(np.mean(waits))


def simulated(rho: float, cv: float, rs: float, ratio: float, *, days: float, seed: int) -> float:
    """A tandem case: both sections' running times with CV `cv`."""
    return _downstream_wait(rho, ratio, cv, cv, rs, days=days, seed=seed)


def faster_simulated(rho: float, sigma: float, ratio: float, *, days: float, seed: int) -> float:
    """A faster-upstream case: spread `sigma` hours upstream, half-timetabled trains."""
    return _downstream_wait(rho, ratio, sigma / RUNNING, 0.0, 0.5, days=days, seed=seed)


def _upstream(ratio: np.ndarray, spread_hours: np.ndarray) -> cg.StationCapacity:
    """The upstream sections of a grid, as the cost functions see them."""
    n = len(ratio)
    return cg.StationCapacity.from_arrays(
        name=["a"] * n,
        kind=[cg.SECTION] * n,
        servers=[1] * n,
        service_hours=HEADWAY * ratio,
        service_cv=[0.0] * n,
        exit_spread_hours=spread_hours,
    )


def _close(model: np.ndarray, sim: np.ndarray) -> int:
    """Cases within ±25 % or 3 minutes of the simulator."""
    return int(((np.abs(model - sim) <= 0.25 * sim) | (np.abs(model - sim) <= 0.05)).sum())


def faster_waits(data: np.ndarray) -> np.ndarray:
    """QNA's downstream wait for rows (rho, sigma, ratio), half-timetabled trains."""
    rho, sigma, ratio = data.T
    cd2 = cg.departure_cv2(
        _upstream(ratio, sigma), rho * ratio, np.full_like(rho, 0.5), rho / HEADWAY
    )
    return np.asarray(rho / (1.0 - rho) * HEADWAY / 2.0 * cd2, dtype=float)


def fit_spread_weight(data: np.ndarray, sim: np.ndarray) -> float:
    """The weight that minimises the RMS log error of the spread cases (sigma > 0)."""
    from scipy.optimize import minimize_scalar

    spread = data[:, 1] > 0

    def loss(k: float) -> float:
        cg.EXIT_SPREAD_WEIGHT = float(k)
        return float(np.mean(np.log(faster_waits(data[spread]) / sim[spread]) ** 2))

    best = minimize_scalar(loss, bounds=(0.05, 2.0), method="bounded").x
    return round(float(best), 2)


def model_waits(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tandem and QNA waits for rows (rho, cv, rs, ratio)."""
    rho, cv, rs, ratio = data.T
    scale = rho / (1.0 - rho) * HEADWAY / 2.0
    # The trains' long-run CV²: 1 for Poisson, 0.5 for half timetabled (the packaged case).
    tandem = scale * cg.tandem_cv2(
        rho=rho,
        headway_hours=np.full_like(rho, HEADWAY),
        upstream_headway_hours=HEADWAY * ratio,
        upstream_spread_hours=cv * RUNNING,
        long_run_cv2=np.where(rs == 1.0, 1.0, 0.5),
    )
    qna = scale * cg.departure_cv2(_upstream(ratio, cv * RUNNING), rho * ratio, rs, rho / HEADWAY)
    return tandem, qna


def fit(data: np.ndarray, sim: np.ndarray) -> tuple[float, ...]:
    def resid(p: np.ndarray) -> np.ndarray:
        cg.TANDEM_FIT = tuple(float(x) for x in p)
        tandem, _ = model_waits(data)
        return np.log(np.maximum(tandem, 1e-9) + 0.01) - np.log(sim + 0.01)

    best = least_squares(resid, np.asarray(cg.TANDEM_FIT)).x
    return tuple(round(float(x), 2) for x in best)


def table(data: np.ndarray, sim: np.ndarray) -> str:
    tandem, qna = model_waits(data)

    lines = [
        f"{len(sim)} cases (two sections in series; utilisation 0.3–0.85, running-time CV "
        "0.02–0.4, Poisson or half-timetabled trains, upstream headway 1 or 1.5 × the "
        f"downstream one). Within ±25 % or 3 minutes of the simulator: the tandem cost "
        f"function {_close(tandem, sim)} of {len(sim)}, QNA {_close(qna, sim)} of {len(sim)}. Half-"
        "timetabled trains, equal headways (the packaged case):",
        "",
        "| utilisation | running-time CV | simulator (h) | tandem (h) | QNA (h) |",
        "|---|---|---|---|---|",
    ]
    for i, (rho, cv, rs, ratio) in enumerate(data):
        if rs == 0.5 and ratio == 1.0 and cv in (0.05, 0.2, 0.4):
            lines.append(
                f"| {rho:.2f} | {cv:.2f} | {sim[i]:.2f} | {tandem[i]:.2f} | {qna[i]:.2f} |"
            )
    return "\n".join(lines)


def faster_table(data: np.ndarray, sim: np.ndarray, before: np.ndarray) -> str:
    now = faster_waits(data)

    lines = [
        f"Upstream section faster ({len(sim)} cases: headway 0.2–0.8 × the downstream one, "
        "running-time spread 0–4 h, utilisation 0.5–0.85, half-timetabled trains): within "
        f"±25 % or 3 minutes, QNA with the spread weight {cg.EXIT_SPREAD_WEIGHT:g} "
        f"{_close(now, sim)} of {len(sim)}, with weight 1 (a fit to the exits' gaps, not to the "
        f"waits) {_close(before, sim)} of {len(sim)}.",
        "",
        "| utilisation | spread (h) | headway ratio | simulator (h) | weight "
        f"{cg.EXIT_SPREAD_WEIGHT:g} (h) | weight 1 (h) |",
        "|---|---|---|---|---|---|",
    ]
    for i, (rho, sigma, ratio) in enumerate(data):
        if ratio == 0.5 and sigma in (1.0, 4.0):
            lines.append(
                f"| {rho:.2f} | {sigma:g} | {ratio:g} | {sim[i]:.2f} | {now[i]:.2f} | "
                f"{before[i]:.2f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=2500.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--fit", action="store_true", help="refit the constants and print them")
    ap.add_argument("--write", action="store_true", help="write the tables into docs/flows.md")
    args = ap.parse_args(argv)
    data = np.array(cases(), dtype=float)
    sim = np.array([simulated(*c, days=args.days, seed=args.seed) for c in data])
    faster = np.array(FASTER, dtype=float)
    faster_sim = np.array([faster_simulated(*c, days=args.days, seed=args.seed) for c in faster])
    packaged = cg.EXIT_SPREAD_WEIGHT
    cg.EXIT_SPREAD_WEIGHT = 1.0
    before = faster_waits(faster)
    cg.EXIT_SPREAD_WEIGHT = packaged
    if args.fit:
        print("TANDEM_FIT =", fit(data, sim))
        print("EXIT_SPREAD_WEIGHT =", fit_spread_weight(faster, faster_sim))
        cg.EXIT_SPREAD_WEIGHT = packaged
    text = table(data, sim) + "\n\n" + faster_table(faster, faster_sim, before)
    print(text)
    if args.write:
        doc = DOC.read_text(encoding="utf-8")
        DOC.write_text(replace_block(doc, "tandem-check", text, where=str(DOC)), encoding="utf-8")
    return 0 if math.isfinite(float(sim.sum())) else 1


if __name__ == "__main__":
    sys.exit(main())
