"""Algorithm B on 1 and 2 threads: wall seconds per phase, and the speed-up.

Wraps the phases of ``run_bush`` with wall-clock timers (``time.perf_counter``): the bush
updates, the flow shifts and the gap's shortest paths (each a kernel call), and "rest"
(everything else in the solve: link totals, link times, the objective, Python). After one
untimed solve that loads the kernels, each repetition solves with ``cores=1`` and then
``cores=2`` (the order alternating), and the best of ``--reps`` is kept per phase. The
1-minute load average is printed with every figure: a speed-up needs an idle second core.

Usage::

    python bench/algb_threads.py                       # ChicagoSketch, rgap 1e-6 and 1e-10
    python bench/algb_threads.py --networks Barcelona ChicagoSketch --reps 5
    python bench/algb_threads.py --tiles 2   # 2 joined copies (bench/algb_tiled_growth.py)
    python bench/algb_threads.py --spread 10 --networks SiouxFalls Anaheim Barcelona ChicagoSketch
"""

from __future__ import annotations

import argparse
import collections
import os
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

import silkrail
from silkrail.assignment import _kernels

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "tntp"
PHASES = ("bush updates", "flow shifts", "gap shortest paths", "rest")
FACTORS = {"ChicagoSketch": {"toll_factor": 0.02, "distance_factor": 0.04}}


def time_phases(spent: collections.Counter[str]) -> None:
    """Wrap the phase kernels of ``run_bush`` with wall-clock timers into ``spent``."""
    in_threads = _kernels.in_threads
    shift_share = getattr(_kernels, "bush_shift_share", None)

    def timed_shift_share(*args: Any) -> Any:  # the serial call, not through in_threads
        start = time.perf_counter()
        out = shift_share(*args)  # type: ignore[misc]
        spent["flow shifts"] += time.perf_counter() - start
        return out

    def timed_in_threads(kernel: Any, workers: int, *args: Any) -> Any:
        if kernel is timed_shift_share:
            kernel = shift_share
        start = time.perf_counter()
        out = in_threads(kernel, workers, *args)
        name = getattr(kernel, "__name__", str(kernel))
        if name == "bush_update_share":
            spent["bush updates"] += time.perf_counter() - start
        elif name == "bush_shift_share":
            spent["flow shifts"] += time.perf_counter() - start
        elif name == "aon_share" and not args[8]:  # load=False: the gap's shortest paths
            spent["gap shortest paths"] += time.perf_counter() - start
        else:
            spent["initial bushes"] += time.perf_counter() - start
        return out

    _kernels.in_threads = timed_in_threads  # type: ignore[assignment]
    if shift_share is not None:
        _kernels.bush_shift_share = timed_shift_share
    # Trees before the threaded flow shifts call this serial kernel directly.
    shift = getattr(_kernels, "bush_shift_all", None)
    if shift is not None:

        def timed_shift(*args: Any) -> Any:
            start = time.perf_counter()
            out = shift(*args)
            spent["flow shifts"] += time.perf_counter() - start
            return out

        _kernels.bush_shift_all = timed_shift


def load(name: str, tiles: int = 1, factors: bool = False) -> tuple[Any, Any]:
    """The TNTP network ``name`` (``tiles`` > 1: joined copies, see algb_tiled_growth.py)."""
    extra = FACTORS.get(name, {}) if factors else {}
    net = silkrail.read_tntp_net(DATA / name / f"{name}_net.tntp", **extra)
    trips = silkrail.read_tntp_trips(DATA / name / f"{name}_trips.tntp")
    if tiles > 1:
        from algb_tiled_growth import tile  # type: ignore[import-not-found]

        return tile(net, np.asarray(trips), tiles)
    return net, trips


