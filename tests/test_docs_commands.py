"""Docs that run: every command in a README.md or docs/*.md block marked runnable.

The marker is an HTML comment on the line before the code fence (docs/cli.md, "Runnable
examples"):

- ``<!-- runnable -->``: every command of the block runs;
- ``<!-- runnable: slow -->``: the same, for blocks that take minutes (a year of simulation);
- ``<!-- runnable: needs-server -->``: collected and skipped, saying that they need a running
  ``silkrail serve`` (curl against it).

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
import subprocess
import sys
from pathlib import Path

import pytest

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


def _cases() -> list[object]:
    cases = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line, kind, language, body in _blocks(path):
            for k, command in enumerate(_commands(language, body), start=1):
                marks: list[pytest.MarkDecorator] = [pytest.mark.slow]
                if kind == "needs-server":
                    reason = "needs a running `silkrail serve` (the block is marked needs-server)"
                    marks.append(pytest.mark.skip(reason=reason))
                ident = f"{path.name}:{line}:{k}"
                cases.append(pytest.param(command, id=ident, marks=marks))
    return cases


CASES = _cases()


def test_some_commands_are_marked() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("command", CASES)
def test_documented_command_runs(command: str, tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, (
        f"{command}\nstdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}"
    )
