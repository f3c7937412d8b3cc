"""Docs that run: every command in a README.md or docs/*.md block marked runnable.

The marker is an HTML comment on the line before the code fence (docs/cli.md, "Runnable
examples"):

- ``<!-- runnable -->``: every command of the block runs;
- ``<!-- runnable: slow -->``: the same, for blocks that take minutes (a year of simulation);
- ``<!-- runnable: needs-server -->``: the whole block runs as one script (curl against
  ``localhost:8000``, which points at a ``silkrail serve`` the test starts on a free port).

In a ``bash`` block every line that is not a comment is a command (a trailing ``\\`` joins
the next line); in a ``text`` block only the lines that start with ``$ `` are. Commands run
with bash, with this environment's ``silkrail`` and ``python3`` first on the PATH, in a fresh
folder where ``examples/`` is the repository's, so that the files they write go nowhere.

Each command starts a Python process and loads the network (seconds each, more on a loaded
machine), so all of them are slow tests: ``pytest -m slow tests/test_docs_commands.py``. The
default suite only checks that the markers parse and name enough commands.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .service._live import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^<!--\s*runnable(?::\s*([a-z-]+))?\s*-->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")
KINDS = ("", "slow", "needs-server")


def _blocks(path: Path) -> list[tuple[int, str, str, list[str]]]:
    """Return the marked blocks of a Markdown file: (line, kind, language, lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines[:-1]):
        m = MARKER.match(line)
        fence = FENCE.match(lines[i + 1])
        if m is None:
            continue
        kind = m.group(1) or ""
        if kind not in KINDS or fence is None:
            msg = f"{path.name}:{i + 1}: a runnable marker must be one of {KINDS} before a fence"
            raise AssertionError(msg)
        body = []
        for text in lines[i + 2 :]:
            if FENCE.match(text):
                break
            body.append(text)
        out.append((i + 1, kind, fence.group(1), body))
    return out


def _commands(language: str, body: list[str]) -> list[str]:
    if language == "text":
        return [line[2:].strip() for line in body if line.startswith("$ ")]
    commands: list[str] = []
    pending = ""
    for line in body:
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        commands.append(pending.strip())
        pending = ""
    return commands


def _cases(*, server: bool = False) -> list[object]:
    """Commands of the runnable blocks; with `server`, the needs-server blocks as scripts."""
    cases = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line, kind, language, body in _blocks(path):
            if (kind == "needs-server") != server:
                continue
            if server:
                # One script: a later command reads what an earlier one wrote (a job's id).
                assert language == "bash", f"{path.name}:{line}: a needs-server block is bash"
                script = "\n".join(body)
                cases.append(pytest.param(script, id=f"{path.name}:{line}", marks=pytest.mark.slow))
                continue
            for k, command in enumerate(_commands(language, body), start=1):
                ident = f"{path.name}:{line}:{k}"
                cases.append(pytest.param(command, id=ident, marks=pytest.mark.slow))
    return cases


CASES = _cases()
SERVER_CASES = _cases(server=True)


def test_some_commands_are_marked() -> None:
    assert len(CASES) >= 10
    assert len(SERVER_CASES) >= 2


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    (cwd / "examples").symlink_to(ROOT / "examples")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _failed(command: str, done: subprocess.CompletedProcess[str]) -> str:
    return f"{command}\nstdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}"


@pytest.mark.parametrize("command", CASES)
def test_documented_command_runs(command: str, tmp_path: Path) -> None:
    done = _run(command, tmp_path)
    assert done.returncode == 0, _failed(command, done)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``silkrail serve`` on the packaged network, on a free port: its ``host:port``."""
    port = free_port()
    folder = tmp_path_factory.mktemp("server")
    env = {**os.environ, "SILKRAIL_SIM_JOBS_DIR": str(folder / "jobs")}
    cmd = [sys.executable, "-m", "silkrail", "serve", "--port", str(port), "--no-access-log"]
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    address = f"localhost:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, (folder / "server.log").read_text()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("script", SERVER_CASES)
def test_documented_server_example_runs(script: str, server: str, tmp_path: Path) -> None:
    pointed = script.replace("localhost:8000", server)
    assert pointed != script, "a needs-server block talks to localhost:8000"
    done = _run(pointed, tmp_path)
    assert done.returncode == 0, _failed(pointed, done)
    # curl -s exits 0 on a 4xx or 5xx: the error body tells.
    assert '"code":' not in done.stdout, _failed(pointed, done)
    assert done.stdout.strip(), _failed(pointed, done)
