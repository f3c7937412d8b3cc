"""Percentiles from the route's random parts: reproducible, ordered, mechanism-driven."""

from __future__ import annotations

import numpy as np
import pytest

import silkrail
from silkrail.routing.conditions import conditions_on
from silkrail.routing.uncertainty import (
    DelayParameters,
    RouteParts,
    combine_draws,
    draw_parts,
    draw_route_hours,
    route_parts,
)


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


@pytest.fixture(scope="module")
def middle(net: silkrail.CorridorNetwork) -> silkrail.Route:
    # Avoiding Russia: the Trans-Caspian route with its ferry crossing.
    return silkrail.plan(net, "Xi'an", "Baku", depart="2025-06-01", avoid_countries=["RU"]).routes[
        0
    ]


def test_percentiles_are_reproducible_by_seed(net: silkrail.CorridorNetwork) -> None:
    a = silkrail.plan(net, "Chongqing", "Duisburg", depart="2025-06-01", seed=7).to_dict()
    b = silkrail.plan(net, "Chongqing", "Duisburg", depart="2025-06-01", seed=7).to_dict()
    c = silkrail.plan(net, "Chongqing", "Duisburg", depart="2025-06-01", seed=8).to_dict()
    assert a == b
    key = [(r["transit_days_p5"], r["transit_days_p95"]) for r in a["routes"]]
    assert key != [(r["transit_days_p5"], r["transit_days_p95"]) for r in c["routes"]]


def test_percentiles_are_ordered_and_spread(net: silkrail.CorridorNetwork) -> None:
    for r in silkrail.plan(net, "Chongqing", "Duisburg", depart="2025-06-01").routes:
        assert 0 < r.transit_days_p5 < r.transit_days_p50 < r.transit_days_p95
        # The mechanism spreads a route far wider than the old 7 % lognormal sum.
        assert r.transit_days_p95 / r.transit_days_p50 > 1.1


def test_caspian_delays_move_the_middle_corridor_only(
    net: silkrail.CorridorNetwork, middle: silkrail.Route
) -> None:
    c = conditions_on("2025-06-01")
    none = DelayParameters(0.0, 0.0, 0.0, 0.0)
    dwell = DelayParameters(48.0, 0.0, 0.0, 0.0)
    parts = route_parts(middle, net, c)
    d = draw_parts(parts, c, draws=4000, seed=3)
    gain = combine_draws(d, dwell).mean() - combine_draws(d, none).mean()
    crossings = int(parts.sail_caspian.sum())
    assert crossings >= 1
    assert gain == pytest.approx(48.0 * crossings, rel=0.1)
    north = silkrail.plan(net, "Xi'an", "Małaszewicze", modes=["rail"]).routes[0]
    p = route_parts(north, net, c)
    dn = draw_parts(p, c, draws=500, seed=3)
    np.testing.assert_allclose(
        combine_draws(dn, dwell, dwell_factor=0), combine_draws(dn, none, dwell_factor=0)
    )


def test_vessel_space_misses_add_whole_sailing_intervals(
    net: silkrail.CorridorNetwork, middle: silkrail.Route
) -> None:
    c = conditions_on("2025-06-01")
    parts = route_parts(middle, net, c)
    d = draw_parts(parts, c, draws=20000, seed=5)
    p = 0.5
    base = combine_draws(d, DelayParameters(0.0, 0.0, 0.0, 0.0))
    miss = combine_draws(d, DelayParameters(0.0, p, 0.0, 0.0))
    expected = p / (1 - p) * d.caspian_headway.sum()
    assert (miss - base).mean() == pytest.approx(expected, rel=0.05)
    if d.caspian_headway.size == 1:
        k = (miss - base) / d.caspian_headway[0]
        assert np.allclose(k, np.round(k), atol=1e-6)


def test_priority_skips_the_baseline_queues(net: silkrail.CorridorNetwork) -> None:
    c = conditions_on("2025-06-01")
    r = silkrail.plan(net, "Xi'an", "Małaszewicze", modes=["rail"]).routes[0]
    assert route_parts(r, net, c).queue_share.size > 0
    assert route_parts(r, net, c, queue_priority=True).queue_share.size == 0


def test_draws_are_reproducible(net: silkrail.CorridorNetwork, middle: silkrail.Route) -> None:
    c = conditions_on("2025-12-01")
    parts = route_parts(middle, net, c)
    p = DelayParameters.packaged()
    a = draw_route_hours(parts, p, c, seed=11)
    assert np.array_equal(a, draw_route_hours(parts, p, c, seed=11))
    assert not np.array_equal(a, draw_route_hours(parts, p, c, seed=12))