def spread(networks: list[str], gaps: list[float], runs: int, factors: bool) -> None:
    """Print the iterations of ``runs`` 2-thread solves against the (one) 1-thread count."""
    print(
        "| network | target | 1 thread: it | 2 threads: it (sorted) | largest final gap "
        "| largest link-flow difference / largest flow | load |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in networks:
        net, trips = load(name, factors=factors)
        for gap in gaps:
            one = silkrail.assign(net, trips, method="algb", rgap=gap, max_iter=300, cores=1)
            its, finals, diffs, loads = [], [], [], []
            for _ in range(runs):
                two = silkrail.assign(net, trips, method="algb", rgap=gap, max_iter=300, cores=2)
                its.append(two.iterations)
                finals.append(two.rgap)
                diffs.append(np.max(np.abs(two.link_flow - one.link_flow)) / one.link_flow.max())
                loads.append(os.getloadavg()[0])
            print(
                f"| {name} | {gap:g} | {one.iterations} | {', '.join(map(str, sorted(its)))} "
                f"| {max(finals):.1e} | {max(diffs):.1e} | {min(loads):.2f}–{max(loads):.2f} |",
                flush=True,
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", nargs="+", default=["ChicagoSketch"])
    ap.add_argument("--gaps", nargs="+", type=float, default=[1e-6, 1e-10])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--tiles", type=int, default=1)
    ap.add_argument(
        "--spread",
        type=int,
        default=0,
        help="instead of timing: iterations of this many 2-thread solves against 1 thread",
    )
    ap.add_argument("--factors", action="store_true", help="ChicagoSketch's generalised cost")
    ap.add_argument(
        "--force", action="store_true", help="flow shifts in threads at any size (no threshold)"
    )
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    if args.force:
        from silkrail.assignment import _algorithms

        _algorithms._SHIFT_THREADS_MIN_WORK = 0
    if args.spread:
        spread(args.networks, args.gaps, args.spread, args.factors)
        return
    spent: collections.Counter[str] = collections.Counter()
    print(
        "| network | target | cores | it | wall (s) | bush updates | flow shifts "
        "| gap shortest paths | rest | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    time_phases(spent)
    for name in args.networks:
        net, trips = load(name, args.tiles, args.factors)
        silkrail.assign(net, trips, method="algb", rgap=1e-4, cores=2)  # load the kernels
        label = name if args.tiles == 1 else f"{name} × {args.tiles}"
        for gap in args.gaps:
            best: dict[int, dict[str, float]] = {}
            its: dict[int, int] = {}
            loads: list[float] = []
            flows: dict[int, np.ndarray[Any, Any]] = {}
            for rep in range(args.reps):
                for cores in (1, 2) if rep % 2 == 0 else (2, 1):
                    spent.clear()
                    start = time.perf_counter()
                    res = silkrail.assign(net, trips, method="algb", rgap=gap, cores=cores)
                    wall = time.perf_counter() - start
                    loads.append(os.getloadavg()[0])
                    row = {p: spent[p] for p in PHASES[:3]}
                    row["rest"] = wall - sum(spent.values())
                    row["wall"] = wall
                    flows[cores] = res.link_flow
                    if cores not in best or wall < best[cores]["wall"]:
                        best[cores] = row
                        its[cores] = res.iterations
            lo, hi = min(loads), max(loads)
            for cores in (1, 2):
                b = best[cores]
                cells = " | ".join(f"{b[p]:.3f}" for p in PHASES)
                print(
                    f"| {label} | {gap:g} | {cores} | {its[cores]} | {b['wall']:.3f} | {cells} "
                    f"| {lo:.2f}–{hi:.2f} |"
                )
            s = {p: best[1][p] / best[2][p] if best[2][p] > 0 else float("nan") for p in PHASES}
            cells = " | ".join(f"{s[p]:.2f}×" for p in PHASES)
            diff = float(np.max(np.abs(flows[1] - flows[2])))
            print(
                f"| {label} | {gap:g} | 1/2 | | **{best[1]['wall'] / best[2]['wall']:.2f}×** "
                f"| {cells} | max flow diff {diff:.1e} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
