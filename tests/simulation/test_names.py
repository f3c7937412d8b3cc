"""Readable names of the simulator's routes and stations, from the network's node names."""

from __future__ import annotations

import pytest

import silkrail
from silkrail.simulation import corridor_model, default_services, replicate, simulation_summary
from silkrail.simulation.names import node_title, route_title, station_title


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


def test_issue_examples(net: silkrail.CorridorNetwork) -> None:
    assert route_title(net, "RU-MOSCOW>CN-URUMQI via CN-KHORGOS") == "Moscow → Ürümqi via Khorgos"
    station = "rail:CN-MANZHOULI~RU-ZABAIKALSK:CN-MANZHOULI>RU-ZABAIKALSK"
    assert station_title(net, station) == "Manzhouli–Zabaikalsk, westbound"


@pytest.mark.parametrize(
    ("station", "title"),
    [
        ("KZ-DOSTYK:border", "Dostyk border"),
        ("KZ-DOSTYK:gauge", "Dostyk gauge change"),
        ("KZ-AKTAU:port", "Aktau port"),
        ("ferry:KZ-AKTAU~AZBAK:KZ-AKTAU>AZBAK", "Aktau–Baku ferry, southbound"),
        ("rail:CN-XIAN~CN-BAOJI:CN-XIAN>CN-BAOJI", "Xi'an–Baoji, westbound"),
        ("rail:CN-XIAN~CN-BAOJI:CN-BAOJI>CN-XIAN", "Baoji–Xi'an, eastbound"),
        # Names this module cannot read stay as they are: a scenario's own, unknown nodes.
        ("my-yard", "my-yard"),
        ("rail:XX-A~XX-B:XX-A>XX-B", "rail:XX-A~XX-B:XX-A>XX-B"),
    ],
)
def test_station_titles(net: silkrail.CorridorNetwork, station: str, title: str) -> None:
    assert station_title(net, station) == title


def test_route_without_gateway_and_unknown(net: silkrail.CorridorNetwork) -> None:
    assert route_title(net, "CN-XIAN>DE-DUISBURG") == "Xi'an → Duisburg"
    assert route_title(net, "XX-A>DE-DUISBURG via CN-KHORGOS") == "XX-A>DE-DUISBURG via CN-KHORGOS"
    assert node_title(net, "nowhere") == "nowhere"


def test_every_default_route_and_station_has_a_distinct_name(
    net: silkrail.CorridorNetwork,
) -> None:
    model = corridor_model(net, default_services())
    stations = [station_title(net, s.name) for s in model.stations]
    routes = [route_title(net, r.name) for r in model.routes]
    assert len(set(stations)) == len(stations)
    assert len(set(routes)) == len(routes)
    # Every id was read: no name still looks like one.
    assert not [n for n in stations + routes if ":" in n or ">" in n]


def test_summary_keeps_ids_and_adds_names(net: silkrail.CorridorNetwork) -> None:
    model = corridor_model(net, default_services()[:4])
    mc = replicate(model, replications=1, days=20, seed=1, scheduler="serial")
    out = simulation_summary(mc, top=3, net=net)
    route = out["routes"][0]
    assert route["route"].startswith("CN-")  # the id
    assert "→" in route["name"]
    assert {"station", "name"} <= set(out["bottlenecks"][0])
    assert all("name" not in r for r in simulation_summary(mc, top=3)["routes"])
