"""Speed of the shortest-path kernels: this checkout against another source tree, side by side.

Three measures, each in a fresh process per tree, the trees alternating ``--rounds`` times
(the machine may be shared: the best CPU time of all rounds counts, and the load average is
printed):

* ``dijkstra_one_to_all`` on a 300 x 300 grid (routing; median of 5 sources per round);
* all-or-nothing loads of ChicagoSketch (one Dijkstra per zone, the assignment engine's
  ``aon_share``), 5 per round;
* ``assign(ChicagoSketch, method="bfw", rgap=1e-4)`` and ``method="algb", rgap=1e-6``.

Usage::

    python bench/shortest_path_speed.py --before $BEFORE/src --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[1]
TNTP = HERE.parent / "shared" / "benchmarks" / "tntp" / "ChicagoSketch"


def _cpu(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def measure() -> dict[str, float]:
    """CPU seconds of each measure, for the silkrail on ``sys.path``."""
    import silkrail

    sys.path.insert(0, str(HERE / "bench"))
    from routing_vs_scipy import grid_graph

    out: dict[str, float] = {}
    g, _ = grid_graph(300, seed=1)
    silkrail.dijkstra_one_to_all(g, 0)  # load the cached kernel
    sources = np.random.default_rng(2).integers(0, g.n_vertices, 5)
    out["dijkstra 300x300 grid"] = float(
        np.median([_cpu(lambda s=s: silkrail.dijkstra_one_to_all(g, int(s))) for s in sources])
    )
    net = silkrail.read_tntp_net(TNTP / "ChicagoSketch_net.tntp")
    dem = silkrail.read_tntp_trips(TNTP / "ChicagoSketch_trips.tntp")
    silkrail.assign(net, dem, method="aon")
    out["aon ChicagoSketch x5"] = _cpu(
        lambda: [silkrail.assign(net, dem, method="aon") for _ in range(5)]
    )
    silkrail.assign(net, dem, method="bfw", rgap=1e-2)
    out["assign bfw 1e-4"] = _cpu(lambda: silkrail.assign(net, dem, method="bfw", rgap=1e-4))
    silkrail.assign(net, dem, method="algb", rgap=1e-2)
    out["assign algb 1e-6"] = _cpu(lambda: silkrail.assign(net, dem, method="algb", rgap=1e-6))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.measure:
        print(json.dumps(measure()))
        return
    sides = {"before": str(opts.before.resolve()), "after": str(HERE / "src")}
    best: dict[str, dict[str, float]] = {side: {} for side in sides}
    load0 = os.getloadavg()[0]
    for _ in range(opts.rounds):
        for side, src in sides.items():
            args = [sys.executable, __file__, "--before", src, "--measure"]
            env = {**os.environ, "PYTHONPATH": src}
            run = subprocess.run(args, env=env, check=True, capture_output=True, text=True)
            for key, value in json.loads(run.stdout).items():
                best[side][key] = min(best[side].get(key, np.inf), value)
    print(f"load average {load0:.1f} -> {os.getloadavg()[0]:.1f}; best CPU of {opts.rounds}")
    print("| measure | before (ms) | after (ms) | before/after |")
    print("|---|---|---|---|")
    for key, b in best["before"].items():
        a = best["after"][key]
        print(f"| {key} | {b * 1e3:.1f} | {a * 1e3:.1f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
