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


def test_a_land_route_from_outside_china_names_where_it_leaves_home() -> None:
    # Almaty-Tbilisi round the Caspian has no ferry and no gauge change to name; its label
    # says which way it goes (it read a bare "Northern").
    p = silkrail.plan(silkrail.load_network(), "Almaty", "Tbilisi", depart="2025-06-01")
    northern = [r for r in p.routes if family_of_label(r.label) is CorridorFamily.NORTHERN]
    assert northern
    assert northern[0].label.startswith("Northern via ")
    first_abroad = next(leg for leg in northern[0].legs if leg.kind == "travel"
                        and not leg.to_id.startswith("KZ"))  # fmt: skip
    assert northern[0].label.endswith(first_abroad.to_name.split()[0])
