"""Algorithm B's time per iteration on k joined copies of ChicagoSketch (a larger network).

Issue 16 saw the time per iteration grow faster than bushes × links from ChicagoSketch to
Berlin-Center, which is not on this machine. This script builds larger networks from the one
that is, by tiling (:func:`tile`), and times a fixed number of iterations on each:

* copy ``c`` (0..k-1) of ChicagoSketch keeps its links; its zone ``z`` becomes zone
  ``c * nz + z`` and its other node ``v`` node ``k * nz + c * (n - nz) + (v - nz)`` (zones
  first, as TNTP needs; ChicagoSketch's ``<FIRST THRU NODE>`` is 1 and stays 1, one of
  ``nz + 1`` would become ``k * nz + 1``);
* copies ``c`` and ``c + 1`` are joined by two-way links between the copies of
  ChicagoSketch's nodes 388, 500, 700 and 900 (non-zone nodes spread over the network):
  free-flow time 10 minutes, capacity 10,000, length 10, BPR b 0.15 and power 4, no toll;
* demand: each copy keeps ChicagoSketch's trip table; besides, every zone sends 2 % of its
  trips to each zone's twin in the next copy (``c + 1``, the last copy to the first), so
  bushes load the joining links (``--cross``; 0 keeps every copy's flows to itself).

So ``k`` copies have ``k`` times the zones, nodes and links and ``k²`` times the bushes ×
links (the size of the per-bush arrays). For each ``k`` the script runs one untimed solve
(kernels loaded), then ``--iterations`` iterations (``rgap`` 1e-14, so none stops early),
and prints wall and CPU seconds per iteration with the per-phase split of
``algb_threads.time_phases``.

Usage::

    python bench/algb_tiles.py --tiles 1 2 3 4 --iterations 3
    python bench/algb_tiles.py --tiles 1 2 3 4 --cores 2
"""

from __future__ import annotations

import argparse
import collections
import math
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

import silkrail

sys.path.insert(0, str(Path(__file__).parent))
from algb_threads import PHASES, time_phases

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "tntp" / "ChicagoSketch"
JOIN_NODES = (388, 500, 700, 900)  # 1-based TNTP node numbers of ChicagoSketch
CROSS_SHARE = 0.02


def tile(
    net: Any, trips: np.ndarray[Any, Any], k: int, cross: float = CROSS_SHARE
) -> tuple[Any, np.ndarray[Any, Any]]:
    """``k`` copies of ``net`` joined in a ring, with the demand described in the module."""
    n, nz = int(net.num_nodes), int(net.num_zones)
    if net.first_thru_node not in (1, nz + 1):
        msg = f"expects <FIRST THRU NODE> 1 or zones + 1, got {net.first_thru_node}"
        raise ValueError(msg)

    def renumber(v: np.ndarray[Any, Any], c: int) -> np.ndarray[Any, Any]:  # 1-based in/out
        zone = v <= nz
        return np.where(zone, c * nz + v, k * nz + c * (n - nz) + (v - nz))

    cols: dict[str, list[np.ndarray[Any, Any]]] = collections.defaultdict(list)
    for c in range(k):
        cols["init_node"].append(renumber(np.asarray(net.init_node), c))
        cols["term_node"].append(renumber(np.asarray(net.term_node), c))
        for name in ("capacity", "length", "free_flow_time", "b", "power", "toll"):
            cols[name].append(np.asarray(getattr(net, name), dtype=float))
    if k > 1:
        joins = np.asarray(JOIN_NODES)
        for c in range(k if k > 2 else 1):
            a = renumber(joins, c)
            b = renumber(joins, (c + 1) % k)
            cols["init_node"] += [a, b]
            cols["term_node"] += [b, a]
            for _ in range(2):
                size = joins.size
                cols["capacity"].append(np.full(size, 10_000.0))
                cols["length"].append(np.full(size, 10.0))
                cols["free_flow_time"].append(np.full(size, 10.0))
                cols["b"].append(np.full(size, 0.15))
                cols["power"].append(np.full(size, 4.0))
                cols["toll"].append(np.zeros(size))
    big = silkrail.TrafficNetwork(
        **{key: np.concatenate(val) for key, val in cols.items()},  # type: ignore[arg-type]
        num_nodes=k * n,
        num_zones=k * nz,
        first_thru_node=1 if net.first_thru_node == 1 else k * nz + 1,
        name=f"ChicagoSketch x {k}",
    )
    demand = np.zeros((k * nz, k * nz))
    for c in range(k):
        block = slice(c * nz, (c + 1) * nz)
        demand[block, block] = trips
        if k > 1 and cross > 0:
            nxt = slice(((c + 1) % k) * nz, ((c + 1) % k + 1) * nz)
            demand[block, nxt] += cross * np.diag(trips.sum(axis=1))
    return big, demand


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiles", nargs="+", type=int, default=[1, 2, 3, 4])
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--cores", type=int, default=1)
    ap.add_argument("--cross", type=float, default=CROSS_SHARE, help="share to the next copy")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    net = silkrail.read_tntp_net(DATA / "ChicagoSketch_net.tntp")
    trips = np.asarray(silkrail.read_tntp_trips(DATA / "ChicagoSketch_trips.tntp"))
    spent: collections.Counter[str] = collections.Counter()
    rows = []
    print(
        f"cores {args.cores}, {args.iterations} iterations, cross share {args.cross:g}; "
        "load average before "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(
        "| copies | zones | links | bushes × links | wall ms/it | CPU ms/it | "
        + " | ".join(PHASES)
        + " | load |"
    )
    print("|---" * (7 + len(PHASES)) + "|")
    timed = False
    for k in args.tiles:
        big, demand = tile(net, trips, k, args.cross)
        silkrail.assign(big, demand, method="algb", rgap=1e-14, max_iter=1, cores=args.cores)
        if not timed:
            time_phases(spent)
            timed = True
        spent.clear()
        start, cpu = time.perf_counter(), time.process_time()
        res = silkrail.assign(
            big, demand, method="algb", rgap=1e-14, max_iter=args.iterations, cores=args.cores
        )
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        its = res.iterations
        bushes = int(np.count_nonzero(demand.sum(axis=1) > 0))
        size = bushes * big.num_links
        per = {p: 1000 * spent[p] / its for p in PHASES[:3]}
        per["rest"] = 1000 * wall / its - sum(per.values())
        rows.append((size, 1000 * wall / its))
        print(
            f"| {k} | {big.num_zones} | {big.num_links} | {size:,} | {1000 * wall / its:.0f} "
            f"| {1000 * cpu / its:.0f} | "
            + " | ".join(f"{per[p]:.0f}" for p in PHASES)
            + f" | {os.getloadavg()[0]:.2f} |",
            flush=True,
        )
    if len(rows) > 1:
        x = np.log([r[0] for r in rows])
        y = np.log([r[1] for r in rows])
        slope = float(np.polyfit(x, y, 1)[0])
        print(f"exponent of wall ms per iteration on bushes × links: {slope:.2f}")
        (s0, t0), (s1, t1) = rows[0], rows[-1]
        expo = math.log(t1 / t0) / math.log(s1 / s0)
        print(f"last / first: x{s1 / s0:.1f} size, x{t1 / t0:.1f} time (exponent {expo:.2f})")


if __name__ == "__main__":
    main()
