"""The planner on the packaged corridor network: the forwarder's questions."""

from __future__ import annotations

import itertools

import pytest

from silkrail import CorridorNetwork, NoRouteError, RoutePlan, load_network, plan
from silkrail.routing.families import CorridorFamily, family_of_label


@pytest.fixture(scope="module")
def net() -> CorridorNetwork:
    return load_network()


def _families(result: RoutePlan) -> set[str]:
    return {r.label.split(" via ")[0] for r in result.routes}


def test_chongqing_duisburg_shows_northern_middle_and_sea(net: CorridorNetwork) -> None:
    # Before the Red Sea crisis the sea option sails via Suez (tests/routing/test_conditions.py
    # checks the Cape since December 2023).
    result = plan(net, "Chongqing", "Duisburg", depart="2023-06-01")
    assert {"Northern", "Middle Corridor", "Sea"} <= _families(result)
    best = result.routes[0]
    assert best.generalized_cost == min(r.generalized_cost for r in result.routes)
    sea = next(r for r in result.routes if r.label.startswith("Sea via Suez"))
    assert "sea" in sea.modes
    assert len(set(sea.nodes)) == len(sea.nodes)


def test_avoiding_russia_and_belarus_keeps_the_middle_corridor(net: CorridorNetwork) -> None:
    result = plan(net, "Chongqing", "Duisburg", avoid_countries=["RU", "BY"])
    assert not any({"RU", "BY"} & set(r.countries) for r in result.routes)
    assert "Northern" not in _families(result)
    assert "Middle Corridor" in _families(result)
    for r in result.routes:
        for leg in r.legs:
            assert net.node_country[net.index_of(leg.from_id)] not in ("RU", "BY")


def test_a_familys_best_route_is_shown_when_another_family_outdoes_its_rows(
    net: CorridorNetwork,
) -> None:
    # Xi'an -> Kars avoiding Russia: the route through Iran (Van ferry) is faster and cheaper
    # than both Caspian crossings, so the Aktau ferry route left the Pareto front, while the
    # Turkmenbashi one (slower, but less CO2e) stayed: the Middle Corridor row shown must still
    # be the family's best, no worse than either crossing planned on its own.
    options = {"avoid_countries": ["RU", "BY"], "modes": ["rail", "ferry"], "depart": "2024-06-01"}
    shown = plan(net, "Xi'an", "Kars", **options).routes
    middle = [r for r in shown if family_of_label(r.label) == CorridorFamily.MIDDLE]
    assert middle
    assert any(family_of_label(r.label) == CorridorFamily.SOUTHERN for r in shown)
    for port in ("Aktau", "Turkmenbashi"):
        crossing = plan(net, "Xi'an", "Kars", via=[port], **options).routes[0]
        assert family_of_label(crossing.label) == CorridorFamily.MIDDLE
        assert min(r.generalized_cost for r in middle) <= crossing.generalized_cost + 1e-6


def test_avoiding_egypt_sends_ships_round_the_cape(net: CorridorNetwork) -> None:
    result = plan(net, "Shanghai", "Rotterdam", avoid_countries=["EG"], modes=["sea", "rail"])
    labels = [r.label for r in result.routes]
    assert any(label.startswith("Sea via the Cape") for label in labels)
    assert not any("Suez" in label for label in labels)


def test_gauge_changes_happen_only_where_offered(net: CorridorNetwork) -> None:
    for origin, dest in [("Chongqing", "Duisburg"), ("Xi'an", "Madrid"), ("Yiwu", "Tehran")]:
        for r in plan(net, origin, dest).routes:
            for leg in r.legs:
                if leg.kind == "gauge change":
                    assert net.offers_gauge_change[net.index_of(leg.from_id)]
            # Between two rail legs with no operation in between, the gauge never changes.
            for a, b in itertools.pairwise(r.legs):
                if a.kind == b.kind == "travel" and a.mode == b.mode == "rail":
                    assert a.gauge_mm == b.gauge_mm, (r.label, a.to_id)


def test_madrid_needs_the_iberian_gauge_change(net: CorridorNetwork) -> None:
    best = plan(net, "Xi'an", "Madrid", modes=["rail"]).routes[0]
    assert best.legs[-1].gauge_mm == 1668
    assert sum(leg.kind == "gauge change" for leg in best.legs) >= 3


def test_pakistan_is_reached_on_its_own_gauge_through_zahedan(net: CorridorNetwork) -> None:
    # Pakistan Railways (1676 mm) meets Iran's 1435 mm network only at Zahedan.
    best = plan(net, "Tashkent", "Karachi", modes=["rail"]).routes[0]
    changes = [leg.from_id for leg in best.legs if leg.kind == "gauge change"]
    assert "IR-ZAHEDAN" in changes
    assert best.legs[-1].gauge_mm == 1676
    assert {"TM", "IR", "PK"} <= set(best.countries)


def test_the_trans_afghan_railway_is_planned(net: CorridorNetwork) -> None:
    without = plan(net, "Termez", "Peshawar", modes=["rail"]).routes[0]
    assert "PK-KHARLACHI" not in without.nodes
    with_planned = plan(net, "Termez", "Peshawar", modes=["rail"], include_planned=True)
    best = with_planned.routes[0]
    assert "PK-KHARLACHI" in best.nodes
    assert best.distance_km < without.distance_km


def test_a_far_round_rail_route_gets_a_road_trunk_alternative(net: CorridorNetwork) -> None:
    # Rail from Termez to Islamabad goes round through Iran (several times the great circle);
    # by default the planner then also offers the trunk by truck across Afghanistan.
    every = plan(net, "Termez", "Islamabad", compare="all").routes
    assert any(r.land_detour_index > 2 and "IR" in r.countries for r in every)
    routes = plan(net, "Termez", "Islamabad").routes
    road = [r for r in routes if "road" in r.modes]
    assert road
    assert road[0].land_detour_index <= 2
    assert "AF" in road[0].countries
    # Every row shown is plausible beside the first: the far-round rail row is folded away.
    assert all(r.land_detour_index <= 2 for r in routes)
    # Where the road trunk too goes round (no road across the Pamirs to Pakistan in the data),
    # it is still offered if it goes less far round than rail: Almaty -> Peshawar.
    far = plan(net, "Almaty", "Peshawar", modes=["rail", "ferry", "sea"], compare="all").routes
    best = plan(net, "Almaty", "Peshawar").routes[0]
    assert "road" in best.modes
    assert best.land_detour_index < min(r.land_detour_index for r in far)


def test_planned_line_only_when_asked(net: CorridorNetwork) -> None:
    # By rail alone: without the planned line, the default plan takes trucks via Sary-Tash.
    without = plan(net, "Kashgar", "Tashkent", modes=["rail"]).routes[0]
    with_planned = plan(net, "Kashgar", "Tashkent", modes=["rail"], include_planned=True).routes[0]
    assert with_planned.hours_mean < without.hours_mean
    assert with_planned.distance_km < without.distance_km


def test_blocking_constraint_is_named(net: CorridorNetwork) -> None:
    with pytest.raises(NoRouteError) as info:
        plan(net, "Chongqing", "Duisburg", avoid_countries=["RU", "BY", "KZ", "MN"], modes=["rail"])
    assert set(info.value.blocking) & {"avoid_country", "modes"}