def test_the_per_train_factor_widens_the_band_and_keeps_the_mean(
    net: silkrail.CorridorNetwork,
) -> None:
    c = conditions_on("2025-06-01")
    north = silkrail.plan(net, "Xi'an", "Małaszewicze", modes=["rail"]).routes[0]
    d = draw_parts(route_parts(north, net, c), c, draws=20000, seed=7)
    assert d.train.mean() > 0.5 * (d.base + d.train).mean()  # mostly rail-side hours
    independent = combine_draws(d, DelayParameters(0.0, 0.0, 0.0, 0.0, 0.0))
    correlated = combine_draws(d, DelayParameters(0.0, 0.0, 0.0, 0.0, 0.2))
    np.testing.assert_allclose(independent, d.base + d.train + d.e_origin * 0.0)
    assert correlated.mean() == pytest.approx(independent.mean(), rel=0.01)
    q = [5, 95]
    lo0, hi0 = np.percentile(independent, q)
    lo1, hi1 = np.percentile(correlated, q)
    assert lo1 < lo0
    assert hi1 > hi0
    assert (hi1 - lo1) > 1.5 * (hi0 - lo0)


def test_the_caspian_delays_the_route_search_sees_are_drawn_once(
    net: silkrail.CorridorNetwork,
) -> None:
    # The planner puts the expected Caspian delays into the ports' transfer times so that the
    # route search sees them; the Monte Carlo must not add them on top of its own draws.
    def mean_hours(dwell: float) -> float:
        p = DelayParameters(dwell, 0.0, 0.0, 0.0, 0.0)
        plan = silkrail.plan(
            net, "Altynkol", "Baku", depart="2025-07-01", avoid_countries=["RU"], delays=p
        )
        return plan.routes[0].hours_mean

    crossings = 1  # Aktau-Baku
    assert mean_hours(100.0) - mean_hours(0.0) == pytest.approx(100.0 * crossings, rel=0.1)


def _stats(route: silkrail.Route) -> tuple[float, ...]:
    return (route.hours_mean, route.transit_days_p5, route.transit_days_p50,
            route.transit_days_p95)  # fmt: skip


def test_a_routes_percentiles_do_not_depend_on_the_other_routes(
    net: silkrail.CorridorNetwork,
) -> None:
    # Avoiding Belarus drops the best Northern row; the Middle Corridor row, which never
    # touches Belarus, must keep its figures (with one generator for all routes in turn, its
    # p95 moved from 37.0 to 37.5 days).
    def rows(**options: object) -> dict[tuple[str, ...], silkrail.Route]:
        plan = silkrail.plan(net, "Chongqing", "Duisburg", depart="2025-06-01", **options)
        return {r.nodes: r for r in plan.routes}

    full, without_by = rows(), rows(avoid_countries=["BY"])
    common = full.keys() & without_by.keys()
    assert common, "no route in both plans"
    assert any(r.transit_days_p50 > 0 for r in full.values())
    for nodes in common:
        assert _stats(full[nodes]) == _stats(without_by[nodes])
    # And the figures are not all equal: the other rows do differ.
    assert len({_stats(r) for r in full.values()}) == len(full)
    # Nor does the order in which the routes are drawn matter.
    from silkrail.routing.percentiles import with_percentiles
    from silkrail.routing.service_classes import service_class

    routes = list(full.values())
    cls, c = service_class(net, "block"), conditions_on("2025-06-01")
    params = DelayParameters.packaged()

    def drawn(rows: list[silkrail.Route]) -> dict[tuple[str, ...], tuple[float, ...]]:
        out = with_percentiles(rows, net, cls, params, c, value_of_time=10.0, seed=3)
        return {r.nodes: _stats(r) for r in out}

    assert drawn(routes) == drawn(routes[::-1])


def _borders_only(parts: RouteParts, keep: slice) -> RouteParts:
    """The parts with nothing random but the borders in `keep`."""
    from dataclasses import replace

    none = np.zeros(0)
    return replace(
        parts, fixed_hours=0.0, run_hours=none, run_cv=none, run_land=none.astype(bool),
        run_keys=(), queue_share=none, queue_scale=none, queue_keys=(), sail_headway=none,
        sail_caspian=none.astype(bool), sail_at=none, sail_keys=(), congestion_hours=none,
        congestion_at=none, congestion_start=none, congestion_end=none, congestion_keys=(),
        origin_dwell=False, border_hours=parts.border_hours[keep],
        border_cv=parts.border_cv[keep], border_keys=parts.border_keys[keep],
    )  # fmt: skip


