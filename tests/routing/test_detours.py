"""The land detour index and the rule for what a plan shows by default (issue #12)."""

from __future__ import annotations

import math

import pytest

from silkrail import CorridorNetwork, Leg, load_network, plan
from silkrail.routing.detours import PLAUSIBLE_DETOUR, land_detour_index, plausible


@pytest.fixture(scope="module")
def net() -> CorridorNetwork:
    return load_network()


def _leg(mode: str, km: float, lon: tuple[float, float], lat: tuple[float, float]) -> Leg:
    return Leg(
        kind="travel", from_id="a", to_id="b", from_name="a", to_name="b", mode=mode,
        gauge_mm=1435, distance_km=km, hours=1.0, wait_hours=0.0, border_hours=0.0,
        cost_usd=1.0, co2e_wtw_kg=0.0, co2e_ttw_kg=0.0, link_id="x", lon=lon, lat=lat,
    )  # fmt: skip


def test_the_voyage_is_left_out_and_each_land_stretch_measured_between_its_ends() -> None:
    # 1 degree of longitude on the equator is 111.195 km.
    legs = [
        _leg("rail", 150.0, (0.0, 1.0), (0.0, 0.0)),  # land stretch 1: 150 km over 111 km
        _leg("sea", 9_000.0, (1.0, 50.0), (0.0, 0.0)),  # the voyage: not judged
        _leg("road", 80.0, (50.0, 50.5), (0.0, 0.0)),  # land stretch 2: 80 km over 56 km
    ]
    expected = (150.0 + 80.0) / (111.195 * 1.5)
    assert land_detour_index(legs) == pytest.approx(expected, rel=1e-4)
    assert land_detour_index(legs[1:2]) == 1.0  # port to port: no land stretch
    assert math.isnan(land_detour_index([]))


def test_a_land_route_is_judged_by_its_detour_index(net: CorridorNetwork) -> None:
    result = plan(net, "Chongqing", "Duisburg", depart="2025-06-01")
    land = [r for r in result.routes if "sea" not in r.modes]
    sea = [r for r in result.routes if "sea" in r.modes]
    assert land
    assert sea
    for r in land:
        assert r.land_detour_index == pytest.approx(r.detour_index)
    # Round the Cape by nature, with short rail legs to and from the ports.
    cape = [r for r in sea if "Cape" in r.label]
    assert cape
    assert all(r.detour_index > PLAUSIBLE_DETOUR >= r.land_detour_index for r in cape)
    assert all(plausible(r, result.routes[0]) for r in result.routes[1:])
    assert cape[0].to_dict()["land_detour_index"] == round(cape[0].land_detour_index, 3)
