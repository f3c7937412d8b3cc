"""Algorithm B settings side by side: CPU seconds per network and gap, alternating in one run.

Each variant is a set of ``run_bush`` options (the flow-shift passes, the first iteration's
passes, the share of the current gap below which a bush sits out an iteration). The variants
run in turn within every repetition, so a change of load hits them all; best of ``--reps``.
The first variant is the reference of the ratios.

Usage::

    python bench/algb_variants.py --reps 3 --out /tmp/variants.md
"""

from __future__ import annotations

import argparse
import functools
import os
import time
import warnings
from pathlib import Path
from typing import Any

import silkrail
from silkrail.assignment import _algorithms, engine

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "tntp"
NETWORKS = ("SiouxFalls", "Anaheim", "Barcelona", "ChicagoSketch")
# Chicago Sketch's generalised cost from its README, as in assignment_vs_tapb.py.
FACTORS = {"ChicagoSketch": {"toll_factor": 0.02, "distance_factor": 0.04}}
# Name -> run_bush options. "before": 10 passes every iteration, no bush skipped on its gap.
VARIANTS: dict[str, dict[str, Any]] = {
    "before": {"passes": 10, "first_passes": 10},
    "first1": {"passes": 10, "first_passes": 1},
}


def solve(net: Any, trips: Any, gap: float, opts: dict[str, Any]) -> tuple[float, int, float]:
    """CPU seconds, iterations and final gap of one ``assign`` with ``opts`` for run_bush."""
    engine.run_bush = functools.partial(_algorithms.run_bush, **opts)  # type: ignore[assignment]
    try:
        start = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = silkrail.assign(net, trips, method="algb", rgap=gap, max_iter=200)
        return time.process_time() - start, res.iterations, res.rgap
    finally:
        engine.run_bush = _algorithms.run_bush


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", nargs="+", default=list(NETWORKS))
    ap.add_argument("--gaps", nargs="+", type=float, default=[1e-4, 1e-6, 1e-10])
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    loads = [os.getloadavg()[0]]
    data = {}
    for name in args.networks:
        net = silkrail.read_tntp_net(DATA / name / f"{name}_net.tntp", **FACTORS.get(name, {}))
        trips = silkrail.read_tntp_trips(DATA / name / f"{name}_trips.tntp")
        data[name] = (net, trips)
    solve(*data[args.networks[0]], 1e-4, VARIANTS[args.variants[0]])  # load the kernels
    best: dict[tuple[str, float, str], tuple[float, int, float]] = {}
    for rep in range(args.reps):
        for name in args.networks:
            for gap in args.gaps:
                # Rotate the order each repetition so no variant always runs first.
                names = (
                    args.variants[rep % len(args.variants) :]
                    + args.variants[: rep % len(args.variants)]
                )
                for v in names:
                    out = solve(*data[name], gap, VARIANTS[v])
                    key = (name, gap, v)
                    if key not in best or out[0] < best[key][0]:
                        best[key] = out
        loads.append(os.getloadavg()[0])
    ref = args.variants[0]
    head = "| network | target | " + " | ".join(
        f"{v} CPU (s) | it" + ("" if v == ref else f" | {v}/{ref}") for v in args.variants
    )
    lines = [head + " |", "|" + "---|" * (2 + sum(2 if v == ref else 3 for v in args.variants))]
    for name in args.networks:
        for gap in args.gaps:
            row = [name, f"{gap:g}"]
            base = best[(name, gap, ref)][0]
            for v in args.variants:
                cpu, its, _ = best[(name, gap, v)]
                row += [f"{cpu:.3f}", str(its)]
                if v != ref:
                    row.append(f"{cpu / base:.2f}")
            lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append(
        f"best of {args.reps}; 1-minute load average " + ", ".join(f"{x:.2f}" for x in loads)
    )
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
