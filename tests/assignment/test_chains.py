"""Chains of pass-through nodes contracted for the gap's shortest paths (``_chains``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

import silkrail
from silkrail.assignment import _chains
from silkrail.assignment._chains import contract_chains
from silkrail.assignment._problem import build_problem

from .conftest import tntp_problem


def _zone_distances(n: int, zones: int, tail, head, cost) -> np.ndarray:
    """Zone-to-zone shortest distances by scipy (parallel edges: the cheapest)."""
    dense = np.full((n, n), np.inf)  # inf: no edge
    np.minimum.at(dense, (tail, head), cost)
    return np.asarray(dijkstra(dense, indices=np.arange(zones))[:, :zones])


def _random_road_network(seed: int) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
    """Zones and junctions joined by roads drawn through chains of shape points.

    Roads are two-way or one-way, some end in spurs; costs are positive floats.
    """
    rng = np.random.default_rng(seed)
    zones, junctions = 6, 10
    n = zones + junctions
    tail: list[int] = []
    head: list[int] = []
    for _ in range(40):
        u, v = (int(x) for x in rng.choice(n, 2, replace=False))
        points = list(range(n, n + int(rng.integers(0, 4))))
        n += len(points)
        path = [u, *points, v]
        both = rng.random() < 0.7
        for a, b in itertools.pairwise(path):
            tail.append(a)
            head.append(b)
            if both:
                tail.append(b)
                head.append(a)
        if rng.random() < 0.2:  # a dead-end spur of two shape points off the road's end
            tail += [v, n, n, n + 1]
            head += [n, v, n + 1, n]
            n += 2
    t, h = np.array(tail), np.array(head)
    return n, zones, t, h, rng.uniform(0.5, 5.0, t.size)


@pytest.mark.parametrize("seed", range(8))
def test_contracted_network_keeps_every_zone_distance(seed: int) -> None:
    n, zones, tail, head, cost = _random_road_network(seed)
    g = contract_chains(n, zones, tail, head)
    assert g is not None  # these seeds draw enough shape points
    assert g.removed > 0
    assert g.fs_ptr[-1] == g.tail.size == g.head.size == g.starts.size - 1
    # Every contracted edge is a connected run of links from its tail to its head.
    for e in range(g.tail.size):
        run = g.links[g.starts[e] : g.starts[e + 1]]
        assert tail[run[0]] == g.tail[e]
        assert head[run[-1]] == g.head[e]
        assert np.array_equal(head[run[:-1]], tail[run[1:]])
    want = _zone_distances(n, zones, tail, head, cost)
    got = _zone_distances(n, zones, g.tail, g.head, g.cost(cost))
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_networks_with_few_pass_through_nodes_are_left_alone() -> None:
    net, _, _ = tntp_problem("ChicagoSketch")
    pb = build_problem(net, [silkrail.UserClass(np.zeros((387, 387)))], 1)
    assert pb.chains is None  # 2 % of its nodes: below MIN_REMOVED_SHARE


def test_the_gap_is_the_same_on_the_contracted_network(monkeypatch: pytest.MonkeyPatch) -> None:
    net, trips, _ = tntp_problem("Anaheim")
    pb = build_problem(net, [silkrail.UserClass(trips)], 1)
    assert pb.chains is not None  # about a fifth of Anaheim's nodes pass through
    cost = np.ascontiguousarray(pb.link_time(np.full(pb.m, 500.0)))
    _, contracted = pb.aon(0, cost, load=False)
    monkeypatch.setattr(pb, "chains", None)
    _, full = pb.aon(0, cost, load=False)
    assert contracted == pytest.approx(full, rel=1e-12)
    flows, with_load = pb.aon(0, cost, load=True)  # a load always uses the links themselves
    assert with_load == pytest.approx(full, rel=1e-12)
    assert flows.sum() > 0


def test_algorithm_b_reaches_the_same_equilibrium_with_and_without_contraction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    net, trips, _ = tntp_problem("Anaheim")
    on = silkrail.assign(net, trips, method="algb", rgap=1e-8)
    monkeypatch.setattr(_chains, "MIN_REMOVED_SHARE", 2.0)  # never contract
    off = silkrail.assign(net, trips, method="algb", rgap=1e-8)
    assert on.iterations == off.iterations
    np.testing.assert_allclose(on.report.rgap, off.report.rgap, rtol=1e-6)
    np.testing.assert_allclose(on.link_flow, off.link_flow, rtol=0, atol=1e-6 * off.link_flow.max())
