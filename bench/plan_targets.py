"""The planner's latency targets, in wall and CPU time, for this tree and another side by side.

Two targets of issue 3 that a faster uncached plan must keep: a warm ``plan(net, 'Chongqing',
'Duisburg')`` under 50 ms (median) and a whole ``silkrail plan Chongqing Duisburg`` process
under 1.5 s. On a shared machine the wall time measures the other jobs as much as silkrail,
so each row also gives the CPU time (the process's, or the child's for the command) and the
load average. Each tree runs in its own processes, in turn (before, after, before, ...).

    python bench/plan_targets.py --before $BEFORE/src --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
PLAN_CMD = ["-m", "silkrail.cli", "plan", "Chongqing", "Duisburg"]


def _warm(n: int) -> dict[str, float]:
    """Median wall and CPU ms of `n` warm plans, plain and avoiding RU and BY."""
    import silkrail

    net = silkrail.load_network()
    silkrail.plan(net, "Chongqing", "Duisburg")  # the first plan of a process runs uncompiled
    out = {}
    for label, opts in (("plain", {}), ("avoid RU BY", {"avoid_countries": ["RU", "BY"]})):
        silkrail.plan(net, "Chongqing", "Duisburg", **opts)
        wall, cpu = [], []
        for _ in range(n):
            w, c = time.perf_counter(), time.process_time()
            silkrail.plan(net, "Chongqing", "Duisburg", **opts)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
        out[f"warm {label} wall ms"] = 1000 * statistics.median(wall)
        out[f"warm {label} CPU ms"] = 1000 * statistics.median(cpu)
    return out


def _process(src: str, n: int) -> dict[str, float]:
    """Median wall and CPU s of `n` whole ``silkrail plan`` processes."""
    env = {**os.environ, "PYTHONPATH": src}
    cmd = [sys.executable, *PLAN_CMD]
    subprocess.run(cmd, env=env, check=True, capture_output=True)  # warm caches (OS, numba)
    wall, cpu = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        wall.append(time.perf_counter() - w)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"process wall s": statistics.median(wall), "process CPU s": statistics.median(cpu)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder of the other tree")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of both trees (3)")
    parser.add_argument("--plans", type=int, default=20, help="warm plans a round (20)")
    parser.add_argument("--warm-json", type=int, default=0, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.warm_json:
        print(json.dumps(_warm(opts.warm_json)))
        return
    trees = {"before": str(opts.before.resolve()), "after": str(HERE.parents[1] / "src")}
    rows: dict[str, dict[str, list[float]]] = {}
    loads = [os.getloadavg()[0]]
    for _ in range(opts.repeat):
        for name, src in trees.items():
            env = {**os.environ, "PYTHONPATH": src}
            out = subprocess.run(
                [sys.executable, str(HERE), "--before", src, "--warm-json", str(opts.plans)],
                env=env, check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            got = {**json.loads(out.splitlines()[-1]), **_process(src, 3)}
            for k, v in got.items():
                rows.setdefault(k, {}).setdefault(name, []).append(v)
            loads.append(os.getloadavg()[0])
    print(f"before: {trees['before']}\nafter:  {trees['after']}")
    print(f"load average (1 min) during the run: {min(loads):.1f} to {max(loads):.1f}")
    print(f"median of each round, then the best of {opts.repeat} rounds:")
    print(f"{'measure':24s} {'before':>9s} {'after':>9s} {'after/before':>13s}")
    for k, row in rows.items():
        b, a = min(row["before"]), min(row["after"])
        print(f"{k:24s} {b:9.2f} {a:9.2f} {a / b:13.2f}")
    print("targets: warm plain plan < 50 ms (median); silkrail plan process < 1.5 s")


if __name__ == "__main__":
    main()
