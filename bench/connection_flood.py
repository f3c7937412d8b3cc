"""A flood of stalled connections against `silkrail serve` (issue 16).

Starts `silkrail serve` on the toy network in a process of its own with the default settings
(10 s read timeout, 1,000 connections), opens N connections that each send half a request
head and stall, then times one /health request and reads the server's CPU time and open file
descriptors from /proc. Linux only. Run the tree before a change with ``PYTHONPATH``:

    python bench/connection_flood.py                       # 6,000 connections
    python bench/connection_flood.py --connections 3000
    PYTHONPATH=$BEFORE/src python bench/connection_flood.py
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TOY = Path(__file__).parents[1] / "tests" / "data" / "toy"
PARTIAL_HEAD = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=6_000)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/v1/health"
    log = Path(tempfile.mkdtemp()) / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "silkrail", "serve", "--port", str(port)],
            env={**os.environ, "SILKRAIL_DATA": str(TOY)}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    socks: list[socket.socket] = []
    try:
        while True:
            try:
                httpx.get(url, timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        cpu0, t0 = _cpu_s(proc.pid), time.monotonic()
        failed = 0
        for _ in range(args.connections):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=30)
                s.sendall(PARTIAL_HEAD)
                socks.append(s)
            except OSError:
                failed += 1
        opened = time.monotonic() - t0
        fds = len(os.listdir(f"/proc/{proc.pid}/fd"))
        t1 = time.monotonic()
        status = httpx.get(url, timeout=120).status_code
        health = time.monotonic() - t1
        cpu = _cpu_s(proc.pid) - cpu0
    finally:
        for s in socks:
            s.close()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    print(f"connections opened: {args.connections - failed:,} in {opened:.2f} s ({failed} failed)")
    print(f"server file descriptors after opening: {fds:,}")
    print(f"/health: {status} in {health:.2f} s")
    print(f"server CPU during the flood: {cpu:.2f} s")
    print(f"server log: {log.stat().st_size:,} bytes")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
