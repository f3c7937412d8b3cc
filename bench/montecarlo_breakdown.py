"""Where a Monte Carlo replication spends its time, and what a whole run costs.

One replication of 365 days of the default 2024 demand, repeated; CPU seconds (process time,
robust on a shared machine) of the draws, the event kernel and the three statistics tables
that every replication computes. Then ``replicate`` over ``--replications`` replications
in-process, on 1 and on 2 threads where the source tree has them: CPU seconds and wall
seconds, with the load average (other jobs on the machine take cores away from the wall time,
not from the CPU time). Pass ``PYTHONPATH`` to measure another source tree (e.g. the main
checkout) side by side in a separate run.

Usage::

    python bench/montecarlo_breakdown.py --repeat 5 --replications 20
    PYTHONPATH=$BEFORE/src python bench/montecarlo_breakdown.py --repeat 5 --replications 20
"""

from __future__ import annotations

import argparse
import inspect
import os
import time

import numpy as np

import silkrail
from silkrail.simulation._compile import draw_trial
from silkrail.simulation.engine import prepare, run_static


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--replications", type=int, default=20)
    opts = parser.parse_args()
    model = silkrail.corridor_model(silkrail.load_network(), silkrail.default_services())
    run = {"days": 365.0, "warmup_days": 0.0, "drain_days": 365.0, "wait_threshold_hours": 72.0}
    run_static(prepare(model, None), np.random.default_rng(0), **run)  # compile / load
    draws, engine, stats = [], [], []
    for i in range(opts.repeat):
        static = prepare(model, None)
        t0 = time.process_time()
        draw_trial(static, np.random.default_rng(i), horizon=365 * 24.0, t_cap=730 * 24.0)
        t1 = time.process_time()
        res = run_static(static, np.random.default_rng(i), **run)
        t2 = time.process_time()
        res.station_stats()
        res.route_stats()
        res.border_stats()
        t3 = time.process_time()
        draws.append(t1 - t0)
        engine.append(t2 - t1)
        stats.append(t3 - t2)
    best = f"s CPU per replication (best of {opts.repeat})"
    print(f"source: {silkrail.__file__}; load average {_load()}")
    print(f"draws:                   {min(draws):.3f} {best}")
    print(f"engine (draws + kernel): {min(engine):.3f} {best}")
    print(f"statistics (3 tables):   {min(stats):.3f} {best}")
    threaded = "cores" in inspect.signature(silkrail.replicate).parameters
    n = opts.replications
    for cores in (1, 2) if threaded else (None,):
        kw = {"cores": cores} if cores is not None else {}
        w, c = time.perf_counter(), time.process_time()
        silkrail.replicate(model, replications=n, days=365, seed=1, scheduler="serial", **kw)
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        label = f"{cores} thread(s)" if cores is not None else "in-process"
        print(
            f"replicate x{n}, {label}: {cpu:.1f} s CPU ({cpu / n:.3f} per replication), "
            f"{wall:.1f} s wall; load average after {_load()}"
        )


if __name__ == "__main__":
    main()
