"""Server time of the most expensive plan requests, with and without a budget.

The requests (tests/service/test_plan_budget.py), sent to an in-process app serving the
packaged network: the review's 8 via places far apart with ``include_planned`` and
``max_routes: 50`` ("eight via"), and Yiwu -> Madrid via Irun and then Małaszewicze, an order
no train takes, with the same options ("backtrack"). Three configurations:

- ``unbounded``: the limits of the service before issue 16 (8 via places, 50 routes, a label
  budget of 2**24, the search's old per-run cap);
- ``budget``: 8 via places and 50 routes allowed, the default label budget;
- ``default``: the default settings (4 via places, 20 routes).

Run from the repository root (needs the ``service`` extra)::

    python bench/plan_budget.py
    python bench/plan_budget.py --skip-unbounded   # the unbounded run takes about a minute
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "service"))
from test_plan_budget import BACKTRACK_VIA, EIGHT_VIA

from silkrail.service import Settings, create_app

CONFIGS = {
    "unbounded": {"plan_max_via": 8, "plan_max_routes": 50, "plan_max_labels": 1 << 24},
    "budget": {"plan_max_via": 8, "plan_max_routes": 50},
    "default": {},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-unbounded", action="store_true")
    args = parser.parse_args()
    print(f"{'request':<10} {'config':<10} {'status':>6} {'code':<14} wall s / cpu s (each run)")
    for request, body in (("eight via", EIGHT_VIA), ("backtrack", BACKTRACK_VIA)):
        for name, extra in CONFIGS.items():
            # Unbounded, the backtracking request searches for many minutes (2,000,000
            # labels alone took 175 s): it is run with budgets only.
            if name == "unbounded" and (args.skip_unbounded or body is BACKTRACK_VIA):
                continue
            _run(request, body, name, extra)


def _run(request: str, body: dict[str, object], name: str, extra: dict[str, int]) -> None:
    """Send `body` to an app with the settings of config `name`; print wall and CPU time."""
    # Cache off: every request runs the planner. The `with` runs the start-up warm-up.
    took = []
    settings = Settings(plan_cache_size=0, allowed_hosts=("testserver",), **extra)
    with TestClient(create_app(settings)) as client:
        for _ in range(1 if name == "unbounded" else 3):
            t, c = time.perf_counter(), time.process_time()
            resp = client.post("/api/v1/plan", json=body)
            took.append((time.perf_counter() - t, time.process_time() - c))
    code = resp.json().get("code", "") if resp.status_code != 200 else ""
    runs = "  ".join(f"{w:.3f}/{c:.3f}" for w, c in took)
    print(f"{request:<10} {name:<10} {resp.status_code:>6} {code:<14} {runs}", flush=True)


if __name__ == "__main__":
    main()
