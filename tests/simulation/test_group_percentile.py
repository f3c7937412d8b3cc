"""The grouped percentile of the statistics is numpy's percentile, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from silkrail.simulation.results import _group_percentile


@pytest.mark.parametrize("q", [0, 5, 50, 95, 100])
def test_group_percentile_matches_numpy_exactly(q: float) -> None:
    rng = np.random.default_rng(3)
    sizes = np.array([0, 1, 2, 3, 7, 20, 0, 101, 1])
    values = np.concatenate([np.sort(rng.exponential(5.0, n)) for n in sizes])
    values[:3] = 0.0  # ties and zeros, as at stations where most trains do not wait
    start = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    got = _group_percentile(values, start, sizes, q)
    for g, n in enumerate(sizes):
        if n == 0:
            assert np.isnan(got[g])
        else:
            expected = np.percentile(values[start[g] : start[g] + n], q)
            assert got[g] == expected, (g, n)


def test_statistics_unchanged_from_the_per_station_loops() -> None:
    # Golden file: the same run with the per-station/per-route np.percentile loops (commit
    # 7e67821, before the statistics were vectorised). Same seed, same bits. Regenerated when
    # the packaged network changes: the code of 7e67821 run on the current datasets (it
    # reproduced the previous golden file on the previous datasets). Since the 1676 mm gauge
    # (55820ed) that code gets the gauge-class part of 55820ed (network/_schema.py,
    # graph/compile.py), which leaves its output on the earlier datasets bit for bit the same.
    from pathlib import Path

    import silkrail

    golden = np.load(Path(__file__).parents[1] / "data" / "montecarlo_stats_golden.npz")
    model = silkrail.corridor_model(silkrail.load_network(), silkrail.default_services())
    mc = silkrail.replicate(
        model, replications=2, days=20, seed=2026, scheduler="serial", warmup_days=2
    )
    for name in ("stations", "routes", "borders"):
        # Equal to rounding: NumPy and numba builds may order a sum's additions differently
        # (1e-13 relative between two machines); a changed statistic moves far more.
        np.testing.assert_allclose(getattr(mc, name), golden[name], rtol=1e-9, err_msg=name)


def test_sorted_within_groups_is_a_lexsort() -> None:
    from silkrail.simulation.results import _sorted_within_groups

    rng = np.random.default_rng(5)
    group = rng.integers(0, 6, 400)
    values = np.where(rng.random(400) < 0.6, 0.0, rng.normal(0.0, 3.0, 400))
    values[:5] = -0.0  # a negative zero is a zero
    got, count = _sorted_within_groups(values, group, 7)
    np.testing.assert_array_equal(got, values[np.lexsort((values, group))])
    np.testing.assert_array_equal(count, np.bincount(group, minlength=7))


def test_a_corridor_year_is_unchanged_by_the_faster_engine() -> None:
    # Golden file: replication 0 of a 365-day run (seed 7, warm-up 30 days) made with the code
    # of commit 7a4b488, before the statistics' kernels, the packed event heap and the threads.
    # Regenerated when the packaged network changes: that code run on the current datasets
    # (with the gauge-class part of 55820ed, as above).
    from pathlib import Path

    import silkrail

    golden = np.load(Path(__file__).parents[1] / "data" / "montecarlo_365_golden.npz")
    model = silkrail.corridor_model(silkrail.load_network(), silkrail.default_services())
    mc = silkrail.replicate(
        model, replications=1, days=365, seed=7, scheduler="serial", warmup_days=30
    )
    np.testing.assert_array_equal(mc.n_events, golden["n_events"])
    for name in ("stations", "routes", "borders"):
        # Equal to rounding, as above.
        np.testing.assert_allclose(getattr(mc, name), golden[name], rtol=1e-9, err_msg=name)
