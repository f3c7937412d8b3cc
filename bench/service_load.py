"""Load test of the silkrail service: concurrent clients on loopback driving ``POST /api/v1/plan``.

Starts the app under uvicorn (one process, as ``silkrail serve`` runs it) on a free port of
127.0.0.1, warms it up, then lets N concurrent clients send plan requests back to back until a
request count or a time limit is reached, and reports latency percentiles, throughput and
errors. Two scenarios:

- ``cached``: the server's plan cache is on (the default) and every request body was seen
  during warm-up, so each answer is a cache hit — what repeated queries cost;
- ``uncached``: ``SILKRAIL_PLAN_CACHE_SIZE=0``, so every request runs the planner.

By default the clients send back to back (a closed loop: the server is saturated, and the
latency is mostly the queue of the other clients' plans). With ``--rate R`` requests arrive
at random (Poisson, seeded) at R a second on average, whoever is free sends the next one, and
each latency counts from the request's scheduled time (so a backlog of the clients counts
too): the latency users see at a given load.

Run from the repository root (needs the ``service`` extra)::

    python bench/service_load.py                       # both scenarios, 50 clients
    python bench/service_load.py --scenario uncached --requests 500 --json
    python bench/service_load.py --scenario uncached --rate 40 --requests 1200 --no-legs

Only loopback is used; every loop is bounded in count and time, and the server is stopped at the
end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

HOST = "127.0.0.1"
# Well-known pairs of the packaged corridor network, with a few constraint variants.
PAIRS: list[tuple[str, str]] = [
    ("Chongqing", "Duisburg"),
    ("Xi'an", "Warsaw"),
    ("Yiwu", "Madrid"),
    ("Chengdu", "Lodz"),
    ("Wuhan", "Hamburg"),
    ("Zhengzhou", "Budapest"),
    ("Almaty", "Istanbul"),
    ("Urumqi", "Rotterdam"),
    ("Shanghai", "Milan"),
    ("Tashkent", "Berlin"),
]
VARIANTS: list[dict[str, Any]] = [
    {},
    {"avoid_countries": ["RU", "BY"]},
    {"modes": ["rail", "ferry"]},
    {"max_routes": 3, "container": "20"},
]


@dataclass
class Result:
    scenario: str
    clients: int
    requests: int
    errors: int
    seconds: float
    throughput_rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    offered_rps: float | None = None
    # CPU of the server's processes (supervisor and workers) over the measured requests,
    # per request: what the planner and HTTP cost under this load, whatever the client takes.
    server_cpu_ms_per_request: float | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _start_server(
    port: int, *, cache: bool, data: Path | None, workers: int, server: str = "silkrail"
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["SILKRAIL_PLAN_CACHE_SIZE"] = "4096" if cache else "0"
    if data is not None:
        env["SILKRAIL_DATA"] = str(data)
    if server == "silkrail":
        # As deployed: one socket per worker, the kernel spreading connections over them.
        cmd = [sys.executable, "-m", "silkrail", "serve", "--host", HOST, "--port", str(port),
               "--workers", str(workers), "--no-access-log"]  # fmt: skip
        return subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    # uvicorn's own workers, which share one listening socket (silkrail serve before 2026-12).
    cmd = [
        sys.executable, "-m", "uvicorn", "--factory", "silkrail.service:create_app",
        "--host", HOST, "--port", str(port), "--log-level", "warning", "--no-access-log",
        "--workers", str(workers),
    ]  # fmt: skip
    return subprocess.Popen(cmd, env=env)


def _tree_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of a process and its children, from ``/proc`` (Linux)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = entry.read_text()
        except OSError:  # the process ended while we looked
            continue
        # Fields after the command name (in parentheses, which may hold spaces).
        fields = text.rsplit(")", 1)[1].split()
        stats[int(entry.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    if pid not in stats:
        return None
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += stats[p][1]
        todo += [c for c, (parent, _) in stats.items() if parent == p]
    return total


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become ready in time")


def _bodies(
    base: str, *, data: Path | None, legs: bool = True, seed: int = 7
) -> list[dict[str, Any]]:
    """Plan bodies that the network answers with 200 (checked once, which also warms up)."""
    if data is None:
        pairs = PAIRS
    else:
        # A user network: sample pairs of its terminals and ports.
        gj = httpx.get(f"{base}/api/v1/network", timeout=30).json()
        ids = [
            f["properties"]["id"]
            for f in gj["features"]
            if f["properties"]["layer"] == "node"
            and f["properties"]["kind"] in {"terminal", "port"}
        ]
        rng = random.Random(seed)
        pairs = [(a, b) for a, b in (rng.sample(ids, 2) for _ in range(10))]
    candidates = [{"origin": o, "destination": d, **v} for o, d in pairs for v in VARIANTS]
    if not legs:
        candidates = [{**c, "legs": False} for c in candidates]
    ok = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for body in candidates:
            if client.post("/api/v1/plan", json=body).status_code == 200:
                ok.append(body)
    if not ok:
        raise SystemExit("no request body was answered with a route")
    return ok


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes, body: bytes
) -> int:
    """Send one keep-alive HTTP/1.1 request and read the whole response; return its status."""
    writer.write(head + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _drive(
    port: int,
    bodies: list[dict[str, Any]],
    *,
    clients: int,
    requests: int,
    duration: float,
    rate: float | None = None,
    seed: int = 7,
) -> tuple[list[float], dict[str, int], int, float]:
    # A minimal HTTP/1.1 client on asyncio streams, one keep-alive connection per client:
    # a full-featured client library costs more CPU per request than the server's cache hit,
    # and would measure itself instead of the server.
    encoded = []
    for body in bodies:
        data = json.dumps(body).encode()
        head = (
            f"POST /api/v1/plan HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            "Content-Type: application/json\r\nAccept-Encoding: gzip\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        ).encode()
        encoded.append((head, data))
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    issued = 0
    # Connect every client first: keep-alive connections are opened once in real use, so
    # the connection burst is not part of the measured latencies.
    conns = await asyncio.gather(*(asyncio.open_connection(HOST, port) for _ in range(clients)))
    # Open loop: seeded Poisson arrival times (s after the start), one per request.
    arrivals = (
        np.cumsum(np.random.default_rng(seed).exponential(1.0 / rate, requests)).tolist()
        if rate
        else None
    )
    start = time.perf_counter()
    deadline = start + duration

    async def client_loop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal issued, errors
        try:
            while issued < requests and time.perf_counter() < deadline:
                i = issued
                issued += 1  # before any await: each request is taken by one client
                head, data = encoded[i % len(encoded)]
                t0 = time.perf_counter()
                if arrivals is not None:
                    t0 = start + arrivals[i]
                    await asyncio.sleep(max(t0 - time.perf_counter(), 0.0))
                try:
                    code = await asyncio.wait_for(_request(reader, writer, head, data), 30)
                    status = str(code)
                    if code != 200:
                        errors += 1
                except (OSError, ValueError, TimeoutError, asyncio.IncompleteReadError) as exc:
                    status = type(exc).__name__
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                latencies.append(time.perf_counter() - t0)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(client_loop(r, w) for r, w in conns))
    return latencies, statuses, errors, time.perf_counter() - start


def run(
    scenario: str,
    *,
    clients: int,
    requests: int,
    duration: float,
    data: Path | None,
    workers: int = 1,
    legs: bool = True,
    rate: float | None = None,
    server: str = "silkrail",
) -> Result:
    port = _free_port()
    base = f"http://{HOST}:{port}"
    proc = _start_server(
        port, cache=scenario == "cached", data=data, workers=workers, server=server
    )
    try:
        _wait_ready(base, proc)
        bodies = _bodies(base, data=data, legs=legs)
        cpu_before = _tree_cpu_seconds(proc.pid)
        lat, statuses, errors, seconds = asyncio.run(
            _drive(port, bodies, clients=clients, requests=requests, duration=duration, rate=rate)
        )
        cpu_after = _tree_cpu_seconds(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    ms = np.asarray(lat) * 1000
    return Result(
        scenario=scenario,
        clients=clients,
        requests=len(lat),
        errors=errors,
        seconds=round(seconds, 2),
        throughput_rps=round(len(lat) / seconds, 1),
        p50_ms=round(float(np.percentile(ms, 50)), 1),
        p90_ms=round(float(np.percentile(ms, 90)), 1),
        p99_ms=round(float(np.percentile(ms, 99)), 1),
        max_ms=round(float(ms.max()), 1),
        statuses=statuses,
        offered_rps=rate,
        server_cpu_ms_per_request=(
            round((cpu_after - cpu_before) * 1000 / len(lat), 2)
            if cpu_before is not None and cpu_after is not None and lat
            else None
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="requests per scenario (5000 cached, 600 uncached)",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="time cap per scenario, s")
    parser.add_argument(
        "--scenario", choices=["cached", "uncached", "both"], default="both", help="(both)"
    )
    parser.add_argument("--data", type=Path, default=None, help="network (default: packaged)")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes, as `silkrail serve --workers` (1)"
    )
    parser.add_argument(
        "--no-legs", action="store_true", help='ask for answers without legs ("legs": false)'
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="open loop: requests arrive at random at this many a second (default: back to back)",
    )
    parser.add_argument(
        "--server",
        choices=["silkrail", "uvicorn"],
        default="silkrail",
        help="run `silkrail serve` (a socket per worker, default) or uvicorn's own workers "
        "(one shared socket)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    if args.rate is not None and not 0 < args.rate <= 10_000:
        parser.error("--rate must be in (0, 10000] requests a second")
    if not 1 <= args.clients <= 500:
        parser.error("--clients must be between 1 and 500")
    if args.requests is not None and not 1 <= args.requests <= 1_000_000:
        parser.error("--requests must be between 1 and 1000000")
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be between 1 and 16")
    if not 0 < args.duration <= 600:
        parser.error("--duration must be in (0, 600] seconds")
    scenarios = ["cached", "uncached"] if args.scenario == "both" else [args.scenario]
    results = []
    for scenario in scenarios:
        n = args.requests or (5000 if scenario == "cached" else 600)
        results.append(
            run(
                scenario,
                clients=args.clients,
                requests=n,
                duration=args.duration,
                data=args.data,
                workers=args.workers,
                legs=not args.no_legs,
                rate=args.rate,
                server=args.server,
            )
        )
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
        return
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"POST /api/v1/plan, {args.clients} concurrent clients on loopback, "
        f"{args.workers} server process(es) ({args.server})"
        + (", answers without legs" if args.no_legs else "")
        + (f", Poisson arrivals at {args.rate:g}/s" if args.rate else ", back to back")
    )
    print(f"{os.cpu_count()} CPUs; load average after the run: {load}")
    head = f"{'scenario':<10}{'requests':>9}{'errors':>7}{'req/s':>8}"
    head += f"{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'srv CPU':>9}"
    print(head)
    for r in results:
        cpu = "n/a" if r.server_cpu_ms_per_request is None else f"{r.server_cpu_ms_per_request:.2f}"
        print(
            f"{r.scenario:<10}{r.requests:>9}{r.errors:>7}{r.throughput_rps:>8.0f}"
            f"{r.p50_ms:>9.1f}{r.p90_ms:>9.1f}{r.p99_ms:>9.1f}{r.max_ms:>9.1f}{cpu:>9}"
        )
    print("srv CPU: CPU ms of the server's processes per request, over the measured requests")


if __name__ == "__main__":
    main()
