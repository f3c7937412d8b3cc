"""Issue #12 items 3 and 4 on the packaged network: simple paths, via labels, the detour
index, plausible comparison options, folded variants and container sizes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from silkrail import CorridorNetwork, NoRouteError, Route, load_network, plan
from silkrail.datasets.parameters import planning_parameter
from silkrail.network import great_circle_km
from silkrail.routing.detours import PLAUSIBLE_DETOUR
from silkrail.routing.families import family_of_label
from silkrail.routing.plan import FOLD_SHARE, _shared_share, _variant_of

PLACES = ["Chongqing", "Xi'an", "Yiwu", "Khorgos", "Almaty", "Duisburg", "Madrid", "Tbilisi",
          "Małaszewicze", "Budapest", "Istanbul", "Rotterdam"]  # fmt: skip


@pytest.fixture(scope="module")
def net() -> CorridorNetwork:
    return load_network()


def _all_routes(routes: tuple[Route, ...]) -> list[Route]:
    return [v for r in routes for v in (r, *r.variants)]


def _assert_simple(r: Route) -> None:
    repeated = sorted({n for n in r.nodes if r.nodes.count(n) > 1})
    assert not repeated, f"{r.label} visits {repeated} twice"


@pytest.mark.parametrize(
    ("origin", "destination", "options"),
    [
        ("Khorgos", "Duisburg", {"via": ["Khorgos", "Aktau"]}),
        ("Xi'an", "Duisburg", {"avoid_countries": ["RU", "BY"], "via": ["Poti"]}),
        ("Chongqing", "Duisburg", {"via": ["Aktau"]}),
        ("Yiwu", "Madrid", {"via": ["Baku"]}),
    ],
)
def test_a_via_is_never_met_by_a_spur_and_is_named(
    net: CorridorNetwork, origin: str, destination: str, options: dict[str, list[str]]
) -> None:
    result = plan(net, origin, destination, variants=True, **options)  # type: ignore[arg-type]
    vias = [v for v in options["via"] if v != origin]
    for r in _all_routes(result.routes):
        _assert_simple(r)
        for v in vias:
            assert v in r.label, r.label


def test_no_route_visits_a_node_twice(net: CorridorNetwork) -> None:
    checked = 0
    for origin, destination in itertools.permutations(PLACES, 2):
        if (PLACES.index(origin) + 3 * PLACES.index(destination)) % 4:
            continue  # a quarter of the pairs keeps the test fast
        try:
            result = plan(net, origin, destination, variants=True, compare="all")
        except NoRouteError:
            continue
        for r in _all_routes(result.routes):
            _assert_simple(r)
            checked += 1
    assert checked > 60


def test_detour_index_is_route_km_over_great_circle_km(net: CorridorNetwork) -> None:
    result = plan(net, "Chongqing", "Duisburg")
    o, d = result.origin, result.destination
    crow = float(great_circle_km(np.array([o.lat]), np.array([o.lon]),
                                 np.array([d.lat]), np.array([d.lon]))[0])  # fmt: skip
    for r in result.routes:
        assert r.detour_index == pytest.approx(r.distance_km / crow)
        assert r.detour_index > 1.0
        assert r.to_dict()["detour_index"] == round(r.detour_index, 3)


def test_absurd_comparison_option_only_on_request(net: CorridorNetwork) -> None:
    # Kashgar -> Tashkent by the Northern route (via Dostyk and Russia) is a detour of 10x.
    default = plan(net, "Kashgar", "Tashkent")
    assert not any(r.label.startswith("Northern") for r in default.routes)
    everything = plan(net, "Kashgar", "Tashkent", compare="all")
    northern = [r for r in everything.routes if r.label.startswith("Northern")]
    assert northern
    assert northern[0].detour_index > PLAUSIBLE_DETOUR
    with pytest.raises(ValueError, match="unknown compare 'some'"):
        plan(net, "Kashgar", "Tashkent", compare="some")


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("Almaty", "Tbilisi"), ("Chongqing", "Duisburg"), ("Yiwu", "Madrid"), ("Xi'an", "Budapest"),
     ("Khorgos", "Istanbul"), ("Chongqing", "Rotterdam")],
)  # fmt: skip
def test_default_rows_are_distinct_and_comparisons_plausible(
    net: CorridorNetwork, origin: str, destination: str
) -> None:
    result = plan(net, origin, destination)
    for pair in itertools.combinations(result.routes, 2):
        better, worse = sorted(pair, key=lambda r: r.generalized_cost)
        # Rows of two corridor families are distinct choices even where they share most km
        # (Chengdu -> Baku round the Caspian or across it).
        if family_of_label(better.label) == family_of_label(worse.label):
            assert not _variant_of(better, worse), (better.label, worse.label)
    for r in result.routes[1:]:  # rows after the best and comparison options alike
        assert r.land_detour_index <= PLAUSIBLE_DETOUR, r.label


def test_yiwu_madrid_folds_the_northern_variants(net: CorridorNetwork) -> None:
    # All-rail Northern rows: one per border crossing into Russia (Kazakhstan, Mongolia), the
    # variants that differ by one crossing further west folded into them.
    def all_rail(routes: tuple[Route, ...]) -> list[Route]:
        return [r for r in routes if r.label.startswith("Northern") and "then" not in r.label]

    result = plan(net, "Yiwu", "Madrid")
    northern = all_rail(result.routes)
    assert 1 <= len(northern) <= 2
    assert len({r.label.split("–")[0] for r in northern}) == len(northern)
    assert all(r.variants == () for r in northern)
    full = plan(net, "Yiwu", "Madrid", variants=True)
    row = all_rail(full.routes)[0]
    assert len(row.variants) >= 3
    assert all(v.label.startswith("Northern") for v in row.variants)
    assert all(v.generalized_cost >= row.generalized_cost * 0.99 for v in row.variants)
    # The JSON lists them, without legs.
    variants = row.to_dict()["variants"]
    assert len(variants) == len(row.variants)
    assert variants[0]["legs"] == []


def test_shared_share_counts_km_over_the_same_links(net: CorridorNetwork) -> None:
    result = plan(net, "Yiwu", "Madrid", variants=True)
    row = result.routes[0]
    assert _shared_share(row, row) == pytest.approx(1.0)
    for v in row.variants:
        assert 0.0 < _shared_share(row, v) <= 1.0
    assert FOLD_SHARE == 0.8


def test_twenty_foot_price_follows_the_documented_ratios(net: CorridorNetwork) -> None:
    forty = plan(net, "Chongqing", "Duisburg", container="40", cargo_tonnes=10.0)
    twenty = plan(net, "Chongqing", "Duisburg", container="20", cargo_tonnes=10.0)
    ratio = {
        "rail": planning_parameter("teu_feu_price_ratio_rail"),
        "road": planning_parameter("teu_feu_price_ratio_rail"),
        "sea": planning_parameter("teu_feu_price_ratio_sea"),
        "ferry": planning_parameter("teu_feu_price_ratio_sea"),
        "handling": planning_parameter("teu_feu_price_ratio_handling"),
    }
    assert twenty.constraints["container"] == "20"
    by_label = {r.label: r for r in forty.routes}
    matched = 0
    for r in twenty.routes:
        assert r.container == "20"
        expected = sum(
            leg.cost_usd * ratio[leg.mode if leg.kind == "travel" else "handling"] for leg in r.legs
        )
        assert r.cost_usd_per_container == pytest.approx(expected)
        assert r.cost_usd_per_container < r.cost_usd_per_feu
        if r.label in by_label:
            big = by_label[r.label]
            assert big.container == "40"
            assert big.cost_usd_per_container == pytest.approx(big.cost_usd_per_feu)
            assert r.cost_usd_per_feu == pytest.approx(big.cost_usd_per_feu)
            share = r.cost_usd_per_container / big.cost_usd_per_container
            assert min(ratio.values()) <= share <= max(ratio.values())
            matched += 1
    assert matched >= 2
    d = twenty.routes[0].to_dict()
    assert d["container"] == "20"
    assert d["cost_usd_per_container"] == round(twenty.routes[0].cost_usd_per_container, 2)


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("Hamburg", "Almaty"), ("Shenzhen", "Novosibirsk"), ("Shanghai", "Duisburg")],
)
def test_a_sea_route_names_a_land_part_through_russia_or_the_south(
    net: CorridorNetwork, origin: str, destination: str
) -> None:
    # A label that names only the voyage must not hide thousands of km of rail through
    # Russia (Hamburg by sea to Saint Petersburg, then rail to Almaty), while a haul inland
    # from Rotterdam to Duisburg stays unnamed.
    flagged = {"RU", "BY", "IR", "TM", "UZ", "KG", "AF"}
    seen = 0
    for r in _all_routes(plan(net, origin, destination, compare="all", variants=True).routes):
        if not r.label.startswith("Sea"):
            continue
        travel = [leg for leg in r.legs if leg.kind == "travel"]
        last_sea = max(i for i, leg in enumerate(travel) if leg.mode == "sea")
        ashore = travel[last_sea + 1 :]
        countries = {net.country_of[leg.to_id] for leg in ashore}
        if ashore:
            countries.add(net.country_of[ashore[0].from_id])
        if countries & flagged:
            seen += 1
            assert ", then " in r.label, r.label
        elif len(countries) <= 1:
            assert ", then " not in r.label, r.label
    assert seen
