"""Same results bit for bit: this checkout's assignment and Dijkstra against another source tree.

Runs both trees (fresh processes, same interpreter) on SiouxFalls and ChicagoSketch with BFW,
Algorithm B, FW and all-or-nothing, on 1 and 2 cores (link flows, iteration counts, the skims
of BFW) and ``dijkstra_one_to_all`` on a random graph with zero-cost edges and ties, then
compares every array byte for byte.

Usage::

    python bench/kernel_identity.py --before $BEFORE/src
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[1]
TNTP = HERE.parent / "shared" / "benchmarks" / "tntp"


def dump(path: str) -> None:
    """Write the results of the silkrail on ``sys.path`` to the npz file ``path``."""
    import silkrail
    from silkrail.graph import CSRGraph

    out = {}
    for name in ("SiouxFalls", "ChicagoSketch"):
        net = silkrail.read_tntp_net(TNTP / name / f"{name}_net.tntp")
        dem = silkrail.read_tntp_trips(TNTP / name / f"{name}_trips.tntp")
        algb_gap = 1e-10 if name == "SiouxFalls" else 1e-6
        for method, rgap in (("bfw", 1e-4), ("algb", algb_gap), ("fw", 1e-3), ("aon", 1e-4)):
            for cores in (1, 2):
                r = silkrail.assign(net, dem, method=method, rgap=rgap, cores=cores, max_iter=200)
                key = f"{name}-{method}-{cores}"
                out[f"{key}-flow"] = r.link_flow
                out[f"{key}-iterations"] = np.array([r.iterations])
                if method == "bfw" and cores == 1:
                    for k, v in silkrail.assignment_skims(net, r, cores=2).items():
                        out[f"{key}-skim-{k}"] = v
    rng = np.random.default_rng(3)
    n, m = 3000, 15000
    cost = rng.random(m)
    cost[::7] = 0.0
    cost[::11] = np.round(cost[::11], 1)
    g = CSRGraph.from_edges(rng.integers(0, n, m), rng.integers(0, n, m), cost, n_vertices=n)
    for s in (0, 5, 99):
        out[f"dijkstra-{s}-dist"], out[f"dijkstra-{s}-pred"] = silkrail.dijkstra_one_to_all(g, s)
    np.savez(path, **out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder to compare with")
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.dump:
        dump(opts.dump)
        return
    folder = Path(tempfile.mkdtemp(prefix="silkrail-identity-"))
    results = {}
    for side, src in (("before", opts.before.resolve()), ("after", HERE / "src")):
        path = folder / f"{side}.npz"
        env = {**os.environ, "PYTHONPATH": str(src)}
        args = [sys.executable, __file__, "--before", str(src), "--dump", str(path)]
        subprocess.run(args, env=env, check=True)
        results[side] = np.load(path)
    before, after = results["before"], results["after"]
    differ = [k for k in before.files if before[k].tobytes() != after[k].tobytes()]
    print(f"{len(before.files)} arrays compared; differ: {differ or 'none'}")
    for k in before.files:
        if k.endswith("iterations"):
            print(f"  {k[: -len('-iterations')]}: {int(after[k][0])} iterations")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
