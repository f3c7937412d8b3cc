"""The per-origin and per-bush kernels run in threads (``in_threads``), not numba parfors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import silkrail
from silkrail.assignment import _kernels

TNTP = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "tntp" / "SiouxFalls"


def test_every_worker_runs_once_and_errors_reach_the_caller() -> None:
    seen: list[tuple[int, int]] = []

    def kernel(w: int, workers: int, out: list[tuple[int, int]]) -> None:
        out.append((w, workers))

    _kernels.in_threads(kernel, 3, seen)
    assert sorted(seen) == [(0, 3), (1, 3), (2, 3)]

    def boom(w: int, workers: int) -> None:
        if w == 2:
            msg = f"worker {w} of {workers} failed"
            raise RuntimeError(msg)

    with pytest.raises(RuntimeError, match="worker 2 of 3 failed"):
        _kernels.in_threads(boom, 3)


def test_no_kernel_is_a_parfor() -> None:
    # parallel=True kernels took most of the first-use compilation and start numba's
    # threading layer in every process (docs/benchmarks.md).
    for name in _kernels.__all__:
        obj = getattr(_kernels, name)
        assert not getattr(obj, "targetoptions", {}).get("parallel", False), name


@pytest.mark.skipif(not TNTP.exists(), reason="TNTP benchmark networks not present")
def test_threads_give_bit_identical_flows_and_skims() -> None:
    net = silkrail.read_tntp_net(TNTP / "SiouxFalls_net.tntp")
    trips = silkrail.read_tntp_trips(TNTP / "SiouxFalls_trips.tntp")
    # Algorithm B's flow shifts stay serial on a network this small (below
    # _algorithms._SHIFT_THREADS_MIN_WORK; above it they depend on thread timing, see
    # test_algb_threads.py), so its flows too are the same bit for bit.
    for method in ("bfw", "algb"):
        one = silkrail.assign(net, trips, method=method, rgap=1e-6, cores=1)
        two = silkrail.assign(net, trips, method=method, rgap=1e-6, cores=2)
        assert np.array_equal(one.link_flow, two.link_flow), method
    s1 = silkrail.assignment_skims(net, one, cores=1)
    s3 = silkrail.assignment_skims(net, one, cores=3)
    for key, mat in s1.items():
        assert np.array_equal(mat, s3[key]), key
    with pytest.raises(ValueError, match="cores must be an integer >= 1, got 0"):
        silkrail.assignment_skims(net, one, cores=0)
