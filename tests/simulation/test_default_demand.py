"""Default services from the packaged demand table, and routes from the route planner."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pytest

import silkrail
from silkrail.errors import NoRouteError, ScenarioError, UnknownLocationError
from silkrail.simulation import (
    CorridorRoute,
    CorridorService,
    corridor_model,
    corridor_path,
    default_services,
    planner_route,
    route_from_plan,
    scenario_from_yaml,
    services_from_plan,
    simulate,
)

if TYPE_CHECKING:
    from pathlib import Path

PER_YEAR = 365.25 / 7.0


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


def test_default_services_carry_the_sourced_2024_totals() -> None:
    svc = default_services()
    assert len({s.name for s in svc}) == len(svc)
    total = sum(s.trains_per_week for s in svc) * PER_YEAR
    assert total == pytest.approx(19392, abs=0.5)
    out = sum(s.trains_per_week for s in svc if s.origin.startswith("CN")) * PER_YEAR
    assert out == pytest.approx(10546, abs=0.5)
    by_gateway: dict[str, float] = {}
    for s in svc:
        g = s.via[0] if s.origin.startswith("CN") else s.via[-1]
        by_gateway[g] = by_gateway.get(g, 0.0) + s.trains_per_week * PER_YEAR
    assert by_gateway["CN-MANZHOULI"] == pytest.approx(5001, abs=0.5)
    assert sum(by_gateway.values()) == pytest.approx(19392, abs=0.5)
    half = default_services(scale=0.5, feu=44)
    assert [s.trains_per_week for s in half] == pytest.approx([s.trains_per_week / 2 for s in svc])
    assert {s.feu for s in half} == {44}
    with pytest.raises(ValueError, match="scale"):
        default_services(scale=-1)
    with pytest.raises(ValueError, match="feu"):
        default_services(feu=0)


def test_default_routes_pass_their_gateways_and_match_the_planner(
    net: silkrail.CorridorNetwork,
) -> None:
    svc = default_services()
    for s in svc:
        assert s.route is not None
        assert (s.route.origin, s.route.destination) == (s.origin, s.destination)
        assert [n for n in s.route.node_ids if n in s.via] == list(s.via), s.name
    # A sample of each segment: the packaged route is what the planner chooses now (the
    # dataset tests check every route).
    for s in (svc[0], svc[1], next(s for s in svc if "AZBAK" in s.name)):
        assert s.route is not None
        modes = ("rail", "ferry") if "AZBAK" in s.name else ("rail",)
        assert planner_route(net, s.origin, s.destination, via=s.via, modes=modes) == s.route


def test_the_default_model_is_fast_and_reproducible(net: silkrail.CorridorNetwork) -> None:
    model = corridor_model(net, default_services())
    a = simulate(model, days=60, seed=7)
    b = simulate(model, days=60, seed=7)
    c = simulate(model, days=60, seed=8)
    np.testing.assert_array_equal(a.train_finish_h, b.train_finish_h)
    np.testing.assert_array_equal(a.train_release_h, b.train_release_h)
    assert not np.array_equal(a.train_release_h, c.train_release_h)


def test_route_from_plan_and_services_from_plan(net: silkrail.CorridorNetwork) -> None:
    p = silkrail.plan(net, "Chengdu", "Łódź", modes=["rail"])
    r = route_from_plan(p.routes[0])
    assert r.node_ids == p.routes[0].nodes
    assert r.link_ids == tuple(leg.link_id for leg in p.routes[0].legs if leg.kind == "travel")
    out, back = services_from_plan(
        net, p, trains_per_week=7, both_directions=True, feu=44, name="Rong'ou"
    )
    assert (out.name, back.name) == ("Rong'ou", "Rong'ou (return)")
    assert back.route == CorridorRoute(r.node_ids[::-1], r.link_ids[::-1])
    assert (out.trains_per_week, out.feu) == (7, 44)
    model = corridor_model(net, [out, back])
    assert model.routes[0].link_ids == r.link_ids
    (last,) = services_from_plan(net, p, trains_per_week=1, route=-1)
    assert last.route == route_from_plan(p.routes[-1])
    with pytest.raises(IndexError, match="not an index"):
        services_from_plan(net, p, trains_per_week=1, route=len(p.routes))


def test_services_from_plan_checks_the_network(toy_dir: Path) -> None:
    net = silkrail.load_network()
    p = silkrail.plan(net, "Xi'an", "Duisburg", modes=["rail"], max_routes=1)
    toy = silkrail.read_network(toy_dir)
    with pytest.raises((ValueError, UnknownLocationError)):
        services_from_plan(toy, p, trains_per_week=1)
    broken = dataclasses.replace(p.routes[0], nodes=p.routes[0].nodes[::-1])
    with pytest.raises(ValueError, match="do not join"):
        route_from_plan(broken)


def test_corridor_model_routers(toy_dir: Path) -> None:
    toy = silkrail.read_network(toy_dir)
    sv = CorridorService("Alpha", "Epsilon Port", trains_per_week=7)
    planned = corridor_model(toy, [sv]).routes[0]
    fastest = corridor_model(toy, [sv], router="fastest").routes[0]
    assert (
        planned.link_ids == fastest.link_ids == corridor_path(toy, "Alpha", "Epsilon Port").link_ids
    )
    with pytest.raises(ValueError, match="unknown router 'shortest'"):
        corridor_model(toy, [sv], router="shortest")  # type: ignore[arg-type]
    with pytest.raises(UnknownLocationError):
        corridor_model(toy, [CorridorService("Alpha", "Atlantis", trains_per_week=1)])


def test_planner_router_follows_via_and_modes(net: silkrail.CorridorNetwork) -> None:
    r = planner_route(net, "Xi'an", "Baku", via=["Khorgos (China)", "Aktau"])
    assert {"CN-KHORGOS", "KZ-AKTAU"} <= set(r.node_ids)
    with pytest.raises(NoRouteError):
        planner_route(net, "Xi'an", "Duisburg", modes=["ferry"])
    sv = CorridorService("Xi'an", "Duisburg", trains_per_week=7, via=("Khorgos (China)",))
    model = corridor_model(net, [sv])
    assert "CN-KHORGOS" in model.routes[0].node_ids


def test_scenario_router_option_and_unknown_service_names(net: silkrail.CorridorNetwork) -> None:
    spec = scenario_from_yaml(
        "services: [{origin: Xi'an, destination: Duisburg, trains_per_week: 5}]\n"
        "model: {router: fastest}"
    )
    assert spec.corridor_options == {"router": "fastest"}
    with pytest.raises(ScenarioError, match="must be one of planner, fastest"):
        scenario_from_yaml("model: {router: shortest}")
    spec = scenario_from_yaml(
        'demand: {services: {"CN-XIAN>DE-DUISBURG via CN-ALASHANKOU": 0.5, "CN-XIAN>X": 1}}'
    )
    with pytest.raises(ScenarioError, match=r"demand.services.CN-XIAN>X.*matches no service"):
        spec.build_model(net)
