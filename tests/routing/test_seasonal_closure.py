"""A seasonal closure: the Khunjerab Pass (Karakoram Highway) is closed December-March."""

from __future__ import annotations

import pytest

import silkrail
from silkrail.routing.conditions import conditions_on

KHUNJERAB = "PK-KHUNJERAB"


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


@pytest.mark.parametrize("day", ["2026-01-15", "2025-12-01", "2026-03-31"])
def test_the_pass_is_closed_in_the_winter_months(day: str) -> None:
    assert conditions_on(day).closed.get(KHUNJERAB) == "khunjerab-winter"


@pytest.mark.parametrize("day", ["2026-04-01", "2026-06-15", "2025-11-30"])
def test_the_pass_is_open_from_april_to_november(day: str) -> None:
    assert KHUNJERAB not in conditions_on(day).closed


def test_a_summer_plan_kashgar_islamabad_goes_over_khunjerab(
    net: silkrail.CorridorNetwork,
) -> None:
    best = silkrail.plan(net, "Kashgar", "Islamabad", depart="2026-06-15").routes[0]
    assert KHUNJERAB in best.nodes
    assert best.land_detour_index <= 2.0


def test_a_january_plan_kashgar_islamabad_avoids_khunjerab(
    net: silkrail.CorridorNetwork,
) -> None:
    result = silkrail.plan(net, "Kashgar", "Islamabad", depart="2026-01-15")
    assert result.routes
    assert all(KHUNJERAB not in r.nodes for r in result.routes)
    assert "khunjerab-winter" in result.constraints["conditions"]


def test_a_winter_plan_may_go_through_the_closure_on_request(
    net: silkrail.CorridorNetwork,
) -> None:
    result = silkrail.plan(
        net, "Kashgar", "Rawalpindi", depart="2026-01-15", through_disruptions=["khunjerab-winter"]
    )
    assert KHUNJERAB in result.routes[0].nodes
