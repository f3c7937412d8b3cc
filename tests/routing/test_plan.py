"""The planner on the toy corridor: criteria sums, constraints, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from silkrail import NoRouteError, UnknownLocationError, plan, read_network
from silkrail.routing import lognormal_quantile
from silkrail.routing.uncertainty import DelayParameters

if TYPE_CHECKING:
    from pathlib import Path

    from silkrail import CorridorNetwork


@pytest.fixture
def toy(toy_dir: Path) -> CorridorNetwork:
    return read_network(toy_dir)


def test_route_totals_add_up_by_hand(toy: CorridorNetwork) -> None:
    # Without the estimated delays the Monte Carlo mean is the sum of the parts' means.
    no_delays = DelayParameters(0.0, 0.0, 0.0, 0.0)
    result = plan(toy, "Alpha", "Epsilon", value_of_time=10.0, delays=no_delays)
    [route] = result.routes
    # 477/40 + 6 h border at Beta; 12/20 + 4 h border at Gamma; 4.25 h gauge change;
    # 310/60; 2700/50.
    hours = 477 / 40 + 6 + 12 / 20 + 4 + 4.25 + 310 / 60 + 2700 / 50
    assert route.hours_mean == pytest.approx(hours, rel=0.01)
    assert route.cost_usd_per_feu == pytest.approx(400 + 50 + 120 + 190 + 1600)
    assert route.distance_km == pytest.approx(3499)
    assert route.generalized_cost == pytest.approx(2360 + 10.0 * hours, rel=0.01)
    assert route.borders == 1
    assert route.transshipments == 1
    assert route.countries == ("CN", "KZ")
    assert route.nodes == ("CN-ALPHA", "CN-BETA", "KZ-GAMMA", "KZ-DELTA", "KZ-EPSILON")
    assert [leg.kind for leg in route.legs] == [
        "travel",
        "travel",
        "gauge change",
        "travel",
        "travel",
    ]
    # Independent parts give this variance; running times within one railway are drawn
    # together (correlated), so the drawn variance is at least as large.
    var = (0.2 * 477 / 40) ** 2 + (0.5 * 6) ** 2 + (0.3 * 12 / 20) ** 2 + (0.4 * 4) ** 2
    var += (0.2 * 310 / 60) ** 2 + (0.25 * 2700 / 50) ** 2
    assert route.hours_var > 0.9 * var
    assert route.transit_days_p5 < route.transit_days_p50 < route.transit_days_p95
    lognormal_p95 = lognormal_quantile(hours, var, 1.6448536) / 24
    assert route.transit_days_p95 == pytest.approx(lognormal_p95, rel=0.1)
    assert route.transit_days_p50 < hours / 24 < route.transit_days_p95


def test_json_layout(toy: CorridorNetwork) -> None:
    data = plan(toy, "CN-ALPHA", "KZ-EPSILON").to_dict()
    assert {"origin", "destination", "routes"} <= set(data)
    route = data["routes"][0]
    for key in (
        "label", "transit_days_p50", "transit_days_p95", "cost_usd_per_feu",
        "co2e_kg_per_feu_wtw", "co2e_kg_per_feu_ttw", "distance_km", "borders",
        "transshipments", "countries", "nodes", "legs",
    ):  # fmt: skip
        assert key in route
    geo = plan(toy, "CN-ALPHA", "KZ-EPSILON").to_geojson()
    assert geo["features"][0]["geometry"]["type"] == "MultiLineString"
    assert len(geo["features"][0]["geometry"]["coordinates"]) == 4


def test_constraints_name_the_blocker(toy: CorridorNetwork) -> None:
    with pytest.raises(NoRouteError) as info:
        plan(toy, "Alpha", "Epsilon", max_transshipments=0)
    assert info.value.blocking == ("max_transshipments",)
    assert "--max-transshipments" in str(info.value)
    with pytest.raises(NoRouteError) as info:
        plan(toy, "Alpha", "Epsilon", avoid_nodes=["Gamma"])
    assert info.value.blocking == ("avoid_node",)
    with pytest.raises(NoRouteError, match="the destination is in KZ"):
        plan(toy, "Alpha", "Epsilon", avoid_countries=["kz"])
    with pytest.raises(NoRouteError) as info:
        plan(toy, "Alpha", "Epsilon", modes=["sea"])
    assert info.value.blocking == ("modes",)


def test_via_is_honoured(toy: CorridorNetwork) -> None:
    [route] = plan(toy, "Alpha", "Epsilon", via=["Delta"]).routes
    assert "KZ-DELTA" in route.nodes


def test_bad_options(toy: CorridorNetwork) -> None:
    with pytest.raises(UnknownLocationError, match="did you mean 'Gamma'"):
        plan(toy, "Gama", "Epsilon")
    with pytest.raises(ValueError, match="unknown country code 'XX'"):
        plan(toy, "Alpha", "Epsilon", avoid_countries=["XX"])
    with pytest.raises(ValueError, match=r"unknown modes \['air'\]"):
        plan(toy, "Alpha", "Epsilon", modes=["air"])
    with pytest.raises(ValueError, match="unknown container '45'"):
        plan(toy, "Alpha", "Epsilon", container="45")
    with pytest.raises(ValueError, match="same place"):
        plan(toy, "Alpha", "alfa")


def test_container_sets_cargo_for_emissions(toy: CorridorNetwork) -> None:
    feu = plan(toy, "Alpha", "Epsilon").routes[0]
    teu = plan(toy, "Alpha", "Epsilon", container="20").routes[0]
    assert teu.co2e_kg_per_feu_wtw == pytest.approx(feu.co2e_kg_per_feu_wtw / 2)
    assert teu.cost_usd_per_feu == feu.cost_usd_per_feu
