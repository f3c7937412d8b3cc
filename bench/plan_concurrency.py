"""/health under 40 concurrent expensive plan requests (issue 16).

Starts the app under uvicorn in this process (8 via places and 50 routes allowed, plan cache
off), sends the review's 8-via request 40 times at once while polling /health 20 times, and
prints the latencies. The optional argument sets SILKRAIL_PLAN_MAX_CONCURRENT (default 2).

    python bench/plan_concurrency.py        # planner slots: 2
    python bench/plan_concurrency.py 64     # effectively unlimited (the thread pool has 40)
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "service"))
from test_plan_budget import EIGHT_VIA

from silkrail.service import Settings, create_app


async def _load(url: str) -> None:
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        await client.post("/api/v1/plan", json=EIGHT_VIA)  # warm
        health: list[float] = []

        async def poll() -> None:
            for _ in range(20):
                t = time.perf_counter()
                await client.get("/api/v1/health")
                health.append(time.perf_counter() - t)
                await asyncio.sleep(0.1)

        async def plan() -> tuple[float, int]:
            t = time.perf_counter()
            resp = await client.post("/api/v1/plan", json=EIGHT_VIA)
            return time.perf_counter() - t, resp.status_code

        t0 = time.perf_counter()
        plans, _ = await asyncio.gather(asyncio.gather(*[plan() for _ in range(40)]), poll())
        took = sorted(t for t, _ in plans)
        codes = sorted({c for _, c in plans})
        print(f"plans: p50 {took[20]:.2f} s, max {took[-1]:.2f} s, all done in "
              f"{time.perf_counter() - t0:.1f} s, statuses {codes}")  # fmt: skip
        print(f"/health: p50 {statistics.median(health):.3f} s, max {max(health):.3f} s")


def main() -> None:
    extra = {"plan_max_concurrent": int(sys.argv[1])} if len(sys.argv) > 1 else {}
    settings = Settings(plan_cache_size=0, plan_max_via=8, plan_max_routes=50, **extra)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    try:
        asyncio.run(_load(f"http://127.0.0.1:{port}"))
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main()
