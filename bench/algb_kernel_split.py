"""Where Algorithm B spends its time on ChicagoSketch: CPU seconds per kernel, 1 thread.

Wraps each assignment kernel with a CPU timer (the kernels are compiled: a sampling profiler
sees only the Python around them), after one untimed solve that loads them.

Usage::

    python bench/algb_kernel_split.py
    PYTHONPATH=$BEFORE/src python bench/algb_kernel_split.py   # another tree
"""

from __future__ import annotations

import collections
import time
from pathlib import Path
from typing import Any

import silkrail
from silkrail.assignment import _kernels

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "tntp" / "ChicagoSketch"
# This tree's names, then those of trees before issue 16 (parfor kernels), so that the same
# script times an older checkout (PYTHONPATH=<its src>); names a tree lacks are skipped.
KERNELS = (
    "bush_update_share",
    "bush_shift_share",
    "bush_shift_all",
    "aon_share",
    "link_time",
    "bush_init",
    "bush_update_all",
    "aon_parallel",
    "bush_init_share",
    "bush_link_totals",
    "link_time_derivative",
)


def time_kernels(names: tuple[str, ...], spent: collections.Counter[str]) -> None:
    """Wrap each of the assignment kernels `names` (those this tree has) with a CPU timer."""
    for name in names:
        kernel = getattr(_kernels, name, None)
        if kernel is None:
            continue

        def timed(*args: Any, _kernel: Any = kernel, _name: str = name) -> Any:
            start = time.process_time()
            out = _kernel(*args)
            spent[_name] += time.process_time() - start
            return out

        setattr(_kernels, name, timed)


def main() -> None:
    net = silkrail.read_tntp_net(DATA / "ChicagoSketch_net.tntp")
    trips = silkrail.read_tntp_trips(DATA / "ChicagoSketch_trips.tntp")
    silkrail.assign(net, trips, method="algb", rgap=1e-4)  # compile or load the kernels
    spent: collections.Counter[str] = collections.Counter()
    time_kernels(KERNELS, spent)
    for gap in (1e-6, 1e-10):
        spent.clear()
        start = time.process_time()
        result = silkrail.assign(net, trips, method="algb", rgap=gap)
        total = time.process_time() - start
        its = result.report.iteration[-1]
        print(f"rgap {gap:g}: {total:.2f} s CPU, {its} iterations, {total / its:.3f} s each")
        for name, seconds in spent.most_common():
            print(f"  {name:22s} {seconds:6.2f} s  {100 * seconds / total:4.0f} %")


if __name__ == "__main__":
    main()
