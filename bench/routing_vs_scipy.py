"""Routing benchmarks: silkrail beside scipy and networkx in one run, reported as ratios.

1. The single-criterion core (one-to-all Dijkstra) on a synthetic 500 x 500 grid with
   ~1,000,000 directed edges: silkrail's numba kernel vs ``scipy.sparse.csgraph.dijkstra`` and
   ``networkx.single_source_dijkstra_path_length`` on the same graph and the same sources.
2. A warm ``silkrail.plan`` (Chongqing -> Duisburg) on the packaged network.
3. ``silkrail plan`` as a whole process (interpreter start, imports, data load, search, print).

Run:  python bench/routing_vs_scipy.py [--grid 500] [--sources 5] [--markdown]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

import silkrail
from silkrail import CSRGraph, dijkstra_one_to_all


def grid_graph(side: int, seed: int) -> tuple[CSRGraph, csr_matrix]:
    """A side x side 4-neighbour grid, both directions, random weights in [1, 10)."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    right = np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()])
    down = np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()])
    pairs = np.vstack([right, down])
    tail = np.concatenate([pairs[:, 0], pairs[:, 1]])
    head = np.concatenate([pairs[:, 1], pairs[:, 0]])
    cost = rng.uniform(1.0, 10.0, len(tail))
    n = side * side
    g = CSRGraph.from_edges(tail, head, cost, n_vertices=n)
    mat = csr_matrix((g.cost, g.indices, g.indptr), shape=(n, n))
    return g, mat


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_core(side: int, n_sources: int) -> dict[str, float]:
    g, mat = grid_graph(side, seed=1)
    rng = np.random.default_rng(2)
    sources = rng.integers(0, g.n_vertices, n_sources)
    dijkstra_one_to_all(g, 0)  # compile / load the cached kernel
    ours, theirs = [], []
    for s in sources:
        # Interleave the two tools so machine noise hits both alike.
        ours += timed(lambda s=s: dijkstra_one_to_all(g, int(s)), 1)
        theirs += timed(lambda s=s: scipy_dijkstra(mat, indices=int(s)), 1)
        a, _ = dijkstra_one_to_all(g, int(s))
        b = scipy_dijkstra(mat, indices=int(s))
        assert np.allclose(a, b), "silkrail and scipy disagree"
    import networkx as nx

    graph = nx.DiGraph()
    tails = np.repeat(np.arange(g.n_vertices), np.diff(g.indptr))
    graph.add_weighted_edges_from(
        zip(tails.tolist(), g.indices.tolist(), g.cost.tolist(), strict=True)
    )
    nx_times = timed(lambda: nx.single_source_dijkstra_path_length(graph, int(sources[0])), 1)
    return {
        "vertices": g.n_vertices,
        "edges": g.n_edges,
        "silkrail_ms": 1000 * statistics.median(ours),
        "scipy_ms": 1000 * statistics.median(theirs),
        "networkx_ms": 1000 * statistics.median(nx_times),
    }


def bench_plan(repeat: int) -> dict[str, float]:
    net = silkrail.load_network()
    silkrail.plan(net, "Chongqing", "Duisburg")  # warm: JIT cache, factor tables
    times = timed(lambda: silkrail.plan(net, "Chongqing", "Duisburg"), repeat)
    avoid = timed(
        lambda: silkrail.plan(net, "Chongqing", "Duisburg", avoid_countries=["RU", "BY"]),
        repeat,
    )
    return {
        "plan_ms": 1000 * statistics.median(times),
        "plan_avoid_ms": 1000 * statistics.median(avoid),
    }


def bench_process(repeat: int) -> dict[str, float]:
    cmd = [sys.executable, "-m", "silkrail.cli", "plan", "Chongqing", "Duisburg"]
    subprocess.run(cmd, check=True, capture_output=True)  # warm the OS file cache
    times = timed(lambda: subprocess.run(cmd, check=True, capture_output=True), repeat)
    return {"process_s": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grid", type=int, default=500)
    parser.add_argument("--sources", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    core = bench_core(args.grid, args.sources)
    plan = bench_plan(args.repeat)
    proc = bench_process(max(3, args.repeat // 4))
    print("| measure | silkrail | peer | ratio (silkrail / peer) | target |")
    print("|---|---|---|---|---|")
    print(
        f"| one-to-all Dijkstra, {core['vertices']:,} vertices, {core['edges']:,} edges "
        f"(median of {args.sources} sources) | {core['silkrail_ms']:.1f} ms | scipy "
        f"{core['scipy_ms']:.1f} ms | {core['silkrail_ms'] / core['scipy_ms']:.2f} | ≤ 2 |"
    )
    print(
        f"| same, vs networkx (1 source) | {core['silkrail_ms']:.1f} ms | networkx "
        f"{core['networkx_ms']:.0f} ms | {core['silkrail_ms'] / core['networkx_ms']:.3f} "
        f"({core['networkx_ms'] / core['silkrail_ms']:.0f}× faster) | ≥ 10× faster |"
    )
    print(
        f"| warm `plan(net, 'Chongqing', 'Duisburg')`, median of {args.repeat} | "
        f"{plan['plan_ms']:.1f} ms | – | – | < 50 ms |"
    )
    print(
        f"| warm plan with `avoid_countries=['RU', 'BY']` | {plan['plan_avoid_ms']:.1f} ms | – "
        f"| – | < 50 ms |"
    )
    print(
        f"| `silkrail plan Chongqing Duisburg` whole process, median | "
        f"{proc['process_s']:.2f} s | – | – | < 1.5 s |"
    )


if __name__ == "__main__":
    main()
