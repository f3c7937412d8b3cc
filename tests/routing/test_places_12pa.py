"""Places a forwarder types, issue #12 (longer list): European sea ports, Kazakh stations,
Chop and the planned Anaklia port plan from or to a nearby hub (docs/data.md)."""

from __future__ import annotations

import pytest

import silkrail

DEPART = "2026-06-15"


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


def test_oskemen_to_almaty_goes_by_rail_through_ayagoz(net: silkrail.CorridorNetwork) -> None:
    best = silkrail.plan(net, "Усть-Каменогорск", "Almaty", depart=DEPART).routes[0]
    assert best.nodes[0] == "KZ-OSKEMEN"
    assert best.nodes[-1] == "KZ-ALMATY"
    assert "KZ-AYAGOZ" in best.nodes
    assert set(best.modes) == {"rail"}
    assert best.land_detour_index < 1.5


def test_cagliari_to_genoa_sails_the_feeder(net: silkrail.CorridorNetwork) -> None:
    best = silkrail.plan(net, "Cagliari", "Genoa", depart=DEPART).routes[0]
    assert best.nodes == ("IT-CAGLIARI", "ITGOA")
    assert best.modes == ("sea",)


def test_chop_to_budapest_crosses_at_zahony(net: silkrail.CorridorNetwork) -> None:
    best = silkrail.plan(net, "Chop", "Budapest", depart=DEPART).routes[0]
    assert best.nodes[0] == "UA-CHOP"
    assert best.nodes[1] == "HU-ZAHONY"
    assert best.nodes[-1] == "HUBUD"
    assert best.land_detour_index < 1.5


@pytest.mark.parametrize(
    ("origin", "destination", "first_hop"),
    [("Heraklion", "Piraeus", "GRPIR"), ("Limassol", "Piraeus", "GRPIR"),
     ("Malta Freeport", "Genoa", "MT-MALTA"), ("Holyhead", "Dublin", "IE-DUBLIN"),
     ("Santander", "Madrid", "ESMAD"), ("Almería", "Madrid", "ESMAD"),
     ("Esbjerg", "Hamburg", "DK-FREDERICIA"), ("Ekibastuz", "Pavlodar", "KZ-PAVLODAR"),
     ("Zhetygen", "Almaty", "KZ-ALMATY")],
)  # fmt: skip
def test_each_new_place_plans_through_the_node_it_hangs_from(
    net: silkrail.CorridorNetwork, origin: str, destination: str, first_hop: str
) -> None:
    best = silkrail.plan(net, origin, destination, depart=DEPART).routes[0]
    assert best.nodes[1] == first_hop


def test_anaklia_is_used_only_with_planned_links(net: silkrail.CorridorNetwork) -> None:
    with pytest.raises(silkrail.NoRouteError, match="include-planned"):
        silkrail.plan(net, "Piraeus", "Anaklia", depart=DEPART)
    best = silkrail.plan(net, "Piraeus", "Anaklia", depart=DEPART, include_planned=True).routes[0]
    assert best.nodes[-1] == "GE-ANAKLIA"
    assert "TR-BOSPHORUS" in best.nodes
