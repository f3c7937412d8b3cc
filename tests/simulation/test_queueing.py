"""The engine against queueing theory: Erlang C, Pollaczek–Khinchine, Jackson tandems."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from silkrail.simulation import (
    fifo_queue,
    queue_model,
    simulate,
    tandem_model,
)


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def pk_wait(lam: float, mean_s: float, cv: float) -> float:
    """Mean wait in queue of M/G/1 (Pollaczek–Khinchine)."""
    rho = lam * mean_s
    return lam * mean_s**2 * (1 + cv**2) / (2 * (1 - rho))


def ci95(samples: list[float]) -> tuple[float, float]:
    x = np.asarray(samples)
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    return float(x.mean() - half), float(x.mean() + half)


def replicate_waits(model, *, reps: int, days: float, warmup: float, seed: int) -> list[float]:
    seeds = np.random.SeedSequence(seed).spawn(reps)
    out = []
    for ss in seeds:
        res = simulate(model, days=days, warmup_days=warmup, seed=np.random.default_rng(ss))
        out.append(float(res.station_stats().column("mean_wait_h")[0]))
    return out


@pytest.mark.parametrize(("lam", "mu", "c"), [(2.4, 1.0, 3), (0.6, 1.0, 1), (3.0, 0.5, 8)])
def test_mmc_mean_wait_inside_ci_of_erlang_c(lam: float, mu: float, c: int) -> None:
    model = queue_model(arrival_rate=lam, service_rate=mu, servers=c)
    waits = replicate_waits(model, reps=20, days=400, warmup=20, seed=11)
    lo, hi = ci95(waits)
    assert lo <= erlang_c_wait(lam, mu, c) <= hi


def test_mmc_utilization_and_littles_law() -> None:
    lam, mu, c = 2.4, 1.0, 3
    res = simulate(
        queue_model(arrival_rate=lam, service_rate=mu, servers=c), days=2000, warmup_days=20, seed=5
    )
    st = res.station_stats()
    assert st.column("utilization")[0] == pytest.approx(lam / (c * mu), rel=0.01)
    # Little: time-average queue = arrival rate x mean wait.
    lq = st.column("mean_queue")[0]
    assert lq == pytest.approx(lam * st.column("mean_wait_h")[0], rel=0.02)
    assert st.column("throughput_per_day")[0] == pytest.approx(lam * 24, rel=0.01)


def test_md1_mean_wait_inside_ci_of_pollaczek_khinchine() -> None:
    lam, mu = 0.7, 1.0
    model = queue_model(arrival_rate=lam, service_rate=mu, distribution="deterministic")
    waits = replicate_waits(model, reps=20, days=400, warmup=20, seed=3)
    lo, hi = ci95(waits)
    assert lo <= pk_wait(lam, 1 / mu, 0.0) <= hi


@pytest.mark.parametrize("distribution", ["lognormal", "gamma"])
def test_mg1_mean_wait_inside_ci_of_pollaczek_khinchine(distribution: str) -> None:
    lam, mu, cv = 0.75, 1.0, 0.6
    model = queue_model(arrival_rate=lam, service_rate=mu, distribution=distribution, cv=cv)
    waits = replicate_waits(model, reps=20, days=400, warmup=20, seed=4)
    lo, hi = ci95(waits)
    assert lo <= pk_wait(lam, 1 / mu, cv) <= hi


def test_jackson_tandem_sojourn_is_sum_of_mmc_sojourns() -> None:
    lam = 1.0
    mus, cs = (0.7, 1.5, 0.45), (2, 1, 3)
    model = tandem_model(arrival_rate=lam, service_rates=mus, servers=cs)
    expected = sum(erlang_c_wait(lam, mu, c) + 1 / mu for mu, c in zip(mus, cs, strict=True))
    per_station = {i: [] for i in range(3)}
    transit = []
    for ss in np.random.SeedSequence(21).spawn(20):
        res = simulate(model, days=300, warmup_days=20, seed=np.random.default_rng(ss))
        transit.append(float(res.route_stats().column("mean_days")[0]) * 24)
        waits = res.station_stats().column("mean_wait_h")
        for i in range(3):
            per_station[i].append(float(waits[i]))
    lo, hi = ci95(transit)
    assert lo <= expected <= hi
    for i, (mu, c) in enumerate(zip(mus, cs, strict=True)):
        lo, hi = ci95(per_station[i])
        assert lo <= erlang_c_wait(lam, mu, c) <= hi, i


def test_engine_equals_departure_recursion_on_a_tandem() -> None:
    model = tandem_model(arrival_rate=2.0, service_rates=(1.0, 2.5, 0.8), servers=(3, 1, 3))
    res = simulate(model, days=60, seed=8)
    n = res.n_trains
    recs = res.rec_ptr[:-1]
    assert np.all(np.diff(res.rec_ptr) == 3)
    arrival = res.train_release_h.copy()
    for stage, c in enumerate((3, 1, 3)):
        r = recs + stage
        service = res.depart_h[r] - res.start_h[r]
        order = np.argsort(arrival, kind="stable")
        start = np.empty(n)
        start[order] = fifo_queue(arrival[order], service[order], servers=c)
        np.testing.assert_allclose(start, res.start_h[r], rtol=0, atol=1e-9)
        arrival = start + service


def test_fifo_queue_checks_inputs() -> None:
    with pytest.raises(TypeError, match="float64"):
        fifo_queue(np.array([1, 2]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="sorted"):
        fifo_queue(np.array([2.0, 1.0]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="servers"):
        fifo_queue(np.array([1.0]), np.array([1.0]), servers=0)
