"""Network v2 (#12): the places a forwarder names resolve, and routes take the line a train
would take (detour index of the first land route between the busiest terminals)."""

from __future__ import annotations

import itertools
import statistics
from importlib import resources

import pandas as pd
import pytest

import silkrail
from silkrail.routing.detours import PLAUSIBLE_DETOUR, PLAUSIBLE_GC_RATIO
from silkrail.routing.families import CorridorFamily, family_of_label

PLACES = (
    # Europe, sea ports
    "Gdańsk", "Gdynia", "Hamburg", "Bremerhaven", "Rotterdam", "Antwerp", "Zeebrugge",
    "Felixstowe", "Le Havre", "Valencia", "Barcelona", "Genoa", "La Spezia", "Trieste", "Koper",
    "Piraeus", "Thessaloniki", "Constanța",
    # Europe, inland hubs
    "Duisburg", "Venlo", "Tilburg", "Mannheim", "Nuremberg", "Lyon", "Paris", "Milan", "Verona",
    "Vienna", "Budapest", "Prague", "Łódź", "Kutno", "Warsaw", "Małaszewicze", "Kouvola",
    "Kaliningrad",
    # Central Asia and Iran
    "Dushanbe", "Bishkek", "Osh", "Kashgar", "Samarkand", "Navoi", "Termez", "Mashhad",
    "Sarakhs", "Bandar Abbas",
    # China
    "Qingdao", "Tianjin", "Dalian", "Shenzhen", "Guangzhou", "Xiamen", "Changsha", "Hefei",
    "Jinhua",
    # other spellings and scripts a forwarder types
    "Gdansk", "Constanta", "Lodz", "Malaszewicze", "Душанбе", "青岛", "Antwerpen", "Genova",
    "Wien", "Praha", "Milano",
    # issue #12, list B: Pakistan, Afghanistan, western China, Asian sea ports, Hanoi, Vientiane
    "Port Qasim", "Sher Khan Bandar", "Dunhuang", "Nyingchi", "Busan", "Hong Kong", "Tokyo",
    "Yokohama", "Jebel Ali", "Dubai", "Mundra", "Nhava Sheva", "JNPT", "Mumbai", "Colombo",
    "Port Klang", "Hanoi", "Vientiane",
    # the longer list (issue #12): island and Atlantic ports, Chop, Kazakh stations, Anaklia
    "Cagliari", "Heraklion", "Limassol", "Malta Freeport", "Marsaxlokk", "Santander", "Almería",
    "Holyhead", "Esbjerg", "Chop", "Oskemen", "Ust-Kamenogorsk", "Öskemen", "Усть-Каменогорск",
    "Өскемен", "Ekibastuz", "Zhetygen", "Anaklia",
)  # fmt: skip


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


def test_the_network_has_grown_to_its_v2_size(net: silkrail.CorridorNetwork) -> None:
    assert net.n_nodes >= 450
    assert net.n_links >= 700


@pytest.mark.parametrize("place", PLACES)
def test_every_named_place_resolves(net: silkrail.CorridorNetwork, place: str) -> None:
    silkrail.locate(net, place)


def _busiest_terminals(n: int) -> list[str]:
    """The `n` busiest terminals of the packaged demand table (it names fewer than 30)."""
    path = resources.files("silkrail.datasets") / "demand" / "services_2024.csv"
    with path.open(encoding="utf-8") as fh:
        services = pd.read_csv(fh)
    trains = pd.concat(
        [
            services.groupby("origin_id")["trains_per_year"].sum(),
            services.groupby("destination_id")["trains_per_year"].sum(),
        ]
    )
    return list(trains.groupby(level=0).sum().sort_values(ascending=False).index[:n])


