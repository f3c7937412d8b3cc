"""The congestion cost functions against queueing formulas."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from silkrail.simulation import (
    Ferry,
    Route,
    Section,
    ServerStation,
    SimulationModel,
    TrainService,
)
from silkrail.simulation.congestion import (
    DELAY,
    RHO_MAX,
    SECTION,
    SERVER,
    TANDEM_FIT,
    StationCapacity,
    deferred_share,
    departure_cv2,
    erlang_c,
    mean_wait,
    tandem_cv2,
    utilization,
)
from silkrail.simulation.engine import simulate


def erlang_c_closed(c: int, a: float) -> float:
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (2, 1.4), (5, 4.2), (12, 9.0)])
def test_erlang_c_matches_the_closed_form(c: int, a: float) -> None:
    got = float(erlang_c(np.array([c]), np.array([a]))[0])
    assert got == pytest.approx(erlang_c_closed(c, a), rel=1e-10)


def test_mm_c_wait_is_erlang_c_and_mg1_is_pollaczek_khinchine() -> None:
    # M/M/3 with service 2 h at 0.9 trains/h: Wq = C / (c mu - lambda).
    cap = StationCapacity.from_arrays(
        name=["mmc", "mg1"],
        kind=[SERVER, SERVER],
        servers=[3, 1],
        service_hours=[2.0, 1.0],
        service_cv=[1.0, 0.6],
    )
    lam = np.array([0.9 * 3 / 2.0 * 0.8, 0.75])
    w = mean_wait(cap, lam)
    a = lam[0] * 2.0
    assert w[0] == pytest.approx(erlang_c_closed(3, a) / (3 / 2.0 - lam[0]), rel=1e-10)
    pk = lam[1] * 1.0**2 * (1 + 0.6**2) / (2 * (1 - 0.75))
    assert w[1] == pytest.approx(pk, rel=1e-10)


def test_above_rho_max_the_wait_is_finite_increasing_and_continuous() -> None:
    cap = StationCapacity.from_arrays(
        name=["b"] * 4,
        kind=[SERVER] * 4,
        servers=[2] * 4,
        service_hours=[4.0] * 4,
        service_cv=[0.5] * 4,
    )
    rho = np.array([RHO_MAX - 1e-7, RHO_MAX + 1e-7, 1.1, 1.5])
    w = mean_wait(cap, rho * 2 / 4.0)
    assert np.all(np.isfinite(w))
    assert w[0] == pytest.approx(w[1], rel=1e-3)
    assert w[1] < w[2] < w[3]
    share = deferred_share(cap, rho * 2 / 4.0)
    assert share[0] == 0
    assert share[3] == pytest.approx(1 - 1 / 1.5)


def test_capacity_from_simulation_stations() -> None:
    stations = [
        ServerStation("yard", servers=2, hours=1.0, hours_per_feu=0.1, cv=0.3),
        Section("line", trains_per_day=24.0, hours=5.0),
        Section("road", trains_per_day=math.inf, hours=5.0),
        Ferry("ferry", vessel_feu=100.0, hours=20.0, interval_hours=48.0),
    ]
    cap = StationCapacity.from_stations(stations, train_feu=50.0)
    assert cap.service_hours.tolist() == [6.0, 1.0, 0.0, 24.0]
    assert cap.kind.tolist()[:3] == [SERVER, SECTION, DELAY]
    assert cap.phase_hours.tolist() == [0.0, 0.0, 0.0, 24.0]
    # The ferry takes two 50-FEU trains a sailing: capacity 1 train per 24 h.
    assert utilization(cap, np.array([0.0, 0.0, 0.0, 1 / 48.0]))[3] == pytest.approx(0.5)
    assert mean_wait(cap, np.zeros(4))[3] == 24.0


def _tandem(spread: float, *, rho: float = 0.7, up: float = 2.0, c: float = 0.5) -> float:
    return float(
        tandem_cv2(
            rho=np.array([rho]),
            headway_hours=np.array([2.0]),
            upstream_headway_hours=np.array([up]),
            upstream_spread_hours=np.array([spread]),
            long_run_cv2=c,
        )[0]
    )


def test_tandem_section_waits_only_as_running_times_bunch_the_trains() -> None:
    # Friedman: deterministic sections in series without spread wait only at the slowest.
    assert _tandem(0.0) == 0.0
    assert _tandem(0.0, up=3.0) == 0.0
    # The wait grows with the spread, towards a random stream of the long-run variability.
    values = [_tandem(s) for s in (0.2, 0.5, 1.0, 2.0, 4.0, 50.0)]
    assert all(a < b for a, b in itertools.pairwise(values))
    assert values[-1] == pytest.approx(0.5 ** TANDEM_FIT[3], rel=1e-3)
    # Slack between the headways leaves the trains room: less wait than equal headways.
    assert _tandem(1.0, up=3.0) < _tandem(1.0, up=2.0)
    # Small spreads: linear in the spread (the first train catching up with the one ahead).
    assert _tandem(0.02) == pytest.approx(2 * _tandem(0.01), rel=0.02)


def test_tandem_cost_function_against_the_simulator() -> None:
    # Two 2 h-headway sections, 10 h running time with CV 0.05, half-timetabled trains at 70 %.
    up = Section("a", trains_per_day=12.0, hours=10.0, cv=0.05)
    down = Section("b", trains_per_day=12.0, hours=10.0, cv=0.05)
    model = SimulationModel(
        stations=(up, down),
        routes=(Route("r", ("a", "b")),),
        services=(TrainService("r", trains_per_week=0.35 * 168.0, feu=50, random_share=0.5),),
    )
    res = simulate(model, days=2000, warmup_days=30, seed=np.random.default_rng(3))
    simulated = float(res.station_stats().column("mean_wait_h")[1])
    cost = 0.7 / 0.3 * 2.0 / 2.0 * _tandem(0.5)
    assert cost == pytest.approx(simulated, rel=0.25)
    # QNA's departure CV² (the upstream exits, spread by the running times) overshoots.
    cap = StationCapacity.from_arrays(
        name=["a"],
        kind=[SECTION],
        servers=[1],
        service_hours=[2.0],
        service_cv=[0.0],
        exit_spread_hours=[2.0],
    )
    qna = 0.7 / 0.3 * departure_cv2(cap, np.array([0.7]), np.array([0.55]), np.array([0.35]))[0]
    assert qna > 1.5 * simulated
