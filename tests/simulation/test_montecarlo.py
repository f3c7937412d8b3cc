"""Monte Carlo replications: independent streams, identical results whatever the workers."""

from __future__ import annotations

import numpy as np
import pytest

from silkrail.simulation import (
    CapacityChange,
    MonteCarloResult,
    Scenario,
    mean_ci,
    queue_model,
    replicate,
    simulate,
)

MODEL = queue_model(arrival_rate=2.4, service_rate=1.0, servers=3)


def _same(a: MonteCarloResult, b: MonteCarloResult) -> None:
    for name in ("stations", "routes", "borders", "n_trains", "n_events"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.to_frame().equals(b.to_frame())


def test_replication_i_is_simulate_with_the_ith_child_seed() -> None:
    mc = replicate(MODEL, replications=3, days=20, seed=7, scheduler="serial", keep_first=True)
    child = np.random.SeedSequence(7).spawn(3)[2]
    res = simulate(MODEL, days=20, seed=np.random.default_rng(child))
    np.testing.assert_array_equal(mc.stations[2], res.station_stats().values)
    assert mc.first is not None
    assert mc.first.n_trains == mc.n_trains[0]
    assert mc.seed_entropy == 7


def test_replications_are_independent_and_seeded() -> None:
    a = replicate(MODEL, replications=4, days=20, seed=1, scheduler="serial")
    b = replicate(MODEL, replications=4, days=20, seed=1, scheduler="serial")
    c = replicate(MODEL, replications=4, days=20, seed=2, scheduler="serial")
    _same(a, b)
    assert not np.array_equal(a.stations, c.stations)
    # Different replications draw different streams.
    assert len(set(a.n_trains.tolist())) > 1


def test_summary_has_confidence_intervals_around_erlang_c() -> None:
    mc = replicate(MODEL, replications=12, days=300, warmup_days=10, seed=3, scheduler="serial")
    row = mc.to_frame().query("table == 'station' and metric == 'mean_wait_h'").iloc[0]
    assert row["ci_low"] < 1.0787 < row["ci_high"]  # Erlang C for λ=2.4, μ=1, c=3
    assert row["n"] == 12
    summary = mc.station_summary()
    assert {"mean_wait_h", "mean_wait_h_ci", "utilization"} <= set(summary.columns)
    routes = mc.route_summary()
    assert routes.loc["route", "p95_days"] > routes.loc["route", "p50_days"]
    assert mc.bottlenecks(top=1).index.tolist() == ["queue"]
    assert len(mc.replications_frame("station")) == 12
    with pytest.raises(ValueError, match="unknown table"):
        mc.replications_frame("nodes")


def test_identical_results_whatever_the_number_of_workers() -> None:
    distributed = pytest.importorskip("distributed")
    from silkrail.simulation.montecarlo import local_cluster

    serial = replicate(MODEL, replications=6, days=30, seed=11, scheduler="serial")
    for n in (1, 2):
        with (
            local_cluster(n, processes=False) as cluster,
            distributed.Client(cluster) as client,
        ):
            seen: list[tuple[int, int]] = []
            mc = replicate(
                MODEL,
                replications=6,
                days=30,
                seed=11,
                client=client,
                progress=lambda done, total, seen=seen: seen.append((done, total)),
            )
        _same(serial, mc)
        assert seen[-1] == (6, 6)


def test_identical_results_whatever_the_number_of_threads() -> None:
    one = replicate(MODEL, replications=7, days=30, seed=13, scheduler="serial", cores=1)
    seen: list[tuple[int, int]] = []
    three = replicate(
        MODEL,
        replications=7,
        days=30,
        seed=13,
        scheduler="serial",
        cores=3,
        keep_first=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    _same(one, three)
    assert [d for d, _ in seen] == list(range(1, 8))
    assert three.first is not None
    assert three.first.n_trains == three.n_trains[0]
    with pytest.raises(ValueError, match="cores must be"):
        replicate(MODEL, replications=2, days=5, seed=1, scheduler="serial", cores=0)


def test_a_failing_replication_raises_from_the_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from silkrail.simulation import montecarlo

    real = montecarlo._one

    def fail_third(payload, index, seed, keep):  # type: ignore[no-untyped-def]
        if index == 2:
            raise RuntimeError("replication 2 failed")
        return real(payload, index, seed, keep)

    monkeypatch.setattr(montecarlo, "_one", fail_third)
    with pytest.raises(RuntimeError, match="replication 2 failed"):
        replicate(MODEL, replications=6, days=5, seed=1, scheduler="serial", cores=2)


@pytest.mark.slow
def test_default_local_cluster_with_worker_processes() -> None:
    pytest.importorskip("distributed")
    serial = replicate(MODEL, replications=4, days=30, seed=5, scheduler="serial")
    _same(serial, replicate(MODEL, replications=4, days=30, seed=5, workers=2))


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="replications"):
        replicate(MODEL, replications=0, scheduler="serial")
    with pytest.raises(ValueError, match="confidence"):
        replicate(MODEL, replications=2, confidence=1.5, scheduler="serial")
    with pytest.raises(ValueError, match="matches no station"):
        replicate(
            MODEL,
            replications=2,
            scheduler="serial",
            scenario=Scenario(capacity=(CapacityChange("x"),)),
        )


def test_mean_ci() -> None:
    m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, np.nan]))
    assert m == 2.0
    assert lo < 2.0 < hi
    m, lo, hi = mean_ci(np.array([4.0]))
    assert m == 4.0
    assert np.isnan(lo)


def test_short_runs_stay_in_process_without_a_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    from silkrail.simulation import montecarlo

    def no_cluster(*args: object, **kwargs: object) -> None:
        raise AssertionError("a short run started Dask")

    monkeypatch.setattr(montecarlo, "_run_dask", no_cluster)
    auto = replicate(MODEL, replications=3, days=20, seed=4)
    _same(auto, replicate(MODEL, replications=3, days=20, seed=4, scheduler="serial"))


def test_local_cluster_pays_only_for_long_runs_on_several_workers() -> None:
    from silkrail.simulation.montecarlo import local_cluster_pays

    assert not local_cluster_pays(100, 365.0, workers=1)
    assert not local_cluster_pays(1, 1e6, workers=4)
    assert not local_cluster_pays(2, 60.0, workers=2)
    # Threads use both cores in-process: 100 corridor years do not pay for worker start-up.
    assert not local_cluster_pays(100, 365.0, workers=2)
    assert local_cluster_pays(2000, 365.0, workers=2)


def test_a_local_cluster_does_not_need_port_8787(port_8787_taken: None) -> None:
    # The review: with port 8787 taken, distributed warned "Port 8787 is already in use" (a
    # failing test under filterwarnings=error, a raw warning in the CLI) even with the
    # dashboard off, since the scheduler's HTTP endpoint defaulted to that port.
    pytest.importorskip("distributed")
    from silkrail.simulation.montecarlo import local_cluster

    with local_cluster(1, processes=False) as cluster:
        server = cluster.scheduler.http_server
        assert server.port != 8787
        assert server.address == "127.0.0.1"
