"""Network v2 (#12): the places a forwarder names resolve, and routes take the line a train
would take (detour index of the first land route between the busiest terminals)."""

from __future__ import annotations

import itertools
import statistics
from importlib import resources

import pandas as pd
import pytest

import silkrail
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


# Pairs whose first route is above 1.5 because the real line is: each names why. Their cap
# keeps a network gap from hiding behind the exception.
LONG_BY_GEOGRAPHY = {
    # Rail goes round the Bohai Sea via Tianjin (Jinghu and Jingshan lines): 1.59.
    frozenset({"CN-YIWU", "CN-SHENYANG"}): 1.62,
    # Chongqing-Huaihua, Huaihua-Hengyang, Beijing-Guangzhou line over the mountains: 1.50.
    frozenset({"CNCKG", "CNCAN"}): 1.52,
}


def test_first_land_routes_between_the_busiest_terminals_take_no_detour(
    net: silkrail.CorridorNetwork,
) -> None:
    # Issue #12: every pair <= 1.5 and the median <= 1.3. Met except where the line a train takes
    # is itself longer (LONG_BY_GEOGRAPHY) and for Baku, whose first route goes round the
    # Caspian by rail through Russia (faster and cheaper than the ferry in the data): there a
    # Middle Corridor option across the Caspian, where the plan offers one, is within 1.5.
    terminals = _busiest_terminals(30)
    assert len(terminals) >= 15
    detours, worst = [], []
    for a, b in itertools.combinations(terminals, 2):
        result = silkrail.plan(net, a, b, modes=["rail", "ferry", "road"], depart="2025-06-01")
        for shown in result.routes:  # no option shown visits a node twice
            assert len(set(shown.nodes)) == len(shown.nodes), (a, b, shown.nodes)
        route = result.routes[0]
        detours.append(route.detour_index)
        if route.detour_index <= 1.5:
            continue
        cap = LONG_BY_GEOGRAPHY.get(frozenset({a, b}))
        if "AZBAK" in (a, b) and family_of_label(route.label) == CorridorFamily.NORTHERN:
            across = [
                r.detour_index
                for r in result.routes
                if family_of_label(r.label) == CorridorFamily.MIDDLE
            ]
            ok = route.detour_index <= 1.6 and min(across, default=1.0) <= 1.5
        else:
            ok = cap is not None and route.detour_index <= cap
        if not ok:
            worst.append((a, b, round(route.detour_index, 3), route.label))
    assert not worst, worst
    assert statistics.median(detours) <= 1.3


def test_mersin_piraeus_sails_the_mediterranean_without_a_canal(
    net: silkrail.CorridorNetwork,
) -> None:
    result = silkrail.plan(net, "Mersin", "Piraeus", modes=["sea"], avoid_countries=["EG"])
    route = result.routes[0]
    assert not any(n.startswith("EG-") for n in route.nodes)
    assert route.distance_km < 1_400
