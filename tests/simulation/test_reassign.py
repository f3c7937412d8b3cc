"""Route choice with simulated delays fed back (silkrail.simulation.reassign)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

import silkrail
from silkrail.simulation import (
    Closure,
    CorridorService,
    Scenario,
    corridor_model,
    planner_route,
    replicate,
)
from silkrail.simulation.reassign import (
    _remember,
    _scenario_for,
    _services,
    delayed_network,
    reassign,
    route_family,
)

if TYPE_CHECKING:
    from silkrail.simulation import MonteCarloResult, SimulationModel

YEAR_H = 365 * 24.0


@pytest.fixture(scope="module")
def net() -> silkrail.CorridorNetwork:
    return silkrail.load_network()


def _run(model: SimulationModel, scenario: Scenario | None) -> MonteCarloResult:
    return replicate(model, scenario=scenario, days=40, replications=2, seed=7, scheduler="serial")


def _services_xian(n: float = 8.0) -> list[CorridorService]:
    return [
        CorridorService("Xi'an", "Duisburg", trains_per_week=n, name="xian-duisburg"),
        CorridorService("Chongqing", "Warsaw", trains_per_week=n, name="ckg-warsaw"),
    ]


def _brest_trains(out: object, net: silkrail.CorridorNetwork) -> float:
    flows = out.flows  # type: ignore[attr-defined]
    model = out.model  # type: ignore[attr-defined]
    by_name = {r.name: r for r in model.routes}
    return float(
        sum(
            tpw
            for name, tpw in zip(flows["route"], flows["trains_per_week"], strict=True)
            if name and "BY-BREST" in by_name[name].node_ids
        )
    )


def test_delayed_network_adds_waits_where_the_planner_counts_them(
    net: silkrail.CorridorNetwork,
) -> None:
    link = "rail:BY-MINSK~BY-BREST"
    k = int(np.flatnonzero(net.link_id == link)[0])
    ferry = "ferry:KZ-AKTAU~AZBAK"
    f = int(np.flatnonzero(net.link_id == ferry)[0])
    half_headway = 84.0 / float(net.sailings_per_week[f])
    waits = pd.DataFrame(
        {
            "category": ["gauge", "port", "section", "section", "ferry", "ferry"],
            "mean_wait_h": [3.0, 5.0, 2.0, 6.0, half_headway + 4.0, 1.0],
        },
        index=[
            "PL-MALASZEWICZE:gauge",
            "KZ-AKTAU:port",
            f"{link}:BY-MINSK>BY-BREST",
            f"{link}:BY-BREST>BY-MINSK",
            f"{ferry}:KZ-AKTAU>AZBAK",
            f"{ferry}:AZBAK>KZ-AKTAU",
        ],
    )
    d = delayed_network(net, waits)
    mal, aktau = net.index_of("PL-MALASZEWICZE"), net.index_of("KZ-AKTAU")
    assert d.gauge_change_hours[mal] == pytest.approx(net.gauge_change_hours[mal] + 3.0)
    assert d.port_transfer_hours[aktau] == pytest.approx(
        np.nan_to_num(net.port_transfer_hours[aktau]) + 5.0
    )
    hours = net.distance_km / net.speed_kmh
    new_hours = d.distance_km / d.speed_kmh
    # A link takes the longer of its two directions' waits.
    assert new_hours[k] - hours[k] == pytest.approx(6.0)
    # A ferry: only the wait beyond the half sailing interval the planner already adds.
    assert new_hours[f] - hours[f] == pytest.approx(4.0)
    others = np.ones(len(hours), dtype=bool)
    others[[k, f]] = False
    np.testing.assert_allclose(new_hours[others], hours[others])


def test_stations_no_train_reached_keep_their_last_wait() -> None:
    known = pd.DataFrame(
        {"category": ["border", "border"], "mean_wait_h": [500.0, 3.0]},
        index=["A:border", "B:border"],
    )
    now = pd.DataFrame(
        {"category": ["border", "border"], "mean_wait_h": [0.0, 7.0], "arrivals": [0, 12]},
        index=["A:border", "B:border"],
    )
    merged = _remember(known, now)
    assert merged.loc["A:border", "mean_wait_h"] == 500.0
    assert merged.loc["B:border", "mean_wait_h"] == 7.0


def test_without_congestion_nothing_moves(net: silkrail.CorridorNetwork) -> None:
    out = reassign(net, _services_xian(2.0), _run, iterations=2)
    assert [it.moved_share for it in out.iterations] == [0.0, 0.0]
    np.testing.assert_allclose(out.flows["trains_per_week"], out.flows["initial_trains_per_week"])
    assert len(out.model.services) == 2


def test_a_closure_for_the_whole_run_moves_trains_off_it(net: silkrail.CorridorNetwork) -> None:
    closed = Scenario("brest", closures=(Closure("BY-BREST", start_hours=0.0, end_hours=YEAR_H),))
    before = reassign(net, _services_xian(), _run, scenario=closed, iterations=0)
    after = reassign(net, _services_xian(), _run, scenario=closed, iterations=2)
    assert _brest_trains(before, net) == pytest.approx(16.0)
    assert _brest_trains(after, net) < 0.5
    # Trains are moved, not lost: each service keeps its trains a week.
    per_service = after.flows.groupby("service")["trains_per_week"].sum()
    np.testing.assert_allclose(per_service.to_numpy(), [8.0, 8.0])
    assert after.iterations[0].moved_share > 0.9
    # On the planned routes the trains wait for Brest to reopen; re-routed, they do not.
    assert _mean_days(after) < 0.5 * _mean_days(before)


def _mean_days(out: object) -> float:
    rs = out.result.route_summary()  # type: ignore[attr-defined]
    done = rs["finished"].to_numpy(dtype=float)
    return float((rs["mean_days"].to_numpy() * done).sum() / done.sum())


def test_same_seed_same_flows(net: silkrail.CorridorNetwork) -> None:
    closed = Scenario("brest", closures=(Closure("BY-BREST", start_hours=0.0, end_hours=YEAR_H),))
    a = reassign(net, _services_xian(), _run, scenario=closed, iterations=1)
    b = reassign(net, _services_xian(), _run, scenario=closed, iterations=1)
    pd.testing.assert_frame_equal(a.flows, b.flows)


def test_growth_named_for_a_service_follows_all_its_routes(net: silkrail.CorridorNetwork) -> None:
    sv = CorridorService("Xi'an", "Duisburg", trains_per_week=4.0, name="x")
    north = planner_route(net, "Xi'an", "Duisburg")
    middle = planner_route(net, "Xi'an", "Duisburg", via=["Aktau"])
    flows = [{north.link_ids: 3.0, middle.link_ids: 1.0}]
    known = [{north.link_ids: (north, ""), middle.link_ids: (middle, "Middle Corridor via …")}]
    expanded, owner = _services([sv], flows, known)
    assert [s.name for s in expanded] == ["x", "x — Middle Corridor via …"]
    model = corridor_model(net, expanded)
    scenario = Scenario(
        "s",
        service_growth=(("x", 0.5),),
        closures=(
            Closure("BY-BREST", start_hours=0, end_hours=10),
            Closure("KZ-KURYK", start_hours=0, end_hours=10),
        ),
    )
    fitted = _scenario_for(scenario, model, [sv], owner)
    assert fitted is not None
    assert dict(fitted.service_growth) == {"x": 0.5, "x — Middle Corridor via …": 0.5}
    # Kuryk is on no route of the model: its closure no longer applies.
    assert [c.target for c in fitted.closures] == ["BY-BREST"]


def test_route_family(net: silkrail.CorridorNetwork) -> None:
    assert route_family(net, planner_route(net, "Xi'an", "Duisburg")) == "Northern"
    middle = planner_route(net, "Xi'an", "Duisburg", via=["Aktau", "Baku"])
    assert route_family(net, middle) == "Middle Corridor"


def test_a_service_without_trains_stays_as_it_is(net: silkrail.CorridorNetwork) -> None:
    closed = Scenario("brest", closures=(Closure("BY-BREST", start_hours=0.0, end_hours=YEAR_H),))
    services = [*_services_xian(), CorridorService("Xi'an", "Warsaw", trains_per_week=0.0)]
    out = reassign(net, services, _run, scenario=closed, iterations=1)
    idle = out.flows[out.flows["service"] == "CN-XIAN>PL-WARSAW"]
    assert idle["trains_per_week"].tolist() == [0.0]


def test_negative_iterations_are_refused(net: silkrail.CorridorNetwork) -> None:
    with pytest.raises(ValueError, match="iterations"):
        reassign(net, _services_xian(), _run, iterations=-1)
