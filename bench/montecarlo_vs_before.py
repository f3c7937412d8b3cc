"""``silkrail simulate`` Monte Carlo: this checkout against another source tree, side by side.

Runs ``python -m silkrail.cli simulate --days D --replications N --seed 1 --scheduler serial
--json`` as a fresh process for ``--before`` (e.g. a checkout of main: ``$BEFORE/src``) and
for this checkout, alternately, ``--repeat`` times each, after one short untimed run per side
(numba's cache warm). Both sides use the same interpreter and a shared temporary
``NUMBA_CACHE_DIR``. For every run: wall seconds, user and system CPU seconds of the process
and the 1-minute load average before and after (the machine may be shared: CPU time moves
less with the load than wall time). Then the best CPU time of each side and their ratio, and
whether the JSON outputs are identical (every member but ``elapsed_s``).

Also a one-replication run of each side (``--replications 1``): the CPU time of starting the
command (imports, network, model) plus one replication, to split the serial start-up from the
replications when projecting a wall time for idle cores.

Usage::

    python bench/montecarlo_vs_before.py --before $BEFORE/src --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]


def _run(args: list[str], env: dict[str, str]) -> tuple[dict[str, float], Any]:
    """Time one process: wall, user, sys, load average before and after; parsed stdout."""
    load0 = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "silkrail.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    out = proc.stdout.read() if proc.stdout is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        msg = f"{args} failed"
        raise RuntimeError(msg)
    data = json.loads(out)
    data.pop("elapsed_s", None)
    timing = {
        "wall": wall,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "cpu": usage.ru_utime + usage.ru_stime,
        "load0": load0,
        "load1": os.getloadavg()[0],
    }
    return timing, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder to compare with")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--replications", type=int, default=100)
    opts = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="silkrail-bench-numba-")
    sides = {"before": str(opts.before.resolve()), "after": str(HERE / "src")}
    envs = {
        side: {**os.environ, "PYTHONPATH": src, "NUMBA_CACHE_DIR": cache}
        for side, src in sides.items()
    }
    base = ["simulate", "--days", str(opts.days), "--seed", "1", "--scheduler", "serial", "--json"]
    for env in envs.values():
        _run(["simulate", "--days", "30", "--replications", "2", "--scheduler", "serial",
              "--json"], env)  # fmt: skip
    print(f"{os.cpu_count()} CPUs; `simulate --days {opts.days} --replications "
          f"{opts.replications} --seed 1 --scheduler serial --json`")  # fmt: skip
    print("| side | run | wall (s) | user (s) | sys (s) | CPU (s) | load before → after |")
    print("|---|---|---|---|---|---|---|")
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    outputs: dict[str, Any] = {}
    for k in range(opts.repeat):
        for side, env in envs.items():
            t, data = _run([*base, "--replications", str(opts.replications)], env)
            runs[side].append(t)
            outputs.setdefault(side, data)
            print(
                f"| {side} | {k + 1} | {t['wall']:.1f} | {t['user']:.1f} | {t['sys']:.1f} |"
                f" {t['cpu']:.1f} | {t['load0']:.1f} → {t['load1']:.1f} |"
            )
    one = {side: _run([*base, "--replications", "1"], env)[0] for side, env in envs.items()}
    best = {side: min(r, key=lambda t: t["cpu"]) for side, r in runs.items()}
    b, a = best["before"], best["after"]
    print()
    print(f"best CPU: before {b['cpu']:.1f} s, after {a['cpu']:.1f} s, "
          f"before/after {b['cpu'] / a['cpu']:.2f}×; wall of those runs "
          f"{b['wall']:.1f} s and {a['wall']:.1f} s")  # fmt: skip
    for side in sides:
        o = one[side]
        per = (best[side]["cpu"] - o["cpu"]) / max(opts.replications - 1, 1)
        print(f"{side}: --replications 1 takes {o['cpu']:.2f} s CPU ({o['wall']:.1f} s wall); "
              f"each further replication {per:.3f} s CPU")  # fmt: skip
    same = outputs["before"] == outputs["after"]
    print(f"JSON outputs identical (but elapsed_s): {same}")


if __name__ == "__main__":
    main()
