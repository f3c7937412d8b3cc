"""Hand-computed cases: sections, ferries (batch service), closures, capacity, demand."""

from __future__ import annotations

import numpy as np
import pytest

from silkrail.errors import ScenarioError
from silkrail.simulation import (
    CapacityChange,
    Closure,
    Ferry,
    FerryChange,
    Route,
    Scenario,
    Section,
    ServerStation,
    SimulationModel,
    TrainService,
    queue_model,
    simulate,
)


def timetable(stations, departures, *, feu=30.0, scenario=None, days=3.0):
    model = SimulationModel(
        stations=tuple(stations),
        routes=(Route("r", tuple(s.name for s in stations)),),
        services=(
            TrainService(
                "r", trains_per_week=0.0, random_share=0.0, departures=departures, feu=feu
            ),
        ),
    )
    return simulate(model, days=days, seed=0, scenario=scenario)


def det_ferry(**kw) -> Ferry:
    return Ferry("f", distribution="deterministic", **kw)


def test_section_spaces_trains_by_the_headway() -> None:
    s = Section("s", trains_per_day=12.0, hours=5.0, distribution="deterministic")
    res = timetable([s], (0.0, 0.0, 0.0, 9.0))
    np.testing.assert_array_equal(res.start_h, [0.0, 2.0, 4.0, 9.0])
    np.testing.assert_array_equal(res.depart_h, [5.0, 7.0, 9.0, 14.0])
    np.testing.assert_array_equal(res.train_finish_h, [5.0, 7.0, 9.0, 14.0])


def test_scheduled_ferry_splits_trains_over_sailings() -> None:
    # Vessel 50 FEU, sailing every 24 h from 0, crossing 12 h; trains of 30 FEU at 5, 15, 25,
    # 35 h. Sailing 24 h takes A (30) and 20 of B; 48 h takes B's last 10, C (30), 10 of D;
    # 72 h takes D's last 20.
    f = det_ferry(vessel_feu=50, hours=12, interval_hours=24)
    res = timetable([f], (5.0, 15.0, 25.0, 35.0))
    np.testing.assert_array_equal(res.start_h, [24.0, 48.0, 48.0, 72.0])
    np.testing.assert_array_equal(res.train_finish_h, [36.0, 60.0, 60.0, 84.0])
    sail = res.sailings_frame()
    assert sail["sail_h"].tolist() == [0.0, 24.0, 48.0, 72.0]
    assert sail["feu"].tolist() == [0.0, 50.0, 50.0, 20.0]
    wait = res.waiting_times("f")
    np.testing.assert_array_equal(wait, [19.0, 33.0, 23.0, 37.0])
    st = res.station_stats()
    # Load factor of the sailings inside the 3-day window (0, 24, 48 h).
    assert st.column("utilization")[0] == pytest.approx(100 / 150)


def test_ferry_sails_when_full_or_after_the_maximum_wait() -> None:
    # Vessel 100 FEU, trains of 40 FEU; sails when full or 15 h after the first FEU boarded.
    f = det_ferry(vessel_feu=100, hours=10, policy="full", interval_hours=0, max_wait_hours=15)
    res = timetable([f], (5.0, 15.0, 25.0, 35.0, 45.0, 48.0, 52.0), feu=40.0)
    # 5, 15 -> max wait from 5 -> 20; 25, 35 -> 40; 45, 48, 52 -> full at 52 (20 FEU of the
    # last train stay) -> the rest sails 15 h later, at 67.
    np.testing.assert_array_equal(res.start_h, [20, 20, 40, 40, 52, 52, 67])
    assert res.sailings_frame()["feu"].tolist() == [80.0, 80.0, 100.0, 20.0]


def test_ferry_full_policy_respects_the_turnaround() -> None:
    # As above with at least 30 h between sailings: 20; then C, D and 20 FEU of E at 50;
    # the vessel fills again at 52 but may sail only at 80.
    f = det_ferry(vessel_feu=100, hours=10, policy="full", interval_hours=30, max_wait_hours=15)
    res = timetable([f], (5.0, 15.0, 25.0, 35.0, 45.0, 48.0, 52.0), feu=40.0)
    np.testing.assert_array_equal(res.start_h, [20, 20, 50, 50, 80, 80, 80])
    assert res.sailings_frame()["feu"].tolist() == [80.0, 100.0, 100.0]


def test_closure_cancels_scheduled_sailings() -> None:
    f = det_ferry(vessel_feu=50, hours=12, interval_hours=24)
    sc = Scenario(closures=(Closure("f", start_hours=20.0, end_hours=30.0),))
    res = timetable([f], (5.0, 15.0, 25.0, 35.0), scenario=sc)
    np.testing.assert_array_equal(res.start_h, [48.0, 72.0, 72.0, 96.0])
    assert 24.0 not in res.sailings_frame()["sail_h"].tolist()


