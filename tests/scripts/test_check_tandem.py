"""scripts/check_tandem.py: the tandem cost function's check reruns and its fit is reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from silkrail.simulation import congestion as cg

from .conftest import load_script


def test_the_grid_stays_below_capacity_and_the_table_counts_cases() -> None:
    script = load_script("check_tandem")
    data = np.array(script.cases(), dtype=float)
    assert len(data) == 60
    assert np.all(data[:, 0] * data[:, 3] < 0.95)
    # A table from made-up simulator waits equal to the cost function's: every case is close.
    tandem, qna = script.model_waits(data)
    text = script.table(data, tandem)
    assert "the tandem cost function 60 of 60" in text
    assert np.all(qna >= 0)


@pytest.mark.slow
def test_the_fit_reproduces_the_packaged_constants() -> None:
    script = load_script("check_tandem")
    data = np.array(script.cases(), dtype=float)
    sim = np.array([script.simulated(*c, days=2500, seed=7) for c in data])
    faster = np.array(script.FASTER, dtype=float)
    faster_sim = np.array([script.faster_simulated(*c, days=2500, seed=7) for c in faster])
    packaged = cg.TANDEM_FIT, cg.EXIT_SPREAD_WEIGHT
    try:
        assert script.fit(data, sim) == pytest.approx(packaged[0], abs=0.011)
        assert script.fit_spread_weight(faster, faster_sim) == pytest.approx(packaged[1], abs=0.011)
    finally:
        cg.TANDEM_FIT, cg.EXIT_SPREAD_WEIGHT = packaged
