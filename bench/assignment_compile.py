"""First-use compilation of the assignment engine: this checkout against another source tree.

Each case runs as a fresh process with an empty, temporary ``NUMBA_CACHE_DIR`` (so every
kernel it needs compiles), then once more with that cache filled (so every kernel loads).
The table gives CPU seconds (user + system) of the whole process, the least of ``--repeat``
runs (the two trees alternating), for ``--before`` (e.g. the main checkout's ``src``) and
this checkout. CPU time is given because the machine may be shared: wall time then moves
from run to run.

Cases: the default method (``bfw``) on a two-link network, Algorithm B on the same, and every
method plus the skims (what ``silkrail warmup`` compiles for assignment).

Usage::

    python bench/assignment_compile.py --before $BEFORE/src --repeat 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

_NET = """
import numpy as np
import silkrail
net = silkrail.TrafficNetwork(
    init_node=np.array([1, 1, 2]), term_node=np.array([2, 2, 1]), capacity=np.ones(3),
    length=np.ones(3), free_flow_time=np.array([1.0, 2.0, 1.0]),
    b=np.array([1.0, 0.25, 0.15]), power=np.array([1.0, 1.0, 4.0]), toll=np.zeros(3),
    num_nodes=2, num_zones=2)
demand = np.array([[0.0, 4.0], [1.0, 0.0]])
"""

CASES = {
    "assign, method bfw (the default)": _NET + "silkrail.assign(net, demand, method='bfw')",
    "assign, method algb": _NET + "silkrail.assign(net, demand, method='algb')",
    "every method and the skims (warmup)": _NET
    + "for m in silkrail.ASSIGNMENT_METHODS:\n"
    + "    r = silkrail.assign(net, demand, method=m, rgap=1e-6, max_iter=20)\n"
    + "silkrail.assignment_skims(net, r)",
}


def _cpu(code: str, env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one process running ``code``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        msg = f"case failed: {err}"
        raise RuntimeError(msg)
    return usage.ru_utime + usage.ru_stime


def _cold_and_warm(code: str, src: str) -> tuple[float, float]:
    cache = tempfile.mkdtemp(prefix="silkrail-bench-numba-")
    env = {**os.environ, "PYTHONPATH": src, "NUMBA_CACHE_DIR": cache}
    try:
        return _cpu(code, env), _cpu(code, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder to compare with")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", action="append", choices=list(CASES), help="this case")
    opts = parser.parse_args()
    sides = {"before": str(opts.before.resolve()), "after": str(HERE / "src")}
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("| case | cold before (CPU s) | cold after (CPU s) | before/after |"
          " warm before (CPU s) | warm after (CPU s) |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, code in CASES.items():
        if opts.only and name not in opts.only:
            continue
        # The sides alternate, so that a change in the machine's load hits both alike.
        runs: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
        for _ in range(opts.repeat):
            for side, src in sides.items():
                runs[side].append(_cold_and_warm(code, src))
        (cb, wb), (ca, wa) = (
            (min(r[0] for r in runs[side]), min(r[1] for r in runs[side])) for side in sides
        )
        print(f"| {name} | {cb:.2f} | {ca:.2f} | {cb / ca:.1f}× | {wb:.2f} | {wa:.2f} |")


if __name__ == "__main__":
    main()
