"""Trucks in the planner: door-to-door legs, ``modes=["road"]`` and truck lifts counted."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from silkrail import NoRouteError, plan, read_network
from silkrail.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    from silkrail import CorridorNetwork


@pytest.fixture
def toy(toy_road_dir: Path) -> CorridorNetwork:
    return read_network(toy_road_dir)


def _steps(route: object) -> list[tuple[str, str, str]]:
    return [(leg.kind, leg.mode, leg.from_id) for leg in route.legs]  # type: ignore[attr-defined]


def test_door_to_door_adds_road_legs_and_lifts(toy: CorridorNetwork) -> None:
    # Door is reached only by truck: every route starts with the road leg to Alpha.
    result = plan(toy, "Door", "Epsilon", avoid_nodes=["Zeta"])
    by_rail = {r.nodes: r for r in result.routes}[
        ("CN-DOOR", "CN-ALPHA", "CN-BETA", "KZ-GAMMA", "KZ-DELTA", "KZ-EPSILON")
    ]
    assert _steps(by_rail)[:3] == [
        ("travel", "road", "CN-DOOR"),
        ("transfer", "rail", "CN-ALPHA"),
        ("travel", "rail", "CN-ALPHA"),
    ]
    lift = by_rail.legs[1]
    assert (lift.hours, lift.cost_usd, lift.distance_km) == (0.5, 100.0, 0.0)
    # The truck lift and the gauge change are both transshipments.
    assert by_rail.transshipments == 2
    assert by_rail.cost_usd_per_feu == pytest.approx(60 + 100 + 400 + 50 + 120 + 190 + 1600)
    for route in result.routes:
        assert route.legs[0].link_id == "R1"
        assert route.transshipments >= 1


def test_door_to_door_at_both_ends(toy: CorridorNetwork) -> None:
    result = plan(toy, "Town", "Door")
    for route in result.routes:
        assert (route.nodes[0], route.nodes[-1]) == ("KZ-TOWN", "CN-DOOR")
        assert route.legs[0].mode == route.legs[-1].mode == "road"
    # The cheaper option trucks to Delta, takes the train to Alpha and trucks on: two lifts
    # and the gauge change.
    cheapest = min(result.routes, key=lambda r: r.cost_usd_per_feu)
    assert "rail" in {leg.mode for leg in cheapest.legs}
    assert cheapest.transshipments == 3
    assert cheapest.cost_usd_per_feu == pytest.approx(50 + 80 + 190 + 120 + 50 + 400 + 100 + 60)


def test_road_only_plan(toy: CorridorNetwork) -> None:
    result = plan(toy, "Door", "Town", modes=["road"])
    [route] = result.routes
    assert route.nodes == ("CN-DOOR", "CN-ALPHA", "KZ-DELTA", "KZ-TOWN")
    assert {leg.mode for leg in route.legs} == {"road"}
    assert route.transshipments == 0  # no lift between two road legs
    assert sum(leg.hours for leg in route.legs) == pytest.approx((30 + 800 + 25) / 50)
    assert route.cost_usd_per_feu == pytest.approx(60 + 1500 + 50)
    assert route.distance_km == pytest.approx(855)
    assert route.countries == ("CN", "KZ")
    assert route.label.startswith("Road")
    # By road alone, the rail terminal Epsilon cannot be reached.
    with pytest.raises(NoRouteError):
        plan(toy, "Door", "Epsilon", modes=["road"])


def test_rail_road_rail_counts_both_lifts(toy: CorridorNetwork) -> None:
    # Avoiding the gauge-change node, Zeta -> Epsilon must leave the train at Alpha, truck to
    # Delta and board the broad-gauge train there (trucks on the trunk: road named in modes).
    result = plan(toy, "Zeta", "Epsilon", avoid_nodes=["Gamma"], modes=["rail", "road"])
    route = result.routes[0]
    assert route.nodes == ("CN-ZETA", "CN-ALPHA", "KZ-DELTA", "KZ-EPSILON")
    assert [(leg.kind, leg.mode) for leg in route.legs] == [
        ("travel", "rail"),
        ("transfer", "road"),
        ("travel", "road"),
        ("transfer", "rail"),
        ("travel", "rail"),
    ]
    assert route.transshipments == 2
    assert sum(leg.hours for leg in route.legs) == pytest.approx(
        150 / 40 + 0.5 + 800 / 50 + 1.0 + 2700 / 50
    )
    assert route.cost_usd_per_feu == pytest.approx(100 + 100 + 1500 + 80 + 1600)
    with pytest.raises(NoRouteError):
        plan(toy, "Zeta", "Epsilon", avoid_nodes=["Gamma"], max_transshipments=1)
    # By default trucks serve only the first and last mile, not the trunk.
    with pytest.raises(NoRouteError):
        plan(toy, "Zeta", "Epsilon", avoid_nodes=["Gamma"])


def test_cli_modes_road(toy_road_dir: Path) -> None:
    runner = CliRunner()
    data = ["--data", str(toy_road_dir)]
    result = runner.invoke(main, ["plan", "Door", "Town", "--modes", "road", *data, "--json"])
    assert result.exit_code == 0, result.output
    [route] = json.loads(result.output)["routes"]
    assert route["nodes"] == ["CN-DOOR", "CN-ALPHA", "KZ-DELTA", "KZ-TOWN"]
    assert {leg["mode"] for leg in route["legs"]} == {"road"}
    text = runner.invoke(main, ["plan", "Door", "Town", "--modes", "road", *data])
    assert text.exit_code == 0, text.output
    assert "Town" in text.output
    blocked = runner.invoke(main, ["plan", "Door", "Epsilon", "--modes", "road", *data])
    assert blocked.exit_code == 5