def test_routes_that_share_a_border_share_its_draws(
    net: silkrail.CorridorNetwork, middle: silkrail.Route
) -> None:
    from dataclasses import replace

    c = conditions_on("2025-06-01")
    whole = route_parts(middle, net, c)
    assert len(whole.border_keys) >= 2
    # The same route cut after its first border is another route through that border.
    first = next(i for i, leg in enumerate(middle.legs) if leg.border_hours > 0)
    head = route_parts(replace(middle, legs=middle.legs[: first + 1]), net, c)
    assert head.border_keys == whole.border_keys[:1]

    def border_hours(parts: RouteParts, keep: slice, seed: int = 5) -> np.ndarray:
        return draw_parts(_borders_only(parts, keep), c, draws=300, seed=seed).train

    shared = border_hours(head, slice(0, 1))
    assert np.array_equal(shared, border_hours(whole, slice(0, 1)))
    assert not np.array_equal(shared, border_hours(whole, slice(1, 2)))
    assert not np.array_equal(shared, border_hours(head, slice(0, 1), seed=6))
    # Each border its own stream: the whole route's border hours are the sum of its borders'.
    each = sum(border_hours(whole, slice(i, i + 1)) for i in range(len(whole.border_keys)))
    assert np.allclose(border_hours(whole, slice(None)), each)


def test_part_streams_are_the_same_in_every_process() -> None:
    import subprocess
    import sys

    from silkrail.routing.uncertainty import variates

    code = (
        "from silkrail.routing.uncertainty import variates;"
        "print(variates('gamma', 'border:KZ-DOSTYK', seed=3, n=4, shape=4.0).tolist())"
    )
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       check=True, env={"PYTHONHASHSEED": str(h), "PATH": ""}).stdout
        for h in (1, 2)
    }  # fmt: skip
    here = variates("gamma", "border:KZ-DOSTYK", seed=3, n=4, shape=4.0).tolist()
    assert runs == {f"{here}\n"}
    with pytest.raises(ValueError, match="unknown kind"):
        variates("beta", "x", seed=0, n=3)


@pytest.mark.parametrize("queue_priority", [False, True])
@pytest.mark.parametrize("running", ["railway", "section"])
def test_route_parts_from_remembered_legs_are_the_fresh_ones(
    net: silkrail.CorridorNetwork, middle: silkrail.Route, queue_priority: bool, running: str
) -> None:
    from dataclasses import asdict

    from silkrail.routing._cache import network_cache

    c = conditions_on("2025-12-01")
    routes = [middle, *silkrail.plan(net, "Shanghai", "Rotterdam", depart="2025-06-01").routes]

    def parts() -> list[dict[str, object]]:
        return [
            asdict(route_parts(r, net, c, queue_priority=queue_priority, running=running))
            for r in routes
        ]

    network_cache(net).pop("route_part_legs", None)
    fresh = parts()
    again = parts()  # every leg now from the memo, under its own options
    assert len(network_cache(net)["route_part_legs"]) > 0  # type: ignore[arg-type]
    for a, b in zip(fresh, again, strict=True):
        assert a.keys() == b.keys()
        for k in a:
            x, y = a[k], b[k]
            same = np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
            assert same, k
    # The options change the parts, so the memo must keep them apart.
    assert any(p["run_hours"].size for p in fresh)


def test_plan_percentiles_are_the_one_route_statistics(net: silkrail.CorridorNetwork) -> None:
    # with_percentiles takes every route's statistics in one call over the stacked draws; they
    # must be NumPy's one-route statistics, bit for bit.
    from silkrail.routing.percentiles import with_percentiles
    from silkrail.routing.service_classes import service_class

    routes = list(silkrail.plan(net, "Chongqing", "Duisburg", depart="2025-06-01").routes)
    assert len(routes) >= 2
    cls = service_class(net, "block")
    c = conditions_on("2025-06-01")
    params = DelayParameters.packaged()
    got = {r.label: r for r in with_percentiles(routes, net, cls, params, c, value_of_time=10.0,
                                                 seed=4)}  # fmt: skip
    for r in routes:
        parts = route_parts(r, cls.network, c, queue_priority=cls.queue_priority)
        h = draw_route_hours(parts, params, c, dwell_factor=cls.origin_dwell_factor, seed=4)
        p5, p50, p95 = np.percentile(h, [5, 50, 95]) / 24.0
        g = got[r.label]
        assert (g.hours_mean, g.hours_var, g.transit_days_p5, g.transit_days_p50,
                g.transit_days_p95) == (float(h.mean()), float(h.var()), float(p5), float(p50),
                                        float(p95))  # fmt: skip
        assert g.generalized_cost == r.cost_usd_per_feu + 10.0 * float(h.mean())
