"""The study runner: one scenario/baseline comparison for the CLI, the service and reports."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import silkrail
from silkrail.simulation import Closure, Scenario, corridor_model, default_services, replicate
from silkrail.studies import StudyResult, run_study


@pytest.fixture(scope="module")
def model() -> silkrail.SimulationModel:
    return corridor_model(silkrail.load_network(), default_services()[:6])


@pytest.fixture(scope="module")
def closure(model: silkrail.SimulationModel) -> Scenario:
    # Close the first station of the first route for the first 20 days.
    station = model.stations[0].name
    return Scenario("closed", closures=(Closure(station, start_hours=0.0, end_hours=20 * 24.0),))


def test_scenario_and_baseline_share_the_seed(
    model: silkrail.SimulationModel, closure: Scenario
) -> None:
    calls: list[tuple[str, int, int]] = []
    study = run_study(
        model,
        scenario=closure,
        days=40,
        replications=2,
        seed=7,
        progress=lambda label, done, total: calls.append((label, done, total)),
    )
    assert isinstance(study, StudyResult)
    assert study.label == "closed"
    assert study.baseline is not None
    # The baseline is the plain run with the same root seed: common random numbers.
    plain = replicate(model, replications=2, days=40, seed=7, scheduler="serial")
    np.testing.assert_array_equal(study.baseline.routes, plain.routes)
    assert not np.array_equal(study.scenario.routes, study.baseline.routes)
    assert {"base_p50_days", "base_p95_days"} <= set(study.routes.columns)
    assert [c[0] for c in calls] == ["closed", "closed", "baseline", "baseline"]
    assert calls[-1] == ("baseline", 2, 2)
    assert study.scenario.first is not None  # kept for the queue-length series
    summary = study.summary(top=3)
    assert (summary["scenario"], summary["seed"]) == ("closed", 7)
    assert len(summary["bottlenecks"]) == 3
    assert "baseline_bottlenecks" in summary
    with pytest.raises(dataclasses.FrozenInstanceError):
        study.seed = 8  # type: ignore[misc]


def test_no_scenario_runs_no_baseline(model: silkrail.SimulationModel) -> None:
    study = run_study(model, days=20, replications=1, seed=3)
    assert study.label == "base"
    assert study.baseline is None
    assert "base_p95_days" not in study.routes
    skipped = run_study(
        model, scenario=Scenario("x"), baseline=False, days=20, replications=1, seed=3
    )
    assert skipped.baseline is None


def test_reroute_needs_the_network(model: silkrail.SimulationModel) -> None:
    with pytest.raises(ValueError, match="needs the network"):
        run_study(model, days=20, replications=1, seed=3, reroute=True)


def test_reroute_runs_the_equilibrium_trains_under_the_scenario() -> None:
    net = silkrail.load_network()
    model = corridor_model(net, default_services()[:2])
    # A year-long closure of a place the equilibrium's routes then avoid, and growth that the
    # equilibrium applies to the demand (not again to its trains).
    sc = Scenario(
        "grown",
        closures=(Closure("BY-BREST", start_hours=0.0, end_hours=24.0 * 400),),
        demand_growth=0.5,
    )
    study = run_study(model, scenario=sc, days=10, replications=1, seed=3, net=net, reroute=True)
    assert study.rerouting is not None
    rr = study.rerouting.to_dict()
    run = sum(c["trains_per_week"] + c["held_back_trains_per_week"] for c in rr["corridors"])
    base = sum(c["baseline_trains_per_week"] for c in rr["corridors"])
    assert run > 1.3 * base  # the demand grew by half; some of it went to sea
    # The simulator ran the equilibrium's trains, not the two services of `model`.
    assert float(study.scenario.n_trains.mean()) > 100
    assert study.baseline is not None
    assert study.summary()["rerouting"]["relative_gap"] <= 1e-4
