"""Every algorithm on hand-checkable networks with analytic equilibria."""

from __future__ import annotations

import numpy as np
import pytest

import silkrail
from silkrail.errors import ConvergenceWarning, NoRouteError

from .conftest import od, two_links

EXACT = ("fw", "cfw", "bfw", "algb")


@pytest.mark.parametrize("method", EXACT)
def test_two_parallel_links_exact(method: str, two_link_net: silkrail.TrafficNetwork) -> None:
    # t1 = 1 + v1 = t2 = 2 + (4 - v1) / 2  =>  v1 = v2 = 2, t = 3.
    res = silkrail.assign(two_link_net, od(4.0), method=method, rgap=1e-12, max_iter=50)
    assert res.converged
    np.testing.assert_allclose(res.link_flow, [2.0, 2.0], atol=1e-9)
    np.testing.assert_allclose(res.link_time, [3.0, 3.0], atol=1e-9)
    # Beckmann: int_0^2 (1 + x) dx + int_0^2 (2 + x / 2) dx = 4 + 5 = 9; TSTT = 4 * 3.
    assert res.beckmann == pytest.approx(9.0, abs=1e-8)
    assert res.tstt == pytest.approx(12.0, abs=1e-8)
    assert res.rgap <= 1e-12


def test_msa_approaches_the_equilibrium(two_link_net: silkrail.TrafficNetwork) -> None:
    res = silkrail.assign(two_link_net, od(4.0), method="msa", rgap=1e-4, max_iter=10_000)
    assert res.converged
    np.testing.assert_allclose(res.link_flow, [2.0, 2.0], atol=2e-3)
    steps = res.report.step_size[1:]
    np.testing.assert_allclose(steps, 1.0 / np.arange(2, steps.size + 2))


def test_aon_loads_the_free_flow_shortest_path(two_link_net: silkrail.TrafficNetwork) -> None:
    res = silkrail.assign(two_link_net, od(4.0), method="aon")
    np.testing.assert_allclose(res.link_flow, [4.0, 0.0])
    # At v = (4, 0): TSTT = 4 * 5 = 20, SPTT = 4 * 2 = 8.
    assert res.rgap == pytest.approx(12.0 / 20.0)
    assert res.iterations == 1
    assert not res.converged


def test_uncongested_demand_stays_on_the_faster_link() -> None:
    # t1 = 1 + v1 stays below t2 = 2 while v1 < 1: demand 0.5 keeps link 2 empty.
    net = two_links()
    for method in EXACT:
        res = silkrail.assign(net, od(0.5), method=method, rgap=1e-12, max_iter=50)
        np.testing.assert_allclose(res.link_flow, [0.5, 0.0], atol=1e-12)


@pytest.mark.parametrize("method", ["bfw", "algb"])
def test_tolls_and_distance_enter_the_generalised_cost(method: str) -> None:
    # Fixed costs: link 1 toll 2 * 0.5 + length 1 * 0.25 = 1.25, link 2 length 3 * 0.25 = 0.75:
    # 2.25 + v1 = 2.75 + v2 / 2, v1 + v2 = 4  =>  v1 = 5 / 3.
    net = two_links(toll=(2.0, 0.0), length=(1.0, 3.0))
    uc = silkrail.UserClass(od(4.0), toll_factor=0.5, distance_factor=0.25)
    res = silkrail.assign(net, uc, method=method, rgap=1e-12, max_iter=100)
    np.testing.assert_allclose(res.link_flow, [5.0 / 3.0, 7.0 / 3.0], atol=1e-9)
    fixed = np.array([1.0 + 0.25, 0.25 * 3.0])
    np.testing.assert_allclose(res.class_cost[0], res.link_time + fixed)


def test_network_toll_factor_is_the_default_weight() -> None:
    net = silkrail.TrafficNetwork(
        init_node=[1, 1],
        term_node=[2, 2],
        capacity=[1.0, 1.0],
        length=[1.0, 1.0],
        free_flow_time=[1.0, 2.0],
        b=[1.0, 0.25],
        power=[1.0, 1.0],
        toll=[2.0, 0.0],
        num_nodes=2,
        num_zones=2,
        toll_factor=0.5,
    )
    res = silkrail.assign(net, od(4.0), method="algb", rgap=1e-12)
    # 2 + v1 = 2 + v2 / 2  =>  v1 = 4 / 3.
    np.testing.assert_allclose(res.link_flow, [4.0 / 3.0, 8.0 / 3.0], atol=1e-9)