def test_closure_of_a_full_policy_ferry_postpones_the_sailing() -> None:
    f = det_ferry(vessel_feu=100, hours=10, policy="full", interval_hours=0, max_wait_hours=15)
    sc = Scenario(closures=(Closure("f", start_hours=18.0, end_hours=33.0),))
    res = timetable([f], (5.0, 15.0), feu=40.0, scenario=sc)
    np.testing.assert_array_equal(res.start_h, [33.0, 33.0])


def test_closure_holds_trains_at_a_server_and_a_train_arriving_at_its_start() -> None:
    b = ServerStation("b", servers=1, hours=1.0, distribution="deterministic")
    sc = Scenario(closures=(Closure("b", start_hours=0.5, end_hours=3.0),))
    res = timetable([b], (0.0, 0.5, 2.0), scenario=sc)
    # The service in progress finishes; nothing starts in [0.5, 3).
    np.testing.assert_array_equal(res.start_h, [0.0, 3.0, 4.0])
    assert res.station_stats().column("max_queue")[0] == 2


def test_capacity_change_scales_service_and_sets_servers() -> None:
    b = ServerStation("b", servers=1, hours=1.0, distribution="deterministic")
    faster = Scenario(capacity=(CapacityChange("b", factor=2.0),))
    res = timetable([b], (0.0, 0.0, 0.0), scenario=faster)
    np.testing.assert_array_equal(res.start_h, [0.0, 0.5, 1.0])
    more = Scenario(capacity=(CapacityChange("b", servers=3, start_hours=0.0, end_hours=10.0),))
    res = timetable([b], (0.0, 0.0, 0.0, 11.0, 11.0), scenario=more)
    np.testing.assert_array_equal(res.start_h, [0.0, 0.0, 0.0, 11.0, 12.0])


def test_section_capacity_factor_shortens_the_headway() -> None:
    s = Section("s", trains_per_day=12.0, hours=5.0, distribution="deterministic")
    res = timetable(
        [s], (0.0, 0.0, 0.0), scenario=Scenario(capacity=(CapacityChange("s", factor=2.0),))
    )
    np.testing.assert_array_equal(res.start_h, [0.0, 1.0, 2.0])


def test_yard_service_time_is_feu_over_the_rate() -> None:
    yard = ServerStation("y", servers=2, hours=0.0, hours_per_feu=0.1, distribution="deterministic")
    res = timetable([yard], (0.0, 0.0, 0.0), feu=40.0)
    np.testing.assert_array_equal(res.start_h, [0.0, 0.0, 4.0])
    np.testing.assert_array_equal(res.depart_h, [4.0, 4.0, 8.0])


def test_scheduled_ferry_under_light_poisson_load_waits_half_an_interval() -> None:
    f = Ferry("f", vessel_feu=10_000, hours=10, interval_hours=48, distribution="deterministic")
    model = SimulationModel(
        stations=(f,),
        routes=(Route("r", ("f",)),),
        services=(TrainService("r", trains_per_week=20.0),),
    )
    res = simulate(model, days=3000, seed=2)
    assert res.waiting_times("f").mean() == pytest.approx(24.0, rel=0.03)


def test_weather_closures_stop_sailings() -> None:
    f = Ferry(
        "f",
        vessel_feu=100,
        hours=10,
        interval_hours=12,
        weather_closures_per_year=20,
        weather_closure_days=3,
    )
    model = SimulationModel(
        stations=(f,),
        routes=(Route("r", ("f",)),),
        services=(TrainService("r", trains_per_week=10.0),),
    )
    res = simulate(model, days=365, seed=3)
    closed_from = res.seg_time_h[res.seg_servers == 0]
    closed_to = res.seg_time_h[np.flatnonzero(res.seg_servers == 0) + 1]
    assert closed_from.size > 5
    for a, b in zip(closed_from, closed_to, strict=True):
        assert not np.any((res.sail_h >= a) & (res.sail_h < b))
    calm = simulate(
        model,
        days=365,
        seed=3,
        scenario=Scenario(ferries=(FerryChange(weather_closures_per_year=0),)),
    )
    assert calm.sail_h.size > res.sail_h.size
    assert calm.waiting_times("f").mean() < res.waiting_times("f").mean()


def test_demand_growth_scales_the_number_of_trains() -> None:
    model = queue_model(arrival_rate=1.0, service_rate=3.0)
    base = simulate(model, days=200, seed=1).n_trains
    grown = simulate(model, days=200, seed=1, scenario=Scenario(demand_growth=0.2)).n_trains
    assert grown / base == pytest.approx(1.2, rel=0.03)


