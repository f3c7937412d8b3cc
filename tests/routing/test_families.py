"""Corridor families: one enum, one classification."""

from __future__ import annotations

import pytest

import silkrail
from silkrail.routing import CorridorFamily, family_of_label, land_family


@pytest.mark.parametrize(
    ("label", "family"),
    [
        ("Northern via Dostyk–Brest", CorridorFamily.NORTHERN),
        ("Northern", CorridorFamily.NORTHERN),
        ("Middle Corridor via Khorgos–Aktau–Baku", CorridorFamily.MIDDLE),
        ("Middle Corridor, then sea via Suez (Poti–Genoa)", CorridorFamily.MIDDLE),
        ("Sea via Suez (Shanghai–Rotterdam)", CorridorFamily.SEA),
        ("Southern via Sarakhs", CorridorFamily.SOUTHERN),
        ("Road via Khorgos", CorridorFamily.ROAD),
        ("Rail via Erenhot", CorridorFamily.RAIL),
    ],
)
def test_family_of_label(label: str, family: CorridorFamily) -> None:
    assert family_of_label(label) is family


def test_unknown_label_names_the_families() -> None:
    with pytest.raises(ValueError, match="'Middle Corridor'"):
        family_of_label("Seaside")


def test_land_family_order() -> None:
    # The Caspian ferry wins over Russia; Russia over the southern states.
    assert land_family({"RU", "KZ"}, caspian_ferry=True) is CorridorFamily.MIDDLE
    assert land_family({"RU", "UZ"}, caspian_ferry=False) is CorridorFamily.NORTHERN
    assert land_family({"UZ", "KZ"}, caspian_ferry=False) is CorridorFamily.SOUTHERN
    assert land_family({"CN", "MN"}, caspian_ferry=False) is CorridorFamily.RAIL
    assert land_family({"RU"}, caspian_ferry=False, road=True) is CorridorFamily.ROAD


def test_planner_labels_and_families_agree() -> None:
    p = silkrail.plan(silkrail.load_network(), "Chongqing", "Duisburg", compare="all")
    families = {family_of_label(r.label) for r in p.routes}
    assert {CorridorFamily.NORTHERN, CorridorFamily.MIDDLE, CorridorFamily.SEA} <= families