@pytest.mark.parametrize("method", ["fw", "bfw", "algb"])
def test_two_classes_with_pce_and_value_of_time(method: str) -> None:
    # Cars ignore the toll of 3 on link 1; trucks (PCE 2, value of time 1) pay it.
    # Total PCE flow V; cars: 4, trucks: 1 vehicle = 2 PCE. Guess: trucks all on link 2,
    # cars split so 1 + V1 = 2 + V2 / 2 with V1 + V2 = 6 and V2 >= 2:
    # V1 = 8 / 3, V2 = 10 / 3; trucks see 1 + 8/3 + 3 = 6.67 > 2 + 5/3 = 3.67 on link 2.
    net = two_links(toll=(3.0, 0.0))
    cars = silkrail.UserClass(od(4.0), name="cars")
    trucks = silkrail.UserClass(od(1.0), name="trucks", pce=2.0, value_of_time=1.0)
    res = silkrail.assign(net, [cars, trucks], method=method, rgap=1e-10, max_iter=2000)
    assert res.converged
    np.testing.assert_allclose(res.link_flow, [8.0 / 3.0, 10.0 / 3.0], atol=1e-6)
    np.testing.assert_allclose(res.class_flow[1], [0.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(res.class_flow[0], [8.0 / 3.0, 4.0 / 3.0], atol=1e-6)
    frame = res.to_frame()
    assert {"flow_cars", "flow_trucks", "cost_cars", "cost_trucks"} <= set(frame.columns)


def test_identical_classes_add_up_to_one_class(two_link_net: silkrail.TrafficNetwork) -> None:
    one = silkrail.assign(two_link_net, od(4.0), method="algb", rgap=1e-12)
    two = silkrail.assign(
        two_link_net,
        [silkrail.UserClass(od(1.0), name="a"), silkrail.UserClass(od(3.0), name="b")],
        method="algb",
        rgap=1e-12,
    )
    np.testing.assert_allclose(two.link_flow, one.link_flow, atol=1e-9)
    np.testing.assert_allclose(two.class_flow.sum(axis=0), one.link_flow, atol=1e-9)


def _zone_shortcut_net(first_thru: int) -> silkrail.TrafficNetwork:
    # Zones 1..3; the cheap route 1 -> 2 -> 3 passes through zone 2, the other uses node 4.
    return silkrail.TrafficNetwork(
        init_node=[1, 2, 1, 4],
        term_node=[2, 3, 4, 3],
        capacity=[1.0] * 4,
        length=[1.0] * 4,
        free_flow_time=[1.0, 1.0, 5.0, 5.0],
        b=[0.0] * 4,
        power=[4.0] * 4,
        toll=[0.0] * 4,
        num_nodes=4,
        num_zones=3,
        first_thru_node=first_thru,
    )


@pytest.mark.parametrize("method", ["aon", "bfw", "algb"])
def test_first_thru_node_keeps_paths_out_of_zones(method: str) -> None:
    d = np.zeros((3, 3))
    d[0, 2] = 10.0
    free = silkrail.assign(_zone_shortcut_net(1), d, method=method, rgap=1e-12)
    np.testing.assert_allclose(free.link_flow, [10.0, 10.0, 0.0, 0.0])
    blocked = silkrail.assign(_zone_shortcut_net(4), d, method=method, rgap=1e-12)
    np.testing.assert_allclose(blocked.link_flow, [0.0, 0.0, 10.0, 10.0])


def test_unreachable_demand_raises_no_route() -> None:
    d = np.zeros((3, 3))
    d[2, 0] = 1.0
    for method in ("bfw", "algb"):
        with pytest.raises(NoRouteError, match="zone 3 to zone 1"):
            silkrail.assign(_zone_shortcut_net(1), d, method=method)


def test_missed_target_warns_and_is_not_converged(two_link_net: silkrail.TrafficNetwork) -> None:
    with pytest.warns(ConvergenceWarning, match="above the target"):
        res = silkrail.assign(two_link_net, od(3.0), method="msa", rgap=1e-12, max_iter=3)
    assert not res.converged
    assert res.iterations == 3
    rep = res.report.to_frame()
    assert list(rep.columns) == ["rgap", "beckmann", "step_size", "elapsed_s"]
    assert len(rep) == 3
    assert rep["elapsed_s"].is_monotonic_increasing


def test_cores_give_the_same_answer(two_link_net: silkrail.TrafficNetwork) -> None:
    import numba

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has a single thread here")
    a = silkrail.assign(two_link_net, od(4.0), method="bfw", rgap=1e-10, cores=1)
    b = silkrail.assign(two_link_net, od(4.0), method="bfw", rgap=1e-10, cores=2)
    np.testing.assert_allclose(a.link_flow, b.link_flow, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "newton"}, "unknown method 'newton'; choose one of"),
        ({"rgap": 0.0}, "rgap must be a finite number > 0"),
        ({"rgap": float("nan")}, "rgap must be a finite number > 0"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
        ({"cores": 0}, "cores must be an integer between 1 and"),
    ],
)
def test_bad_options_name_the_value(
    two_link_net: silkrail.TrafficNetwork, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        silkrail.assign(two_link_net, od(4.0), **kwargs)  # type: ignore[arg-type]


def test_demand_shape_and_type_are_checked(two_link_net: silkrail.TrafficNetwork) -> None:
    with pytest.raises(ValueError, match="must be 2 x 2"):
        silkrail.assign(two_link_net, np.zeros((3, 3)))
    with pytest.raises(TypeError, match="demand must be"):
        silkrail.assign(two_link_net, "trips")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be finite and >= 0"):
        silkrail.UserClass(-od(1.0))
    with pytest.raises(ValueError, match="not both"):
        silkrail.UserClass(od(1.0), value_of_time=10.0, toll_factor=0.1)
    with pytest.raises(ValueError, match="pce of class 'x'"):
        silkrail.UserClass(od(1.0), name="x", pce=0.0)
    with pytest.raises(ValueError, match="names must be unique"):
        silkrail.assign(two_link_net, [silkrail.UserClass(od(1.0)), silkrail.UserClass(od(1.0))])


def test_network_validation_lists_every_problem() -> None:
    with pytest.raises(silkrail.NetworkValidationError) as info:
        silkrail.TrafficNetwork(
            init_node=[1, 9],
            term_node=[2, 2],
            capacity=[0.0, 1.0],
            length=[1.0, -1.0],
            free_flow_time=[1.0, 1.0],
            b=[0.15, 0.15],
            power=[4.0, 4.0],
            toll=[0.0, 0.0],
            num_nodes=2,
            num_zones=2,
        )
    text = str(info.value)
    assert "init_node" in text
    assert "length" in text
    assert "capacity" in text


def test_algorithm_b_refuses_a_run_that_would_not_fit_in_memory(
    two_link_net: silkrail.TrafficNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    from silkrail.assignment import _algorithms

    need = _algorithms.bush_bytes(1, two_link_net.num_links, two_link_net.num_nodes)
    monkeypatch.setattr(_algorithms, "_available_bytes", lambda: need)  # 80 % of it is allowed
    with pytest.raises(silkrail.InsufficientMemoryError, match="use method 'bfw'") as err:
        silkrail.assign(two_link_net, od(4.0), method="algb", rgap=1e-8)
    assert isinstance(err.value, MemoryError)
    assert "1 origin bushes" in str(err.value)
    # Link-based methods do not need the bushes, and the guard lets a run that fits go on.
    silkrail.assign(two_link_net, od(4.0), method="bfw", rgap=1e-8)
    monkeypatch.setattr(_algorithms, "_available_bytes", lambda: 2 * need)
    assert silkrail.assign(two_link_net, od(4.0), method="algb", rgap=1e-8).converged


def test_available_memory_is_read_or_unknown() -> None:
    from silkrail.assignment import _algorithms

    have = _algorithms._available_bytes()
    assert have is None or have > 0
