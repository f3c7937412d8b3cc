"""The production example (deploy/nginx.conf): two workers of ``silkrail serve`` behind nginx.

Runs the file as written but for its ports and log paths (each replacement is checked, so the
file cannot drift from this test unnoticed). Needs nginx (.ci/run installs it in CI) and a
writable /var/lib/nginx for nginx's temporary files; skipped otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from ._live import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).parents[2]
CONF = ROOT / "deploy" / "nginx.conf"
TOY = ROOT / "tests" / "data" / "toy"
HOST = "silkrail.example.org"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(NGINX).is_file(), reason="nginx is not installed"),
    pytest.mark.skipif(
        not os.access("/var/lib/nginx", os.W_OK), reason="nginx's temporary folder is not ours"
    ),
]


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx.conf no longer contains {old!r}"
    return text.replace(old, new)


def _wait_http(url: str, host: str, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if httpx.get(url, headers={"host": host}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer in {seconds} s")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("deploy")
    app_port, proxy_port = free_port(), free_port()
    env = {
        **os.environ,
        "SILKRAIL_ALLOWED_HOSTS": json.dumps([HOST]),
        "SILKRAIL_DATA": str(TOY),
    }
    serve = subprocess.Popen(
        [sys.executable, "-m", "silkrail", "serve", "--workers", "2", "--port", str(app_port),
         "--jobs-dir", str(tmp / "jobs")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    conf = CONF.read_text(encoding="utf-8")
    conf = _replace(conf, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    conf = _replace(conf, "listen 8080 default_server;", f"listen {proxy_port} default_server;")
    conf = _replace(conf, "listen 8080;", f"listen {proxy_port};")
    conf = _replace(conf, "/var/log/nginx/silkrail-access.log", str(tmp / "access.log"))
    conf = _replace(conf, "/var/log/nginx/silkrail-error.log", str(tmp / "error.log"))
    # Short enough for a test: the header timeout is checked below.
    conf = _replace(conf, "client_header_timeout 10s;", "client_header_timeout 2s;")
    (tmp / "nginx.conf").write_text(conf, encoding="utf-8")
    check = subprocess.run(
        [NGINX, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
         "-g", f"pid {tmp / 'nginx.pid'}; error_log {tmp / 'startup.log'};"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
         "-g", f"daemon off; pid {tmp / 'nginx.pid'}; error_log {tmp / 'startup.log'};"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{proxy_port}"
    try:
        _wait_http(f"{url}/api/v1/health", HOST, 120)
        yield url
    finally:
        nginx.send_signal(signal.SIGQUIT)
        serve.send_signal(signal.SIGINT)
        for proc in (nginx, serve):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_the_api_is_served_through_the_proxy(proxy: str) -> None:
    with httpx.Client(base_url=proxy, headers={"host": HOST}, timeout=10) as client:
        health = client.get("/api/v1/health").json()
        assert health["status"] == "ok"
        assert health["network"]["nodes"] == 5
        trip = {"origin": "Alpha", "destination": "Epsilon"}
        resp = client.post("/api/v1/plan", json=trip)
        assert resp.status_code == 200
        assert resp.json()["routes"]
        # The body limit is nginx's first.
        big = client.post("/api/v1/plan", content=b"{" + b" " * 70_000 + b"}")
        assert big.status_code == 413


def test_other_host_names_are_dropped(proxy: str) -> None:
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{proxy}/api/v1/health", headers={"host": "evil.example"}, timeout=5)


def test_a_stalled_request_head_is_closed(proxy: str) -> None:
    port = int(proxy.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET /api/v1/health HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode())
        start = time.monotonic()
        try:
            data = s.recv(4096)
        except ConnectionResetError:
            data = b""
        took = time.monotonic() - start
    assert took < 8  # client_header_timeout (2 s here) and nginx's own 408
    assert data == b"" or data.startswith(b"HTTP/1.1 408")
