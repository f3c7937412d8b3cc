"""Warm ``plan`` time of this checkout against another source tree, side by side.

Each side runs in its own fresh process (``PYTHONPATH`` = its ``src``, one shared temporary
``NUMBA_CACHE_DIR``): it loads the packaged network, plans each case once untimed (loading the
compiled kernels), then times ``repeat`` plans of each case and reports the median. The two
sides alternate case by case, so a load spike on the shared machine hits both; CPU time is the
figure to read there (wall time counts the other jobs). Target: a warm plan under 50 ms median
(issue #3).

    python bench/plan_warm.py --before $BEFORE/src --repeat 20
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CASES = {
    "Chongqing -> Duisburg": {"origin": "Chongqing", "destination": "Duisburg"},
    "Chongqing -> Duisburg, avoiding RU, BY": {
        "origin": "Chongqing", "destination": "Duisburg", "avoid_countries": ["RU", "BY"],
    },
    "Almaty -> Tbilisi": {"origin": "Almaty", "destination": "Tbilisi"},
    "Yiwu -> Madrid": {"origin": "Yiwu", "destination": "Madrid"},
    "Beijing -> Baku": {"origin": "Beijing", "destination": "Baku"},
}  # fmt: skip

_CHILD = """
import json, statistics, sys, time
import silkrail
case, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
net = silkrail.load_network()
origin, destination = case.pop("origin"), case.pop("destination")
silkrail.plan(net, origin, destination, depart="2025-06-01", **case)
silkrail.plan(net, origin, destination, depart="2025-06-01", **case)
wall, cpu = [], []
for _ in range(repeat):
    t, c = time.perf_counter(), time.process_time()
    p = silkrail.plan(net, origin, destination, depart="2025-06-01", **case)
    wall.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps({"wall": 1000 * statistics.median(wall), "cpu": 1000 * statistics.median(cpu),
                  "rows": len(p.routes)}))
"""


def _median_ms(
    src: str, case: dict[str, object], repeat: int, cache: str
) -> tuple[float, float, int]:
    """Median wall and CPU ms of a warm plan of `case`, and the rows it shows."""
    env = {**os.environ, "PYTHONPATH": src, "NUMBA_CACHE_DIR": cache,
           "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(case), str(repeat)],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return float(result["wall"]), float(result["cpu"]), int(result["rows"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder to compare with")
    parser.add_argument("--repeat", type=int, default=20)
    opts = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="silkrail-bench-numba-")
    sides = {"before": str(opts.before.resolve()), "after": str(HERE / "src")}
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"| warm plan, median of {opts.repeat} | CPU before (ms) | CPU after (ms) | after/before"
          " | wall before (ms) | wall after (ms) | rows before | rows after |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, case in CASES.items():
        got = {side: _median_ms(src, dict(case), opts.repeat, cache) for side, src in sides.items()}
        (wb, cb, nb), (wa, ca, na) = got["before"], got["after"]
        cells = [f"{cb:.1f}", f"{ca:.1f}", f"{ca / cb:.2f}", f"{wb:.1f}", f"{wa:.1f}", nb, na]
        print(f"| {name} | " + " | ".join(map(str, cells)) + " |")


if __name__ == "__main__":
    main()