# Pairs whose first land route is above 1.5, each named with why and capped a little above its
# measured detour (docs/network-v2/detours.md), so a network gap cannot hide behind the exception.
LONG_BY_GEOGRAPHY = {
    # The straight line crosses the Yellow Sea; rail goes round the Bohai Sea via Tianjin
    # (Jinghu and Jingshan lines): 1.594. The Yantai-Dalian train ferry with the Jiaozhou-Xinyi
    # line would make 1.48, but with the dataset's rail-ferry cycle (Kuryk, 7 h a side) it is
    # 14 h slower even if free, and no source gives its tariff: not added.
    frozenset({"CN-YIWU", "CN-SHENYANG"}): 1.60,
    # The Taihang mountains: the Taiyuan-Jiaozuo (Taijiao) line is 434 km published for 299 km
    # of great circle (1.45 on its own): 1.532. The other way, by Shijiazhuang and the
    # Shitai line, is 1.71. (Taiyuan is among the busiest terminals since the Datong-Taiyuan
    # line made it the Chinese terminal nearest Erenhot, where it took Beijing's place.)
    frozenset({"CN-ZHENGZHOU", "CN-TAIYUAN"}): 1.54,
    # Warsaw-Baku runs Brest-Moscow-Saratov-Astrakhan-Makhachkala round the Caucasus (1.503 at
    # C 1.1979): the lines through Ukraine to Russia are closed since 2022, and the way by sea
    # from Constanta to Poti is longer (1.68). It crossed 1.5 when C rose with the Atlantic
    # corridor's published lengths (1.4988 at C 1.1936).
    frozenset({"PL-WARSAW", "AZBAK"}): 1.51,
}
# (Chongqing-Guangzhou left this list at 1.496: Chongqing-Huaihua 624.5 km, Huaihua-Hengyang
# 318 km and Hengyang-Guangzhou 521 km, all published, so the general rule holds it to 1.5.)
# China-Baku: the first route goes round the Caspian by rail through Russia, 2.1 days faster
# (mean; the Russian lines south of Astrakhan at the Helsinki-Astara train's 22.4 km/h) and about
# 830 USD cheaper in the data than the Aktau feeder (with ASCO's container tariff,
# 1,200 USD a 40-ft box), whose time agrees with the published China-Baku transit times; the
# Middle Corridor option shown in the same plan must be within 1.5. Measured at C 1.1979:
# 1.608, 1.543, 1.528, 1.504, Taiyuan-Baku 1.5001 (Shijiazhuang-Baku 1.497).
ROUND_THE_CASPIAN = {
    frozenset({"CN-URUMQI", "AZBAK"}): 1.62,
    frozenset({"CNCTU", "AZBAK"}): 1.55,
    frozenset({"CN-HARBIN", "AZBAK"}): 1.54,
    frozenset({"CN-SHIJIAZHUANG", "AZBAK"}): 1.52,
    frozenset({"CNCAN", "AZBAK"}): 1.51,
    frozenset({"CN-TAIYUAN", "AZBAK"}): 1.51,
}


def _first_land_route(result: silkrail.RoutePlan) -> silkrail.Route | None:
    """The best row of a default plan that makes no deep-sea voyage (trucks only for the first
    and last mile, as by default; `--modes road` lets them compete on the trunk)."""
    return next((r for r in result.routes if "sea" not in r.modes), None)


def test_first_land_routes_between_the_busiest_terminals_take_no_detour(
    net: silkrail.CorridorNetwork,
) -> None:
    # Issue #12: every pair <= 1.5 and the median <= 1.3. Met except where the line a train takes
    # is itself longer (LONG_BY_GEOGRAPHY) and for the China-Baku pairs of ROUND_THE_CASPIAN.
    terminals = _busiest_terminals(30)
    assert len(terminals) >= 15
    detours, worst = [], []
    for a, b in itertools.combinations(terminals, 2):
        result = silkrail.plan(net, a, b, depart="2025-06-01")
        for shown in result.routes:  # no option shown visits a node twice
            assert len(set(shown.nodes)) == len(shown.nodes), (a, b, shown.nodes)
        route = _first_land_route(result)
        assert route is not None, (a, b)
        detours.append(route.detour_index)
        if route.detour_index <= 1.5:
            continue
        pair = frozenset({a, b})
        if pair in ROUND_THE_CASPIAN:
            across = [
                r.detour_index
                for r in result.routes
                if family_of_label(r.label) == CorridorFamily.MIDDLE
            ]
            ok = (
                family_of_label(route.label) == CorridorFamily.NORTHERN
                and route.detour_index <= ROUND_THE_CASPIAN[pair]
                and bool(across)
                and min(across) <= 1.5
            )
        else:
            cap = LONG_BY_GEOGRAPHY.get(pair)
            ok = cap is not None and route.detour_index <= cap
        if not ok:
            worst.append((a, b, round(route.detour_index, 3), route.label))
    assert not worst, worst
    assert statistics.median(detours) <= 1.3


def test_no_option_shown_by_default_takes_a_land_detour_above_2(
    net: silkrail.CorridorNetwork,
) -> None:
    # Issue #12, "no option shown by default has a detour index above 2", with the rule of
    # docs/cli.md: a route without a deep-sea voyage is held to its detour index; a route with
    # one to the detour index of its land stretches (ships sail round continents: the Cape is
    # ~3.4 by nature) and to a generalized cost at most twice the best row's.
    terminals = _busiest_terminals(30)
    shown = sea = 0
    for a, b in itertools.combinations(terminals, 2):
        result = silkrail.plan(net, a, b, depart="2025-06-01")
        best = result.routes[0]
        for r in result.routes:
            shown += 1
            assert r.land_detour_index <= PLAUSIBLE_DETOUR, (a, b, r.label)
            if "sea" in r.modes:
                sea += 1
                assert r.generalized_cost <= PLAUSIBLE_GC_RATIO * best.generalized_cost
            else:
                assert r.detour_index == pytest.approx(r.land_detour_index), (a, b, r.label)
    assert shown > 200
    assert sea > 50  # the sea options stay in view


