"""Tests for scripts/validation_bound.py: route terms, the integer program, and the re-plan."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest

import silkrail

from .conftest import load_script

if TYPE_CHECKING:
    from types import ModuleType


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script("validation_bound")


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


@pytest.mark.parametrize(
    ("origin", "destination", "options"),
    [
        ("Xi'an", "Duisburg", {"modes": ["rail"]}),
        ("Xi'an", "Istanbul", {"avoid_countries": ["RU"], "modes": ["rail", "ferry"]}),
        ("Shanghai", "Rotterdam", {"modes": ["sea"]}),
    ],
)
def test_route_terms_add_up_to_the_route_mean(
    script: ModuleType,
    net: silkrail.CorridorNetwork,
    origin: str,
    destination: str,
    options: dict[str, object],
) -> None:
    route = silkrail.plan(net, origin, destination, **options).routes[0]  # type: ignore[arg-type]
    terms = script.route_terms(net, route)
    assert math.isclose(sum(terms.values()), route.hours_mean / 24, rel_tol=1e-9)
    assert any(t.startswith("run:") for t in terms)
    if options.get("modes") == ["rail", "ferry"]:
        assert any(t.startswith("wait:ferry:") for t in terms)
        assert any(t.startswith("dwell:") for t in terms)


def test_apply_changes_only_the_named_values(
    script: ModuleType, net: silkrail.CorridorNetwork
) -> None:
    same = script.apply(net, {"run:CN": 1.0, "border:BY-BREST": 1.0, "dwell:KZ-AKTAU": 0.0})
    np.testing.assert_array_equal(same.speed_kmh, net.speed_kmh)
    changed = script.apply(net, {"run:CN": 0.5, "border:BY-BREST": 2.0, "dwell:KZ-AKTAU": 10.0})
    cn = np.array(["[speed:CN]" in str(n) for n in net.link_note])
    np.testing.assert_allclose(changed.speed_kmh[cn], net.speed_kmh[cn] * 2)
    np.testing.assert_array_equal(changed.speed_kmh[~cn], net.speed_kmh[~cn])
    brest, aktau = net.index_of("BY-BREST"), net.index_of("KZ-AKTAU")
    assert changed.border_hours[brest] == pytest.approx(2 * net.border_hours[brest])
    aktau_before = np.nan_to_num(net.port_transfer_hours[aktau])
    assert changed.port_transfer_hours[aktau] == pytest.approx(aktau_before + 10)


def _items(script: ModuleType) -> list[object]:
    # Rows A and B share one segment class but want it 1x and 2x as slow: at most one fits.
    # Row C has a class of its own and fits when that class is 1.2-1.8x as slow.
    item = script.Item
    return [
        item(row=1, lo=10, hi=10, pairs=[({"run:X": 10.0}, 1.0)], inside_at_source=True),
        item(row=2, lo=20, hi=20, pairs=[({"run:X": 10.0}, 1.0)], inside_at_source=False),
        item(row=3, lo=15, hi=15, pairs=[({"run:Y": 10.0}, 1.0)], inside_at_source=False),
    ]


def test_most_rows_respects_contradictory_rows(script: ModuleType) -> None:
    items = _items(script)
    vs = script.variables(items)
    assert script._count_at(items, vs, np.ones(len(vs.names)))[0] == 1
    best = script.solve(
        items, vs, question="rows", factor=2.0, dwell_h=0.0, target=3, time_limit=30
    )
    assert best.proven == 2
    assert best.best == 2
    assert 3 in best.rows
    # Within a factor 1.1 row C cannot be reached, and only one of A and B.
    tight = script.solve(
        items, vs, question="rows", factor=1.1, dwell_h=0.0, target=3, time_limit=30
    )
    assert tight.proven == 1


def test_fewest_changes_moves_only_what_the_target_needs(script: ModuleType) -> None:
    items = _items(script)
    vs = script.variables(items)
    two = script.solve(
        items, vs, question="changes", factor=2.0, dwell_h=0.0, target=2, time_limit=30
    )
    assert two.best == 1
    assert set(script._moved(two.values)) == {"run:Y"}
    assert 1.2 <= two.values["run:Y"] <= 1.8
    three = script.solve(
        items, vs, question="changes", factor=2.0, dwell_h=0.0, target=3, time_limit=30
    )
    assert three.values == {}


def test_a_row_with_several_pairs_needs_more_than_half_of_them_inside(
    script: ModuleType,
) -> None:
    # Two pairs on different classes, 5 and 30 days; the window is 8-12 days. Their median
    # (17.5) is outside, and one pair inside is not enough: both must move.
    item = script.Item(
        row=7,
        lo=10,
        hi=10,
        pairs=[({"run:P": 5.0}, 1.0), ({"run:Q": 30.0}, 1.0)],
        inside_at_source=False,
    )
    vs = script.variables([item])
    within_2 = script.solve(
        [item], vs, question="changes", factor=2.0, dwell_h=0.0, target=1, time_limit=30
    )
    assert within_2.values == {}  # Q would need 1/2.5-1/3.75 of its time
    within_4 = script.solve(
        [item], vs, question="changes", factor=4.0, dwell_h=0.0, target=1, time_limit=30
    )
    assert within_4.best == 2
    days = [5 * within_4.values["run:P"], 30 * within_4.values["run:Q"]]
    assert 8 - 1e-6 <= float(np.median(days)) <= 12 + 1e-6
