"""Statistics the event kernel accumulates equal the same statistics computed from the records.

The engine counts the longest queue of each station and each train's moving hours while it
runs; here they are recomputed from the timelines by brute force, on models whose times tie
(deterministic service, timetabled departures, closures) and where trains are still queued
when the run stops.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest

from silkrail.simulation import (
    Closure,
    Ferry,
    Route,
    Scenario,
    Section,
    ServerStation,
    SimulationModel,
    TrainService,
    simulate,
)

if TYPE_CHECKING:
    from silkrail.simulation.results import SimulationResult


def _brute_max_queue(res: SimulationResult) -> np.ndarray:
    """Most trains waiting (arrived, not started) at one instant of the window, per station."""
    lo, hi = res.warmup_h, res.horizon_h
    t_out = np.where(np.isnan(res.start_h), np.inf, res.start_h)
    out = np.zeros(len(res.model.stations))
    for s in range(out.size):
        m = (res.rec_station == s) & ~np.isnan(res.arrive_h)
        a, b = res.arrive_h[m], t_out[m]
        # The level is constant between changes: look just after each change and at lo.
        times = np.unique(np.concatenate([a, b, [lo]]))
        for t in times[(times >= lo) & (times < hi)]:
            out[s] = max(out[s], np.sum((a <= t) & (t < b)))
    return out


def _brute_moving(res: SimulationResult) -> np.ndarray:
    kinds = np.array([isinstance(s, Section | Ferry) for s in res.model.stations])
    move = np.where(kinds[res.rec_station], res.depart_h - res.start_h, 0.0)
    return np.bincount(res.rec_train, weights=np.nan_to_num(move), minlength=res.n_trains)


def _tied_model(policy: str) -> SimulationModel:
    """Whole-hour deterministic times and a timetable: many events at the same instant."""
    stations = (
        ServerStation("border", servers=1, hours=3.0, distribution="deterministic"),
        Section("line", trains_per_day=8, hours=12.0, distribution="deterministic"),
        ServerStation("yard", servers=2, hours=4.0, cv=0.5),
        Ferry(
            "ferry",
            vessel_feu=100,
            hours=10.0,
            cv=0.2,
            policy=policy,
            interval_hours=12.0 if policy == "schedule" else 6.0,
            max_wait_hours=24.0 if policy == "full" else math.inf,
        ),
        Section("tail", trains_per_day=math.inf, hours=5.0, distribution="deterministic"),
    )
    return SimulationModel(
        stations=stations,
        routes=(
            Route("main", ("border", "line", "yard", "ferry", "tail")),
            Route("short", ("line", "ferry")),
        ),
        services=(
            TrainService("main", trains_per_week=14.0, feu=50.0, random_share=0.0,
                         departures=tuple(12.0 * k for k in range(14))),
            TrainService("short", trains_per_week=10.0, feu=40.0),
        ),
    )  # fmt: skip


@pytest.mark.parametrize("policy", ["schedule", "full"])
@pytest.mark.parametrize(
    ("days", "warmup", "drain", "closures"),
    [
        (60.0, 0.0, 365.0, ()),
        (60.0, 10.0, 365.0, (Closure("ferry", start_hours=300.0, end_hours=420.0),)),
        # Closed past the end of the run: trains are still queued when it stops.
        (40.0, 5.0, 2.0, (Closure("border", start_hours=700.0, end_hours=5000.0),)),
    ],
)
def test_kernel_statistics_match_the_records(
    policy: str, days: float, warmup: float, drain: float, closures: tuple[Closure, ...]
) -> None:
    res = simulate(
        _tied_model(policy),
        days=days,
        seed=3,
        warmup_days=warmup,
        drain_days=drain,
        scenario=Scenario(closures=closures),
    )
    assert res.n_trains > 100
    np.testing.assert_array_equal(res.station_max_queue, _brute_max_queue(res))
    np.testing.assert_array_equal(res.train_moving_h, _brute_moving(res))
    assert res.station_max_queue.max() >= 2  # queues did form
