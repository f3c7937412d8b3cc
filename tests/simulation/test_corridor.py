"""Corridor models built from the network: toy corridor, explicit routes, the packaged year."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

import silkrail
from silkrail.errors import NoRouteError, UnknownLocationError
from silkrail.simulation import (
    CorridorRoute,
    CorridorService,
    Ferry,
    Section,
    ServerStation,
    corridor_model,
    corridor_path,
    default_services,
    simulate,
)

if TYPE_CHECKING:
    from pathlib import Path

    from silkrail.simulation import SimulationResult


@pytest.fixture
def toy(toy_dir: Path) -> silkrail.CorridorNetwork:
    return silkrail.read_network(toy_dir)


def test_toy_route_has_borders_gauge_change_and_sections(toy: silkrail.CorridorNetwork) -> None:
    model = corridor_model(toy, [CorridorService("Alpha", "Epsilon Port", trains_per_week=7)])
    route = model.routes[0]
    assert route.stations == (
        "T1:CN-ALPHA>CN-BETA",
        "CN-BETA:border",
        "T2:CN-BETA>KZ-GAMMA",
        "KZ-GAMMA:border",
        "KZ-GAMMA:gauge",
        "T3:KZ-GAMMA>KZ-DELTA",
        "T4:KZ-DELTA>KZ-EPSILON",
    )
    assert route.node_ids == ("CN-ALPHA", "CN-BETA", "KZ-GAMMA", "KZ-DELTA", "KZ-EPSILON")
    st = {s.name: s for s in model.stations}
    border = st["CN-BETA:border"]
    assert isinstance(border, ServerStation)
    assert (border.servers, border.hours, border.cv) == (2, 6.0, 0.5)
    # Gamma: 760 FEU/day, 4.25 h per 50-FEU train -> round(2.69) = 3 tracks; each track
    # moves 760 / 24 / 3 FEU an hour.
    yard = st["KZ-GAMMA:gauge"]
    assert isinstance(yard, ServerStation)
    assert yard.servers == 3
    assert yard.hours_per_feu == pytest.approx(3 * 24 / 760)
    assert yard.usd_per_feu == 120
    t1 = st["T1:CN-ALPHA>CN-BETA"]
    assert isinstance(t1, Section)
    assert (t1.trains_per_day, t1.hours, t1.cv, t1.distance_km) == (30, 477 / 40, 0.2, 477)


def test_both_directions_share_node_stations_not_sections(toy: silkrail.CorridorNetwork) -> None:
    model = corridor_model(
        toy,
        [
            CorridorService("CN-ALPHA", "KZ-DELTA", trains_per_week=7),
            CorridorService("KZ-DELTA", "CN-ALPHA", trains_per_week=7),
        ],
    )
    a, b = (set(r.stations) for r in model.routes)
    assert a & b == {"CN-BETA:border", "KZ-GAMMA:border", "KZ-GAMMA:gauge"}
    assert "T1:CN-BETA>CN-ALPHA" in b


def test_toy_run_reports_cpmm_indicators(toy: silkrail.CorridorNetwork) -> None:
    model = corridor_model(toy, [CorridorService("Alpha", "Epsilon Port", trains_per_week=14)])
    res = simulate(model, days=200, seed=4)
    borders = res.border_stats().to_frame()
    assert borders.index.tolist() == ["CN-BETA", "KZ-GAMMA"]
    assert borders.loc["KZ-GAMMA", "usd_per_feu"] == 120
    assert borders.loc["CN-BETA", "mean_clear_h"] >= 6.0 * 0.9
    routes = res.route_stats().to_frame()
    r = routes.iloc[0]
    assert r["distance_km"] == 477 + 12 + 310 + 2700
    assert 0 < r["swd_kmh"] < r["swod_kmh"]
    # Without delay the speed is the distance over the mean running time, about 48 km/h.
    run_h = 477 / 40 + 12 / 20 + 310 / 60 + 2700 / 50
    assert r["swod_kmh"] == pytest.approx(3499 / run_h, rel=0.03)


def test_explicit_route_and_errors(toy: silkrail.CorridorNetwork) -> None:
    path = corridor_path(toy, "Alpha", "Delta")
    assert path == CorridorRoute(
        ("CN-ALPHA", "CN-BETA", "KZ-GAMMA", "KZ-DELTA"), ("T1", "T2", "T3")
    )
    model = corridor_model(toy, [CorridorService("x", "y", trains_per_week=1, route=path)])
    assert model.routes[0].origin == "CN-ALPHA"
    with pytest.raises(ValueError, match="unknown link"):
        corridor_model(
            toy,
            [
                CorridorService(
                    "a",
                    "b",
                    trains_per_week=1,
                    route=CorridorRoute(("CN-ALPHA", "CN-BETA"), ("T9",)),
                )
            ],
        )
    with pytest.raises(ValueError, match="does not join"):
        corridor_model(
            toy,
            [
                CorridorService(
                    "a",
                    "b",
                    trains_per_week=1,
                    route=CorridorRoute(("CN-ALPHA", "CN-BETA"), ("T3",)),
                )
            ],
        )
    with pytest.raises(ValueError, match="one link fewer"):
        CorridorRoute(("CN-ALPHA",), ())
    with pytest.raises(UnknownLocationError):
        corridor_path(toy, "Alpha", "Atlantis")


def test_no_path_raises_no_route(toy_dir: Path) -> None:
    links = toy_dir / "links.csv"
    text = links.read_text(encoding="utf-8").replace(
        ",open,,toy,great-circle", ",planned,2030,toy,great-circle"
    )
    links.write_text(text, encoding="utf-8")
    net = silkrail.read_network(toy_dir)
    with pytest.raises(NoRouteError, match="no open path"):
        corridor_path(net, "Alpha", "Epsilon Port")


def test_default_services_resolve_on_the_packaged_network() -> None:
    net = silkrail.load_network()
    services = default_services()
    assert len(services) > 100
    assert all(s.route is not None for s in services)
    model = corridor_model(net, services)
    assert any(isinstance(s, Ferry) for s in model.stations)
    assert {s.category for s in model.stations} >= {"border", "gauge", "port", "section", "ferry"}


@pytest.fixture(scope="module")
def year_2024() -> tuple[silkrail.CorridorNetwork, SimulationResult]:
    net = silkrail.load_network()
    return net, simulate(corridor_model(net, default_services()), days=365, seed=2024)


def test_a_year_of_the_corridor_at_2024_volume(
    year_2024: tuple[silkrail.CorridorNetwork, SimulationResult],
) -> None:
    net, res = year_2024
    # 19,392 trains a year in the sourced table; Poisson and timetable releases vary a little.
    assert 18_900 < res.n_trains < 19_900
    finished = np.isfinite(res.train_finish_h)
    assert finished.mean() > 0.99
    routes = res.route_stats().to_frame()
    # China–Europe block trains through the Xinjiang gateways take one to three weeks.
    eu_ids = {silkrail.locate(net, n).id for n in ("Duisburg", "Warsaw")}
    eu = routes[
        routes["destination"].isin(eu_ids)
        & routes.index.str.contains("CN-ALASHANKOU|CN-KHORGOS")
        & (routes["trains"] >= 10)
    ]
    assert len(eu) >= 4
    assert eu["p50_days"].between(7, 25).all()
    ok = routes["trains"] > 0
    assert (routes.loc[ok, "p95_days"] >= routes.loc[ok, "p50_days"]).all()


def test_no_station_is_saturated_by_the_sourced_demand(
    year_2024: tuple[silkrail.CorridorNetwork, SimulationResult],
) -> None:
    _, res = year_2024
    stations = res.station_stats().to_frame()
    saturated = stations[stations["utilization"] > 0.95].index.tolist()
    assert saturated == []


def test_station_stats_when_nobody_queued(toy_dir: Path) -> None:
    # Regression: the queue-length sweep failed on a run in which no train ever waited.
    net = silkrail.read_network(toy_dir)
    spec = silkrail.scenario_from_dict(
        {"services": [{"origin": "Alpha", "destination": "Epsilon", "trains_per_week": 1}]}
    )
    result = silkrail.simulate(spec.build_model(net), days=20, seed=1)
    stats = result.station_stats().to_frame()
    assert len(stats) > 0
    assert (stats["max_queue"] == 0).all()


def test_truck_lift_station_where_road_meets_rail(toy_road_dir: Path) -> None:
    net = silkrail.read_network(toy_road_dir)
    # Zeta by rail to Alpha, by truck to Delta, by rail to Epsilon: a lift at each end of R3.
    path = CorridorRoute(("CN-ZETA", "CN-ALPHA", "KZ-DELTA", "KZ-EPSILON"), ("T0", "R3", "T4"))
    model = corridor_model(net, [CorridorService("z", "e", trains_per_week=1, route=path)])
    names = model.routes[0].stations
    assert names[1] == "CN-ALPHA:lift"
    assert names[3] == "KZ-DELTA:lift"
    lifts = {s.name: s for s in model.stations if s.category == "lift"}
    assert isinstance(lifts["KZ-DELTA:lift"], ServerStation)
    assert (lifts["KZ-DELTA:lift"].hours, lifts["KZ-DELTA:lift"].usd_per_feu) == (1.0, 80.0)
    # No lift where a truck only passes: Door -> Alpha -> Delta stays on the road.
    road = CorridorRoute(("CN-DOOR", "CN-ALPHA", "KZ-DELTA"), ("R1", "R3"))
    model = corridor_model(net, [CorridorService("d", "t", trains_per_week=1, route=road)])
    assert not [s for s in model.stations if s.category == "lift"]
