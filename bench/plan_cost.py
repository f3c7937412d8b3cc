"""Server CPU time of one uncached ``POST /api/v1/plan``, and the p99 it allows under load.

A load test on a shared machine measures the other jobs as much as the service; CPU time per
request does not. This runs the endpoint's own work in-process (the names resolved, the
planner, the JSON answer: ``silkrail.service.routers.plan._plan``) for the 40 request bodies
of ``bench/service_load.py`` with the plan cache off, and reports CPU milliseconds per plan,
with and without legs. With C clients sending back to back and K idle cores, a request waits
for about C/K plans ahead of it, so p50 is about ``C * t / K``: p99 under 100 ms with 50
clients on 2 cores needs ``t`` under 4 ms.

    python bench/plan_cost.py                 # best of 3 passes over the 40 bodies
    PYTHONPATH=$BEFORE/src python bench/plan_cost.py   # another source tree
    python bench/plan_cost.py --before $BEFORE/src     # both trees in one run, side by side

With ``--before`` each tree runs in its own process, one pass at a time and in turn (before,
this tree, before, ...), so that a change of the machine's load hits both alike; the table
gives the best pass of each and the ratio.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from service_load import PAIRS, VARIANTS

import silkrail
from silkrail.service._state import NetworkState, load_state
from silkrail.service.routers import plan as plan_router
from silkrail.service.schemas import PlanRequest

CLIENTS, CORES, TARGET_MS = 50, 2, 100.0


def _pass(state: NetworkState, requests: list[PlanRequest]) -> float:
    """CPU ms per plan over one pass (failed plans, e.g. no route, count as work too)."""
    # Older trees take the network itself, newer ones the state (with its place names).
    first = next(iter(inspect.signature(plan_router._plan).parameters))
    subject = state.net if first == "net" else state
    t = time.process_time()
    for req in requests:
        try:
            plan_router._plan(subject, req, 200_000)  # type: ignore[arg-type]
        except Exception:  # a 422 (no route, unknown place) is work the server does too
            continue
    return (time.process_time() - t) / len(requests) * 1000


def _side_by_side(before: Path, repeat: int) -> None:
    """Run one pass of each tree in turn, `repeat` times, and print the best of each."""
    here = Path(__file__).resolve()
    trees = {"before": str(before.resolve()), "after": str(here.parents[1] / "src")}
    best: dict[str, dict[str, float]] = {}
    loads = [os.getloadavg()[0]]
    for _ in range(repeat):
        for name, src in trees.items():
            env = {**os.environ, "PYTHONPATH": src}
            out = subprocess.run(
                [sys.executable, str(here), "--repeat", "1", "--json"],
                env=env, check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            for label, ms in json.loads(out.splitlines()[-1]).items():
                row = best.setdefault(label, {})
                row[name] = min(row.get(name, float("inf")), ms)
            loads.append(os.getloadavg()[0])
    print(f"before: {trees['before']}\nafter:  {trees['after']}")
    print(f"load average (1 min) during the run: {min(loads):.1f} to {max(loads):.1f}")
    print(f"CPU ms per uncached plan, best of {repeat} passes over the 40 bodies:")
    print(f"{'':13s} {'before':>8s} {'after':>8s} {'after/before':>13s}")
    for label, row in best.items():
        b, a = row.get("before", float("nan")), row.get("after", float("nan"))
        print(f"{label:13s} {b:8.2f} {a:8.2f} {a / b:13.2f}")
    need = TARGET_MS * CORES / CLIENTS
    print(f"p99 < {TARGET_MS:.0f} ms with {CLIENTS} clients on {CORES} cores needs < {need:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--before", type=Path, default=None, help="src folder of the tree to compare with"
    )
    parser.add_argument("--json", action="store_true", help="print {row: ms} as JSON")
    opts = parser.parse_args()
    if opts.before is not None:
        _side_by_side(opts.before, opts.repeat)
        return
    state = load_state(None, plan_cache_size=0)
    bodies = [{"origin": o, "destination": d, **v} for o, d in PAIRS for v in VARIANTS]
    with_legs = [PlanRequest.model_validate(b) for b in bodies]
    fields = PlanRequest.model_fields
    no_legs = (
        [PlanRequest.model_validate({**b, "legs": False}) for b in bodies]
        if "legs" in fields
        else None
    )
    _pass(state, with_legs)  # warm: kernels, caches of the network
    rows = [("with legs", with_legs)] + ([("without legs", no_legs)] if no_legs else [])
    if opts.json:
        print(json.dumps({label: min(_pass(state, r) for _ in range(opts.repeat))
                          for label, r in rows}))  # fmt: skip
        return
    print(f"source: {silkrail.__file__}")
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, reqs in rows:
        ms = min(_pass(state, reqs) for _ in range(opts.repeat))
        p50 = CLIENTS * ms / CORES
        print(
            f"{label:13s} {ms:6.2f} ms CPU per uncached plan (best of {opts.repeat}); "
            f"{CLIENTS} clients on {CORES} idle cores: p50 about {p50:.0f} ms"
        )
    need = TARGET_MS * CORES / CLIENTS
    print(f"p99 < {TARGET_MS:.0f} ms with {CLIENTS} clients on {CORES} cores needs < {need:.1f} ms")


if __name__ == "__main__":
    main()
