"""Conditions by date: the Red Sea closure, storm months, congestion periods."""

from __future__ import annotations

import datetime as dt

import pytest

import silkrail
from silkrail.routing.conditions import conditions_on, parse_depart


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


def _sea(result: silkrail.RoutePlan) -> list[str]:
    return [r.label for r in result.routes if r.label.startswith("Sea via")]


def test_a_2025_departure_sails_via_the_cape(net: silkrail.CorridorNetwork) -> None:
    result = silkrail.plan(net, "Shanghai", "Rotterdam", depart="2025-06-01", modes=["sea", "rail"])
    sea = _sea(result)
    assert sea
    assert all(label.startswith("Sea via the Cape") for label in sea)
    assert "red-sea" in result.constraints["conditions"]


def test_before_the_red_sea_crisis_suez_is_the_default(net: silkrail.CorridorNetwork) -> None:
    result = silkrail.plan(net, "Shanghai", "Rotterdam", depart="2023-06-01", modes=["sea", "rail"])
    assert any(label.startswith("Sea via Suez") for label in _sea(result))


def test_suez_on_request_is_labelled(net: silkrail.CorridorNetwork) -> None:
    result = silkrail.plan(
        net, "Shanghai", "Rotterdam", depart="2025-06-01", modes=["sea", "rail"],
        through_disruptions=["red-sea"],
    )  # fmt: skip
    suez = [label for label in _sea(result) if label.startswith("Sea via Suez")]
    assert suez
    assert all("red-sea disruption" in label for label in suez)


def test_unknown_disruption_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="red-sea"):
        conditions_on("2025-01-01", ignore=("suez-fire",))


def test_storm_months_come_from_the_table() -> None:
    c = conditions_on("2025-01-01")
    assert c.storm_fraction[10] == c.storm_fraction[11] == 0.5  # November, December
    assert c.storm_length_days > 0


def test_a_winter_crossing_takes_longer_than_a_summer_one(net: silkrail.CorridorNetwork) -> None:
    def p50(day: str) -> float:
        route = silkrail.plan(net, "Aktau", "Baku", depart=day, modes=["ferry"]).routes[0]
        return route.transit_days_p50

    assert p50("2025-11-20") > p50("2025-07-01")


def test_a_congestion_period_slows_trains_on_its_dates(net: silkrail.CorridorNetwork) -> None:
    def p50(day: str) -> float:
        r = silkrail.plan(
            net, "Brest", "Warsaw", depart=day, modes=["rail"], via=["Małaszewicze"]
        ).routes[0]
        return r.transit_days_p50

    assert p50("2024-05-20") > p50("2024-08-20") + 0.5


def test_a_congested_crossing_is_avoided_when_another_is_open(
    net: silkrail.CorridorNetwork,
) -> None:
    normal = silkrail.plan(net, "Brest", "Warsaw", depart="2024-08-20", modes=["rail"])
    congested = silkrail.plan(net, "Brest", "Warsaw", depart="2024-05-20", modes=["rail"])
    assert "PL-MALASZEWICZE" in normal.routes[0].nodes
    assert "PL-MALASZEWICZE" not in congested.routes[0].nodes


@pytest.mark.parametrize("bad", ["2025-13-01", "next week", "2025/01/01"])
def test_a_malformed_date_says_what_is_expected(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_depart(bad)


def test_depart_defaults_to_today() -> None:
    assert parse_depart(None) == dt.date.today()
