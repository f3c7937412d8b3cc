"""``silkrail serve --workers N``: each worker accepts on a socket of its own; they share load."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import psutil
import pytest

from silkrail.service._workers import listening_socket, spreads_connections

from ._live import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.skipif(
    not spreads_connections(), reason="SO_REUSEPORT spreads connections only on Linux"
)


@pytest.fixture
def served(toy_dir: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    env = {**os.environ, "SILKRAIL_SIM_JOBS_DIR": str(tmp_path / "jobs")}
    cmd = [sys.executable, "-m", "silkrail", "serve", "--workers", "2", "--port", str(port),
           "--data", str(toy_dir)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_workers(proc, port, 2)
        yield proc, port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - only if shutdown hangs
            proc.kill()
            proc.wait()


def _workers(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    out = []
    for child in psutil.Process(proc.pid).children():
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                child.net_connections()  # a killed worker not yet reaped cannot answer
                out.append(child)
        except psutil.Error:
            continue
    return out


def _wait_for_workers(proc: subprocess.Popen[bytes], port: int, n: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        listening = [
            w for w in _workers(proc)
            if any(c.status == "LISTEN" and c.laddr.port == port for c in w.net_connections())
        ]  # fmt: skip
        if len(listening) == n:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"{n} workers did not come up listening on {port}")


def _burst(port: int, n: int) -> list[socket.socket]:
    """Open `n` connections at once, then send a request on each and read its answer."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(n)]
    head = f"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    for s in socks:
        s.sendall(head)
    for s in socks:
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
    return socks


def test_sockets_bind_one_port_together() -> None:
    a = listening_socket("127.0.0.1", 0)
    b = listening_socket("127.0.0.1", a.getsockname()[1])
    try:
        assert a.getsockname() == b.getsockname()
    finally:
        a.close()
        b.close()


def test_a_burst_of_connections_is_spread_over_the_workers(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    # uvicorn's shared socket put 35/15, 42/8 and 44/6 of 50 such connections on the workers
    # (the first to wake accepts all that wait); by hash, fewer than 15 of 60 on one worker
    # has a probability of about 1e-4.
    proc, port = served
    socks = _burst(port, 60)
    try:
        mine = {s.getsockname()[1] for s in socks}
        held = [
            sum(c.status == "ESTABLISHED" and c.raddr and c.raddr.port in mine
                for c in w.net_connections(kind="tcp"))
            for w in _workers(proc)
        ]  # fmt: skip
        assert sum(held) == 60
        assert min(held) >= 15, held
    finally:
        for s in socks:
            s.close()


def test_each_worker_listens_on_a_socket_of_its_own(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    proc, port = served
    inodes = []
    for w in _workers(proc):
        fds = {os.readlink(f"/proc/{w.pid}/fd/{name}") for name in os.listdir(f"/proc/{w.pid}/fd")}
        inodes.append(fds & _listen_inodes(port))
    # One listening socket each, and not the same one (uvicorn shares one between them).
    assert all(len(i) == 1 for i in inodes), inodes
    assert inodes[0] != inodes[1]


def _listen_inodes(port: int) -> set[str]:
    """Socket inodes (as ``socket:[N]``) listening on `port` of 127.0.0.1, from /proc/net/tcp."""
    out = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and int(local.split(":")[1], 16) == port:  # 0A: LISTEN
            out.add(f"socket:[{inode}]")
    return out


def test_a_dead_workers_socket_stops_taking_connections(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    # A socket left open after its worker died would still get half the new connections,
    # and nobody would answer them; the supervisor holds no listening socket of its own.
    proc, port = served
    _workers(proc)[0].kill()
    _wait_for_workers(proc, port, 2)
    supervisor = psutil.Process(proc.pid).net_connections()
    assert not [c for c in supervisor if c.status == "LISTEN"]
    for s in _burst(port, 40):
        s.close()