def test_timetable_with_jitter_and_growth() -> None:
    b = ServerStation("b", servers=0, hours=1.0)
    model = SimulationModel(
        stations=(b,),
        routes=(Route("r", ("b",)),),
        services=(
            TrainService(
                "r",
                trains_per_week=0.0,
                random_share=0.0,
                departures=(10.0, 82.0),
                jitter_hours=0.0,
            ),
        ),
    )
    res = simulate(model, days=14, seed=1)
    np.testing.assert_array_equal(res.train_release_h, [10.0, 82.0, 178.0, 250.0])
    cut = simulate(model, days=700, seed=1, scenario=Scenario(demand_growth=-0.5))
    assert cut.n_trains == pytest.approx(100, abs=25)


def test_regular_service_is_evenly_spaced() -> None:
    b = ServerStation("b", servers=0, hours=1.0)
    model = SimulationModel(
        stations=(b,),
        routes=(Route("r", ("b",)),),
        services=(TrainService("r", trains_per_week=14.0, random_share=0.0),),
    )
    res = simulate(model, days=70, seed=4)
    np.testing.assert_allclose(np.diff(res.train_release_h), 12.0)
    assert res.n_trains in (139, 140)


def test_same_seed_same_output_and_different_seed_differs() -> None:
    f = Ferry(
        "f",
        vessel_feu=100,
        hours=10,
        cv=0.3,
        interval_hours=24,
        weather_closures_per_year=5,
        weather_closure_days=2,
    )
    stations = (
        ServerStation("b", servers=2, hours=3.0, cv=0.5),
        Section("s", trains_per_day=10, hours=8, cv=0.2),
        f,
    )
    model = SimulationModel(
        stations=stations,
        routes=(Route("r", ("b", "s", "f")),),
        services=(TrainService("r", trains_per_week=20.0, random_share=0.5, jitter_hours=2.0),),
    )
    a = simulate(model, days=60, seed=123)
    b = simulate(model, days=60, seed=123)
    c = simulate(model, days=60, seed=124)
    pd_a, pd_b = a.timeline_frame(), b.timeline_frame()
    assert pd_a.equals(pd_b)
    assert a.to_frame().equals(b.to_frame())
    assert a.sailings_frame().equals(b.sailings_frame())
    assert not a.to_frame().equals(c.to_frame())
    # A generator is used as is.
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    assert (
        simulate(model, days=10, seed=g1)
        .to_frame()
        .equals(simulate(model, days=10, seed=g2).to_frame())
    )


def test_scenario_targets_must_exist() -> None:
    model = queue_model(arrival_rate=1.0, service_rate=2.0)
    with pytest.raises(ScenarioError, match="'nowhere' matches no station"):
        simulate(
            model,
            days=1,
            scenario=Scenario(closures=(Closure("nowhere", start_hours=0, end_hours=1),)),
        )
    with pytest.raises(ScenarioError, match="matches no ferry"):
        simulate(model, days=1, scenario=Scenario(ferries=(FerryChange("queue", vessel_feu=3),)))


def test_bad_arguments_raise() -> None:
    model = queue_model(arrival_rate=1.0, service_rate=2.0)
    with pytest.raises(ValueError, match="days"):
        simulate(model, days=0)
    with pytest.raises(ValueError, match="warmup_days"):
        simulate(model, days=5, warmup_days=5)
    with pytest.raises(ValueError, match="unknown distribution"):
        ServerStation("x", distribution="weibull")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown stations"):
        SimulationModel(stations=(), routes=(Route("r", ("x",)),), services=())
    with pytest.raises(ValueError, match="unknown route"):
        SimulationModel(
            stations=(ServerStation("x"),),
            routes=(Route("r", ("x",)),),
            services=(TrainService("q", trains_per_week=1.0),),
        )
    with pytest.raises(ValueError, match="duplicate station"):
        SimulationModel(stations=(ServerStation("x"), ServerStation("x")), routes=(), services=())


def test_queue_lengths_series_matches_the_station_mean() -> None:
    res = simulate(queue_model(arrival_rate=2.4, service_rate=1.0, servers=3), days=50, seed=2)
    q = res.queue_lengths(step_hours=24.0)
    assert q.mean.shape == (1, 50)
    assert q.mean.mean() == pytest.approx(res.station_stats().column("mean_queue")[0], rel=1e-9)
    assert q.max.max() == res.station_stats().column("max_queue")[0]
    assert q.to_frame().shape == (50, 4)
    with pytest.raises(ValueError, match="step_hours"):
        res.queue_lengths(step_hours=0)
