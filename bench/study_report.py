"""Benchmark: ``silkrail report`` on the Aktau closure, 365 days, 20 replications.

Run from the repository root::

    python bench/study_report.py                # the CLI end to end, local Dask cluster
    python bench/study_report.py --serial       # in-process replications instead

Two measurements:

1. The command as a user runs it (``silkrail report --scenario
   examples/scenarios/aktau-closure.yaml --replications 20 --days 365 --seed 2024 -o FILE``),
   wall time of the whole process (start-up, model, 40 replications, the page) and the file's
   size. With ``--serial`` it adds ``--scheduler serial``.
2. In this process, the phases: building the model, the 20 + 20 replications
   (:func:`silkrail.run_study`, serial) and rendering the page
   (:func:`silkrail.study_report`).

There is no peer tool that writes the same study, so no ratio: the targets are under 30 s on
2 cores and a file under 5 MB. The machine's load average is printed with the figures, since
the replications are CPU-bound.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import silkrail
from silkrail.simulation import scenario_from_yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "scenarios" / "aktau-closure.yaml"
SILKRAIL = Path(sys.executable).with_name("silkrail")


def _cli(out: Path, *, serial: bool) -> float:
    args = [str(SILKRAIL), "report", "--scenario", str(SCENARIO), "--replications", "20"]
    args += ["--days", "365", "--seed", "2024", "-o", str(out), "--json"]
    if serial:
        args += ["--scheduler", "serial"]
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - t0


def _phases() -> dict[str, float]:
    t0 = time.perf_counter()
    net = silkrail.load_network()
    spec = scenario_from_yaml(SCENARIO.read_text(encoding="utf-8"), source=str(SCENARIO))
    model = spec.build_model(net)
    t1 = time.perf_counter()
    study = silkrail.run_study(model, scenario=spec.scenario, days=365, replications=20, seed=2024)
    t2 = time.perf_counter()
    html = silkrail.study_report(study, net, scenario_text=SCENARIO.read_text(encoding="utf-8"))
    t3 = time.perf_counter()
    return {
        "network and model": t1 - t0,
        "40 replications (serial)": t2 - t1,
        "render the page": t3 - t2,
        "page MB": len(html.encode()) / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serial", action="store_true", help="--scheduler serial")
    opts = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "study.html"
        wall = _cli(out, serial=opts.serial)
        how = "serial" if opts.serial else "local Dask cluster"
        print(f"silkrail report ({how}): {wall:.1f} s wall, {out.stat().st_size / 1e6:.2f} MB")
    for phase, value in _phases().items():
        unit = "" if phase.endswith("MB") else " s"
        print(f"  {phase}: {value:.2f}{unit}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
