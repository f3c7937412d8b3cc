#!/usr/bin/env python
"""Write the planner's baseline queue waits from the corridor simulator.

The route planner's percentiles (``silkrail.routing.uncertainty``) draw the queue waits at
border crossings, gauge-change yards and rail sections "as the simulator gives them for the
packaged 2024 demand". This script runs that simulation (the default 2024 services on the
planner's routes, ``REPLICATIONS`` x 365 days, seed ``SEED``) and writes, per station with a
mean wait of at least ``MIN_MEAN_H``, the mean, median and 95th-percentile wait to
``src/silkrail/datasets/planning/baseline_waits.csv``. Ferry stations are left out: the planner
models the sailing phase, vessel space and weather itself.

Run from the repository root::

    .venv/bin/python scripts/build_baseline_waits.py
"""

from __future__ import annotations

import io
from pathlib import Path

import silkrail
from silkrail._atomic import atomic_file
from silkrail.simulation import corridor_model, default_services, replicate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "silkrail" / "datasets" / "planning" / "baseline_waits.csv"
REPLICATIONS, DAYS, SEED, MIN_MEAN_H = 8, 365.0, 2024, 0.05


def main() -> None:
    net = silkrail.load_network()
    model = corridor_model(net, default_services())
    mc = replicate(model, replications=REPLICATIONS, days=DAYS, seed=SEED, scheduler="serial")
    st = mc.station_summary()
    keep = st[(st["category"] != "ferry") & (st["mean_wait_h"] >= MIN_MEAN_H)]
    table = keep[["category", "mean_wait_h", "p50_wait_h", "p95_wait_h"]].round(3)
    table.index.name = "station"
    buf = io.StringIO()
    table.to_csv(buf, lineterminator="\n")
    with atomic_file(OUT) as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{len(table)} stations with waits >= {MIN_MEAN_H} h written to {OUT}")


if __name__ == "__main__":
    main()