def test_implausible_rows_only_on_request(net: silkrail.CorridorNetwork) -> None:
    # Beijing -> Baku by Zabaikalsk, Moscow and Astrakhan (detour 2.03) is a Pareto route (the
    # least CO2e) but no choice a forwarder weighs; nor is the sea round the Cape to Poti.
    default = silkrail.plan(net, "CN-BEIJING", "AZBAK", depart="2025-06-01")
    assert not any("Zabaikalsk" in r.label or "Cape" in r.label for r in default.routes)
    everything = silkrail.plan(net, "CN-BEIJING", "AZBAK", depart="2025-06-01", compare="all")
    zabaikalsk = [r for r in everything.routes if "Zabaikalsk" in r.label]
    assert zabaikalsk
    assert zabaikalsk[0].detour_index > PLAUSIBLE_DETOUR


def test_mersin_piraeus_sails_the_mediterranean_without_a_canal(
    net: silkrail.CorridorNetwork,
) -> None:
    result = silkrail.plan(net, "Mersin", "Piraeus", modes=["sea"], avoid_countries=["EG"])
    route = result.routes[0]
    assert not any(n.startswith("EG-") for n in route.nodes)
    assert route.distance_km < 1_400


# Issue #12, list B: the Asian sea ports hang off the lanes of the sea waypoints as dead ends.
NEW_SEA_PORTS = (
    "PK-PORT-QASIM", "KR-BUSAN", "HK-HONG-KONG", "JP-TOKYO", "JP-YOKOHAMA", "AE-JEBEL-ALI",
    "IN-MUNDRA", "IN-NHAVA-SHEVA", "LK-COLOMBO", "MY-PORT-KLANG",
)  # fmt: skip


def test_a_new_sea_port_is_no_shortcut_between_its_neighbours() -> None:
    # Through a port with two or more lanes a ship could sail from one neighbour to another:
    # every such pair must be longer than the lane that already joins those two neighbours, so
    # the port takes no voyage from the existing lanes (docs/data.md, list B).
    path = resources.files("silkrail.datasets") / "corridors" / "links.csv"
    with path.open(encoding="utf-8") as fh:
        links = pd.read_csv(fh, usecols=["from_id", "to_id", "mode", "distance_km"])
    sea = links[links["mode"] == "sea"]
    km = {frozenset((a, b)): d for a, b, d in sea[["from_id", "to_id", "distance_km"]].values}
    checked = 0
    for port in NEW_SEA_PORTS:
        lanes = {next(iter(pair - {port})): d for pair, d in km.items() if port in pair}
        assert lanes, port
        for (x, dx), (y, dy) in itertools.combinations(lanes.items(), 2):
            assert not set(lanes) & set(NEW_SEA_PORTS), port  # neighbours are old waypoints
            direct = km[frozenset((x, y))]
            assert dx + dy > direct, (port, x, y, dx + dy, direct)
            checked += 1
    assert checked >= 10


def test_busan_to_duisburg_shows_a_sea_option(net: silkrail.CorridorNetwork) -> None:
    routes = silkrail.plan(net, "Busan", "Duisburg", depart="2025-06-01").routes
    assert routes
    for r in routes:  # Busan has sea lanes only: every option sails from it
        assert (r.legs[0].from_id, r.legs[0].mode) == ("KR-BUSAN", "sea")
    assert any(r.label.startswith("Sea via") and "(Busan–" in r.label for r in routes)


def test_nyingchi_to_lhasa_goes_by_rail(net: silkrail.CorridorNetwork) -> None:
    route = silkrail.plan(net, "Nyingchi", "Lhasa", depart="2025-06-01").routes[0]
    assert route.nodes == ("CN-NYINGCHI", "CN-LHASA")
    assert route.modes == ("rail",)


@pytest.mark.parametrize(
    ("origin", "node", "hub", "mode"),
    [("Port Qasim", "PK-PORT-QASIM", ("SG-SINGAPORE", "OM-HORMUZ"), "sea"),
     ("Sher Khan Bandar", "AF-SHER-KHAN-BANDAR", ("AF-KUNDUZ",), "road"),
     ("Dunhuang", "CN-DUNHUANG", ("CN-HAMI",), "rail"),
     ("Hanoi", "VN-HANOI", ("CN-YOUYIGUAN",), "road"),
     ("Vientiane", "LA-VIENTIANE", ("CN-MOHAN",), "rail"),
     ("Jebel Ali", "AE-JEBEL-ALI", ("OM-HORMUZ",), "sea")],
)  # fmt: skip
def test_a_new_place_is_planned_from_its_hub(
    net: silkrail.CorridorNetwork, origin: str, node: str, hub: tuple[str, ...], mode: str
) -> None:
    routes = silkrail.plan(net, origin, "Duisburg", depart="2025-06-01").routes
    assert routes
    for r in routes:  # a dead end: every option leaves by its one way out
        first = r.legs[0]
        assert (first.from_id, first.mode) == (node, mode)
        assert first.to_id in hub
