"""The shared indexed heap and Dijkstra (graph/_kernels.py), compiled and uncompiled."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

from silkrail.graph import _kernels as graph_kernels

# The plain functions, kept before jit() turns the module globals into dispatchers.
PLAIN = {name: getattr(graph_kernels, name) for name in ("dijkstra", "sift_up", "sift_down")}


def _run(kernel, origin, ptr, link, head, cost, n_blocked=0):
    n = len(ptr) - 1
    dist, pred = np.empty(n), np.empty(n, np.int64)
    work = [np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n), np.empty(n, np.int64)]
    count = kernel(origin, ptr, link, head, cost, n_blocked, dist, pred, *work)
    return dist, pred, work[0][:count]


def _forward_star(rng: np.random.Generator, n: int, m: int):
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    cost = rng.uniform(0.0, 5.0, m)
    cost[::5] = 0.0  # zero-cost edges and ties
    cost[1::7] = 1.0
    link = np.argsort(tail, kind="stable")
    ptr = np.searchsorted(tail[link], np.arange(n + 1))
    return ptr, link, head, cost, tail


@pytest.mark.parametrize("compiled", [False, True])
def test_dijkstra_matches_scipy_with_and_without_link_lookup(compiled: bool) -> None:
    kernel = graph_kernels.jit("dijkstra") if compiled else PLAIN["dijkstra"]
    rng = np.random.default_rng(11)
    n, m = 300, 2000
    ptr, link, head, cost, tail = _forward_star(rng, n, m)
    dist, pred, order = _run(kernel, 4, ptr, link, head, cost)
    # scipy adds up parallel edges: keep the cheapest of each pair (and the zero-cost edges).
    by_pair = np.lexsort((cost, head, tail))
    first = np.r_[True, np.diff(tail[by_pair] * n + head[by_pair]) != 0]
    keep = by_pair[first]
    mat = csr_matrix((cost[keep] + 1e-300, (tail[keep], head[keep])), shape=(n, n))
    expected = scipy_dijkstra(mat, indices=4)
    assert np.allclose(dist, expected)
    reached = np.isfinite(dist) & (np.arange(n) != 4)
    assert np.allclose(dist[reached], dist[tail[pred[reached]]] + cost[pred[reached]])
    assert np.all(np.diff(dist[order]) >= 0)  # settled by increasing distance
    assert set(order.tolist()) == set(np.flatnonzero(np.isfinite(dist)).tolist())
    # The same graph as CSR (link=None: position k is edge k) gives the same distances.
    csr_dist, csr_pred, _ = _run(kernel, 4, ptr, None, head[link], cost[link])
    assert np.array_equal(csr_dist, dist)
    assert np.array_equal(link[csr_pred[reached]], pred[reached])


def test_compiled_and_plain_dijkstra_agree_bit_for_bit() -> None:
    rng = np.random.default_rng(5)
    ptr, link, head, cost, _ = _forward_star(rng, 500, 4000)
    for origin, blocked in ((0, 0), (7, 20), (30, 20)):
        plain = _run(PLAIN["dijkstra"], origin, ptr, link, head, cost, blocked)
        compiled = _run(graph_kernels.jit("dijkstra"), origin, ptr, link, head, cost, blocked)
        for a, b in zip(plain, compiled, strict=True):
            assert a.tobytes() == b.tobytes()


def test_blocked_vertices_are_reached_but_not_passed() -> None:
    # 0 -> 1 -> 2 costs 2; 0 -> 2 costs 5. Vertex 1 is a zone (blocked): the path via it is out.
    ptr, head, cost = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([1.0, 5.0, 1.0])
    dist, pred, order = _run(graph_kernels.jit("dijkstra"), 0, ptr, None, head, cost, 2)
    assert dist.tolist() == [0.0, 1.0, 5.0]
    assert pred.tolist() == [-1, 0, 1]
    assert order.tolist() == [0, 1, 2]
    # A blocked origin still leaves.
    dist, _, _ = _run(graph_kernels.jit("dijkstra"), 1, ptr, None, head, cost, 2)
    assert dist.tolist() == [np.inf, 0.0, 1.0]


def test_heap_pops_in_key_order_after_decrease_key() -> None:
    rng = np.random.default_rng(2)
    sift_up, sift_down = PLAIN["sift_up"], PLAIN["sift_down"]
    n = 50
    keys = rng.random(n)
    heap, hkey, hpos = np.empty(n, np.int64), np.empty(n), np.full(n, -1, np.int64)
    for size, v in enumerate(range(n)):
        heap[size], hkey[size] = v, keys[v]
        sift_up(heap, hkey, hpos, size)
    for v in range(0, n, 3):  # decrease some keys
        keys[v] /= 4
        hkey[hpos[v]] = keys[v]
        sift_up(heap, hkey, hpos, hpos[v])
    popped = []
    size = n
    while size:
        popped.append(int(heap[0]))
        size -= 1
        heap[0], hkey[0] = heap[size], hkey[size]
        hpos[heap[0]] = 0
        sift_down(heap, hkey, hpos, 0, size)
    assert popped == np.argsort(keys, kind="stable").tolist()


def test_routing_and_assignment_share_the_one_kernel() -> None:
    from silkrail.assignment import _kernels as assignment_kernels
    from silkrail.routing import _kernels as routing_kernels

    assert assignment_kernels._dijkstra is graph_kernels.jit("dijkstra")
    assert not hasattr(routing_kernels, "dijkstra_kernel")
    assert not hasattr(assignment_kernels, "_sift_up")
