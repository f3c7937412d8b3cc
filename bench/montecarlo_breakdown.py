"""Where a Monte Carlo replication spends its time: the engine against the statistics.

One replication of 365 days of the default 2024 demand, repeated; CPU seconds (process time,
robust on a shared machine) of the engine call (draws + event kernel) and of the three
statistics tables that every replication computes. Pass ``--src`` to measure another source
tree (e.g. the main checkout) side by side in a separate run.

Usage::

    python bench/montecarlo_breakdown.py --repeat 5
    PYTHONPATH=/work/main/src python bench/montecarlo_breakdown.py --repeat 5
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import silkrail
from silkrail.simulation.engine import prepare, run_static


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()
    model = silkrail.corridor_model(silkrail.load_network(), silkrail.default_services())
    run = {"days": 365.0, "warmup_days": 0.0, "drain_days": 365.0, "wait_threshold_hours": 72.0}
    run_static(prepare(model, None), np.random.default_rng(0), **run)  # compile / load
    engine, stats = [], []
    for i in range(opts.repeat):
        t0 = time.process_time()
        res = run_static(prepare(model, None), np.random.default_rng(i), **run)
        t1 = time.process_time()
        res.station_stats()
        res.route_stats()
        res.border_stats()
        t2 = time.process_time()
        engine.append(t1 - t0)
        stats.append(t2 - t1)
    print(f"source: {silkrail.__file__}")
    print(
        f"engine (draws + kernel): {min(engine):.3f} s CPU per replication (best of {opts.repeat})"
    )
    print(
        f"statistics (3 tables):   {min(stats):.3f} s CPU per replication (best of {opts.repeat})"
    )


if __name__ == "__main__":
    main()
