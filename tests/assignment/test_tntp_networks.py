"""Equilibria of the TNTP test networks against their best-known flows.

The data are read in place from ../shared/benchmarks/tntp (research use only); the tests
skip where that folder is absent.
"""

from __future__ import annotations

import numpy as np
import pytest

import silkrail
from silkrail.assignment._problem import build_problem

from .conftest import tntp_problem

NETWORKS = ("SiouxFalls", "Anaheim", "Barcelona", "ChicagoSketch")

# Optimal Beckmann objectives stated in the networks' READMEs (Sioux Falls in units of 1e5).
README_OBJECTIVE = {
    "SiouxFalls": 42.31335287107440e5,
    "Barcelona": 1265654.92203176,
    "ChicagoSketch": 17313018.7387477,
}


def reference(name: str) -> tuple[silkrail.TrafficNetwork, np.ndarray, np.ndarray, float, float]:
    """Network, trips, best-known flows and their Beckmann objective and TSTT."""
    net, trips, flow = tntp_problem(name)
    v = flow.aligned_to(net)
    pb = build_problem(net, [silkrail.UserClass(trips)], 1)
    x = v[None, :]
    beckmann = pb.beckmann(v, x)
    tstt = float(v @ net.link_time(v) + np.sum(pb.fixed * x))
    return net, trips, v, beckmann, tstt


def unique_flow_links(net: silkrail.TrafficNetwork) -> np.ndarray:
    # Link flows are unique only where the time strictly increases with flow; Barcelona's
    # connectors have constant times, so flows may split between them in many ways.
    return (net.b > 0) & (net.power > 0)


@pytest.mark.parametrize("name", ["SiouxFalls", "Barcelona", "ChicagoSketch"])
def test_best_known_flows_reproduce_the_readme_objective(name: str) -> None:
    _, _, _, beckmann, _ = reference(name)
    assert beckmann == pytest.approx(README_OBJECTIVE[name], rel=1e-12)


@pytest.mark.parametrize("name", NETWORKS)
def test_algorithm_b_matches_the_best_known_solution(name: str) -> None:
    net, trips, v, beckmann, tstt = reference(name)
    res = silkrail.assign(net, trips, method="algb", rgap=1e-8, max_iter=200, cores=2)
    assert res.converged
    assert res.rgap <= 1e-8
    assert res.beckmann == pytest.approx(beckmann, rel=1e-9)
    assert res.tstt == pytest.approx(tstt, rel=1e-6)
    keep = unique_flow_links(net)
    np.testing.assert_allclose(res.link_flow[keep], v[keep], rtol=1e-3, atol=1e-4 * v.max())
    # The final report row describes the returned flows.
    assert res.report.rgap[-1] == res.rgap
    assert res.report.beckmann[-1] == res.beckmann


@pytest.mark.parametrize("name", ["SiouxFalls", "Anaheim"])
def test_algorithm_b_reaches_1e_10(name: str) -> None:
    net, trips, v, beckmann, tstt = reference(name)
    res = silkrail.assign(net, trips, method="algb", rgap=1e-10, max_iter=300)
    assert res.converged
    assert res.rgap <= 1e-10
    assert res.beckmann == pytest.approx(beckmann, rel=1e-12)
    assert res.tstt == pytest.approx(tstt, rel=1e-9)
    np.testing.assert_allclose(res.link_flow, v, rtol=1e-6, atol=1e-6 * v.max())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Barcelona", "ChicagoSketch"])
def test_algorithm_b_reaches_1e_10_on_the_larger_networks(name: str) -> None:
    net, trips, v, beckmann, _ = reference(name)
    res = silkrail.assign(net, trips, method="algb", rgap=1e-10, max_iter=300, cores=2)
    assert res.converged
    assert res.beckmann == pytest.approx(beckmann, rel=1e-12)
    keep = unique_flow_links(net)
    np.testing.assert_allclose(res.link_flow[keep], v[keep], rtol=1e-5, atol=1e-6 * v.max())


def test_bfw_at_1e_6_matches_the_best_known_objective_and_tstt() -> None:
    net, trips, v, beckmann, tstt = reference("Anaheim")
    res = silkrail.assign(net, trips, method="bfw", rgap=1e-6, max_iter=2000, cores=2)
    assert res.converged
    assert res.beckmann == pytest.approx(beckmann, rel=1e-5)
    assert res.tstt == pytest.approx(tstt, rel=1e-5)
    np.testing.assert_allclose(res.link_flow, v, atol=1e-2 * v.max())


@pytest.mark.slow
@pytest.mark.parametrize("name", NETWORKS)
@pytest.mark.parametrize("method", ["cfw", "bfw"])
def test_conjugate_frank_wolfe_at_1e_6(name: str, method: str) -> None:
    net, trips, _, beckmann, tstt = reference(name)
    res = silkrail.assign(net, trips, method=method, rgap=1e-6, max_iter=100_000, cores=2)
    assert res.converged
    assert res.beckmann == pytest.approx(beckmann, rel=1e-6)
    # TSTT is first-order in the flow error (Beckmann is second-order): looser.
    assert res.tstt == pytest.approx(tstt, rel=5e-5)


@pytest.mark.parametrize("gap", [1e-3, 1e-4])
def test_bfw_needs_fewer_iterations_than_fw(gap: float) -> None:
    net, trips, *_ = reference("SiouxFalls")
    it = {
        m: silkrail.assign(net, trips, method=m, rgap=gap, max_iter=5000).iterations
        for m in ("fw", "cfw", "bfw")
    }
    assert it["bfw"] < it["cfw"] < it["fw"]
    assert it["bfw"] * 2 < it["fw"]


def test_frank_wolfe_objective_decreases() -> None:
    net, trips, *_ = reference("SiouxFalls")
    res = silkrail.assign(net, trips, method="fw", rgap=1e-3, max_iter=500)
    obj = res.report.beckmann
    assert np.all(np.diff(obj) <= 1e-9 * obj[0])


def test_two_cores_agree_with_one() -> None:
    net, trips, *_ = reference("SiouxFalls")
    one = silkrail.assign(net, trips, method="algb", rgap=1e-9, cores=1)
    two = silkrail.assign(net, trips, method="algb", rgap=1e-9, cores=2)
    np.testing.assert_allclose(two.link_flow, one.link_flow, rtol=1e-9, atol=1e-6)
    b1 = silkrail.assign(net, trips, method="bfw", rgap=1e-4, cores=1)
    b2 = silkrail.assign(net, trips, method="bfw", rgap=1e-4, cores=2)
    assert b1.iterations == b2.iterations
    np.testing.assert_allclose(b2.link_flow, b1.link_flow, rtol=1e-8)


def test_skims_at_equilibrium_equal_the_shortest_path_costs() -> None:
    net, trips, *_ = reference("SiouxFalls")
    res = silkrail.assign(net, trips, method="algb", rgap=1e-10)
    skims = silkrail.assignment_skims(net, res)
    # At equilibrium, SPTT = sum(d * cost skim) = TSTT (1 - rgap).
    sptt = float(np.sum(trips * skims["cost"]))
    assert sptt == pytest.approx(res.tstt, rel=1e-9)
    # No tolls or distance weights here: the cost skim is the time skim.
    np.testing.assert_allclose(skims["cost"], skims["time"], rtol=1e-12)
    assert set(skims) == {"cost", "time", "distance", "toll"}
