"""The engine against a process-based SimPy model of the same system.

Replaying the engine's own draws in SimPy must reproduce every timeline exactly; with the
reference drawing its own numbers, the means must agree statistically.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest

from silkrail.simulation import (
    Ferry,
    Route,
    Section,
    ServerStation,
    SimulationModel,
    TrainService,
    simulate,
)

if TYPE_CHECKING:
    from types import ModuleType


def corridor_like(policy: str = "schedule") -> SimulationModel:
    """Border → gauge-change yard → section → port transfer → ferry → section, two services."""
    ferry = Ferry(
        "ferry",
        vessel_feu=120,
        hours=18,
        cv=0.25,
        policy=policy,
        interval_hours=24 if policy == "schedule" else 8,
        max_wait_hours=30 if policy == "full" else math.inf,
    )
    stations = (
        ServerStation("border", servers=2, hours=5.0, cv=0.6, category="border"),
        ServerStation(
            "yard",
            servers=2,
            hours_per_feu=0.1,
            hours=0.5,
            cv=0.3,
            distribution="gamma",
            category="gauge",
        ),
        Section("line", trains_per_day=16, hours=20, cv=0.2),
        ServerStation("port", servers=0, hours=6.0, cv=0.5, category="port"),
        ferry,
        Section("line2", trains_per_day=30, hours=10, cv=0.2, distribution="exponential"),
        ServerStation("feeder", servers=1, hours=1.5, cv=1.0, distribution="exponential"),
    )
    return SimulationModel(
        stations=stations,
        routes=(
            Route("main", ("border", "yard", "line", "port", "ferry", "line2")),
            Route("feeder", ("feeder", "line", "port", "ferry")),
        ),
        services=(
            TrainService("main", trains_per_week=35.0, feu=44.0),
            TrainService("feeder", trains_per_week=20.0, feu=30.0),
        ),
    )


@pytest.mark.parametrize("policy", ["schedule", "full"])
def test_replaying_the_engine_draws_in_simpy_gives_the_same_timelines(
    simpy_ref: ModuleType, policy: str
) -> None:
    model = corridor_like(policy)
    res = simulate(model, days=120, seed=17)
    ref = simpy_ref.run_reference(model, simpy_ref.ReplayDraws.from_result(res), until=res.t_cap_h)
    assert res.n_trains > 500
    rec_train = res.rec_train
    stage = np.arange(rec_train.size) - res.rec_ptr[rec_train]
    for what, engine in (
        ("arrive", res.arrive_h),
        ("start", res.start_h),
        ("depart", res.depart_h),
    ):
        table = getattr(ref, what)
        theirs = np.array([table[int(i), int(k)] for i, k in zip(rec_train, stage, strict=True)])
        np.testing.assert_allclose(engine, theirs, rtol=0, atol=1e-7, err_msg=what)
    np.testing.assert_allclose(res.train_finish_h, ref.finish, rtol=0, atol=1e-7)
    sails = ref.sailings["ferry"][: res.sail_h.size]
    np.testing.assert_allclose(res.sail_h, [t for t, _ in sails], atol=1e-7)
    np.testing.assert_allclose(res.sail_feu, [f for _, f in sails], atol=1e-7)


def _means(transit: np.ndarray, waits: dict[str, np.ndarray]) -> dict[str, float]:
    out = {"transit": float(np.nanmean(transit))}
    out.update({k: float(np.nanmean(v)) for k, v in waits.items()})
    return out


@pytest.mark.parametrize("policy", ["schedule", "full"])
def test_independent_simpy_model_agrees_statistically(simpy_ref: ModuleType, policy: str) -> None:
    model = corridor_like(policy)
    days, warm, reps = 150, 10, 8
    names = [s.name for s in model.stations]
    engine: list[dict[str, float]] = []
    reference: list[dict[str, float]] = []
    seeds = np.random.SeedSequence(99).spawn(2 * reps)
    for k in range(reps):
        res = simulate(model, days=days, warmup_days=warm, seed=np.random.default_rng(seeds[k]))
        keep = res.train_release_h >= warm * 24
        engine.append(_means(res.transit_h[keep], {n: res.waiting_times(n) for n in names}))

        draws = simpy_ref.IndependentDraws(model, np.random.default_rng(seeds[reps + k]), days)
        ref = simpy_ref.run_reference(model, draws, until=days * 24 + 365 * 24)
        rel = np.array(ref.release)
        fin = np.array(ref.finish)
        keep = rel >= warm * 24
        waits: dict[str, list[float]] = {n: [] for n in names}
        for (i, stage), t_arr in ref.arrive.items():
            if warm * 24 <= t_arr < days * 24:
                sv = model.services[ref.service_of[i]]
                name = model.routes[model.route_index[sv.route]].stations[stage]
                waits[name].append(ref.start[i, stage] - t_arr)
        reference.append(_means(fin[keep] - rel[keep], {n: np.array(v) for n, v in waits.items()}))
    for key in engine[0]:
        a = np.array([e[key] for e in engine])
        b = np.array([r[key] for r in reference])
        se = math.sqrt(a.var(ddof=1) / reps + b.var(ddof=1) / reps)
        # Three combined standard errors, with a small floor for stations that barely queue.
        assert abs(a.mean() - b.mean()) <= 3 * se + 0.02, (key, a.mean(), b.mean(), se)
