"""Service classes: their parameters come from the packaged table."""

from __future__ import annotations

import numpy as np
import pytest

import silkrail
from silkrail.datasets.parameters import service_class_table
from silkrail.network._schema import LinkMode
from silkrail.routing.service_classes import SERVICES, service_class


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


def _rule(service: str, parameter: str, countries: str) -> float:
    t = service_class_table()
    row = t[
        (t["service"] == service) & (t["parameter"] == parameter) & (t["countries"] == countries)
    ]
    assert len(row) == 1, (service, parameter, countries)
    return float(row["value"].iloc[0])


def _links_in(net: silkrail.CorridorNetwork, country: str, gauge: int | None = None) -> np.ndarray:
    sel = (net.link_mode == LinkMode.RAIL) & (net.node_country[net.link_from] == country)
    sel &= net.node_country[net.link_to] == country
    if gauge is not None:
        sel &= net.link_gauge_mm == gauge
    return sel


def test_block_is_the_network_as_packaged(net: silkrail.CorridorNetwork) -> None:
    block = service_class(net, "block")
    assert block.network is net
    assert not block.queue_priority


def test_fixed_schedule_speeds_come_from_the_table(net: silkrail.CorridorNetwork) -> None:
    fast = service_class(net, "fixed-schedule")
    cn = _links_in(net, "CN", 1435)
    factor = _rule("fixed-schedule", "speed_factor", "CN")
    np.testing.assert_allclose(fast.network.speed_kmh[cn], net.speed_kmh[cn] * factor)
    kz = _links_in(net, "KZ", 1520)
    assert kz.any()
    floor = _rule("fixed-schedule", "speed_min_kmh", "KZ;RU;BY")
    np.testing.assert_allclose(fast.network.speed_kmh[kz], np.maximum(net.speed_kmh[kz], floor))
    assert fast.queue_priority
    assert fast.origin_dwell_factor == 0.0


def test_regular_uses_cpmm_speed_with_delay_and_no_separate_border_time(
    net: silkrail.CorridorNetwork,
) -> None:
    reg = service_class(net, "regular")
    kz = _links_in(net, "KZ")
    np.testing.assert_allclose(reg.network.speed_kmh[kz], _rule("regular", "speed_kmh", "KZ"))
    dostyk = net.index_of("KZ-DOSTYK")
    assert not np.isnan(net.border_hours[dostyk])
    assert np.isnan(reg.network.border_hours[dostyk])


def test_classes_order_routes_by_speed(net: silkrail.CorridorNetwork) -> None:
    p50 = {
        s: silkrail.plan(
            net, "Xi'an", "Małaszewicze", service=s, modes=["rail"], depart="2025-07-01"
        )
        .routes[0]
        .transit_days_p50
        for s in SERVICES
    }
    assert p50["fixed-schedule"] < p50["block"] < p50["regular"]


def test_every_route_says_its_class(net: silkrail.CorridorNetwork) -> None:
    result = silkrail.plan(net, "Chongqing", "Duisburg", service="fixed-schedule")
    assert {r.service for r in result.routes} == {"fixed-schedule"}
    assert result.to_dict()["routes"][0]["service"] == "fixed-schedule"
    assert result.constraints["service"] == "fixed-schedule"


def test_unknown_class_names_the_choices(net: silkrail.CorridorNetwork) -> None:
    with pytest.raises(ValueError, match="fixed-schedule"):
        silkrail.plan(net, "Chongqing", "Duisburg", service="express")
