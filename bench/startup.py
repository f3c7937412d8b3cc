"""Start-up cost of silkrail processes: this checkout against another source tree, side by side.

Each command runs as a fresh process (after one untimed run, so numba's cache is warm), a few
times; the table gives the run with the least CPU time (wall time, CPU time, peak RSS), for
``--before`` (e.g. the main checkout's ``src``) and this checkout, and the ratio. Both sides
run with the same interpreter and a shared, temporary ``NUMBA_CACHE_DIR``. Warm also means
Python's bytecode cache: ``PYTHONDONTWRITEBYTECODE`` is dropped for the runs, so the untimed
first run writes ``__pycache__`` as any installed package has it (otherwise every process
compiles silkrail's own modules from source again, about 0.1 s).

After the table, the commands with a whole-process target (``silkrail assign`` on SiouxFalls,
warm, < 0.8 s: issue 16) get the median of the runs of each side, CPU and wall, and whether
the target is met in each; wall time counts only as far as the load average allows (the
load is printed before and after).

Usage::

    python bench/startup.py --before $BEFORE/src --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
TNTP = HERE.parent / "shared" / "benchmarks" / "tntp" / "SiouxFalls"

COMMANDS = {
    "import silkrail": ["-c", "import silkrail"],
    "silkrail --help": ["-m", "silkrail.cli", "--help"],
    "assign SiouxFalls": [
        "-m",
        "silkrail.cli",
        "assign",
        "--net",
        str(TNTP / "SiouxFalls_net.tntp"),
        "--trips",
        str(TNTP / "SiouxFalls_trips.tntp"),
    ],
    "plan Chongqing Duisburg": ["-m", "silkrail.cli", "plan", "Chongqing", "Duisburg"],
}
# Whole-process targets, seconds (issue 16).
TARGETS = {"assign SiouxFalls": 0.8}


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one process."""
    import time

    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        msg = f"{args} failed"
        raise RuntimeError(msg)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder to compare with")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", action="append", choices=list(COMMANDS), help="this command")
    opts = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="silkrail-bench-numba-")
    sides = {"before": str(opts.before.resolve()), "after": str(HERE / "src")}
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("| command | wall before (s) | wall after (s) | CPU before (s) | CPU after (s) |"
          " CPU before/after | RSS before (MB) | RSS after (MB) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    chosen = set(opts.only or COMMANDS)
    medians: dict[str, dict[str, tuple[float, float]]] = {}
    for name, args in COMMANDS.items():
        if name not in chosen:
            continue
        envs = {}
        for side, src in sides.items():
            env = {**os.environ, "PYTHONPATH": src, "NUMBA_CACHE_DIR": cache}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            _run(args, env)  # warm numba's cache, the bytecode cache and the OS file cache
            envs[side] = env
        # The sides alternate, so that a change in the machine's load hits both alike; the
        # fastest run by CPU time counts (wall time is noisy on a shared machine).
        runs: dict[str, list[tuple[float, float, float]]] = {side: [] for side in sides}
        for _ in range(opts.repeat):
            for side, env in envs.items():
                runs[side].append(_run(args, env))
        best = {side: min(r, key=lambda run: run[1]) for side, r in runs.items()}
        b, a = best["before"], best["after"]
        print(
            f"| {name} | {b[0]:.2f} | {a[0]:.2f} | {b[1]:.2f} | {a[1]:.2f} |"
            f" {b[1] / a[1]:.1f}× | {b[2]:.0f} | {a[2]:.0f} |"
        )
        if name in TARGETS:
            medians[name] = {
                side: (
                    statistics.median(run[1] for run in r),
                    statistics.median(run[0] for run in r),
                )
                for side, r in runs.items()
            }
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    for name, by_side in medians.items():
        target = TARGETS[name]
        print(f"\n{name}, median of {opts.repeat} warm runs, target < {target} s:")
        print("| side | CPU (s) | wall (s) | CPU target | wall target |")
        print("|---|---|---|---|---|")
        for side, (cpu, wall) in by_side.items():
            verdict = ["met" if v < target else "not met" for v in (cpu, wall)]
            print(f"| {side} | {cpu:.2f} | {wall:.2f} | {verdict[0]} | {verdict[1]} |")


if __name__ == "__main__":
    main()
