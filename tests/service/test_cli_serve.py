"""``silkrail serve``: options, network check before listening, and the uvicorn call."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from click.testing import CliRunner
from fastapi import FastAPI

import silkrail._cli_serve
import silkrail.service._workers
from silkrail._cli_serve import serve
from silkrail.service import get_settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    # `serve --data` passes the path on through SILKRAIL_DATA: restore the environment after.
    for name in ("SILKRAIL_DATA", "SILKRAIL_SIM_JOBS_DIR"):
        monkeypatch.setenv(name, "unset")
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    seen: list[dict[str, Any]] = []

    def fake_run(app: object, **kwargs: Any) -> None:
        # What the workers would see while the server runs.
        seen.append({"app": app, "jobs_dir": get_settings().sim_jobs_dir, **kwargs})
        jobs_dir = seen[-1]["jobs_dir"]
        seen[-1]["jobs_dir_exists"] = jobs_dir is not None and jobs_dir.is_dir()

    def fake_workers(config: uvicorn.Config) -> None:
        # silkrail serve --workers N on Linux: a socket per worker (silkrail.service._workers).
        fake_run(
            config.app,
            host=config.host,
            port=config.port,
            workers=config.workers,
            factory=config.factory,
        )

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(silkrail.service._workers, "run_workers", fake_workers)
    # The real ports may be taken on a shared machine; test_busy_port_is_a_usage_error binds.
    monkeypatch.setattr(silkrail._cli_serve, "check_port", lambda host, port: None)
    yield seen
    get_settings.cache_clear()


def test_serve_defaults_to_loopback_8000(calls: list[dict[str, Any]], toy_dir: Path) -> None:
    result = CliRunner().invoke(serve, ["--data", str(toy_dir)])
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1"
    assert calls[0]["port"] == 8000
    assert isinstance(calls[0]["app"], FastAPI)
    assert "5 nodes and 4 links" in result.output
    assert get_settings().data == toy_dir.resolve()


def test_serve_host_and_port(calls: list[dict[str, Any]], toy_dir: Path) -> None:
    args = ["--host", "0.0.0.0", "--port", "8123", "--data", str(toy_dir)]
    result = CliRunner().invoke(serve, args)
    assert result.exit_code == 0, result.output
    assert (calls[0]["host"], calls[0]["port"]) == ("0.0.0.0", 8123)


def test_serve_workers_build_the_app_from_the_environment(
    calls: list[dict[str, Any]], toy_dir: Path
) -> None:
    result = CliRunner().invoke(serve, ["--workers", "2", "--data", str(toy_dir)])
    assert result.exit_code == 0, result.output
    assert calls[0]["app"] == "silkrail.service:create_app"
    assert calls[0]["factory"] is True
    assert calls[0]["workers"] == 2


def test_serve_rejects_a_bad_port(calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(serve, ["--port", "70000"])
    assert result.exit_code == 2
    assert "--port" in result.output
    assert not calls


def test_serve_refuses_an_invalid_network(calls: list[dict[str, Any]], toy_dir: Path) -> None:
    links = toy_dir / "links.csv"
    links.write_text(links.read_text().replace(",477,", ",-5,"), encoding="utf-8")
    result = CliRunner().invoke(serve, ["--data", str(toy_dir)])
    assert result.exit_code == 3
    assert "invalid" in result.output
    assert not calls


def test_serve_default_is_the_environment(
    calls: list[dict[str, Any]], toy_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SILKRAIL_DATA", str(toy_dir))
    result = CliRunner().invoke(serve, [])
    assert result.exit_code == 0, result.output
    assert "5 nodes" in result.output


def test_serve_help() -> None:
    result = CliRunner().invoke(serve, ["--help"])
    assert result.exit_code == 0
    assert "--host" in result.output
    assert "--port" in result.output


def test_workers_share_a_temporary_job_folder(calls: list[dict[str, Any]], toy_dir: Path) -> None:
    result = CliRunner().invoke(serve, ["--workers", "2", "--data", str(toy_dir)])
    assert result.exit_code == 0, result.output
    jobs_dir = calls[0]["jobs_dir"]
    assert jobs_dir is not None
    assert calls[0]["jobs_dir_exists"]
    assert jobs_dir.name.startswith("silkrail-jobs-")
    assert not jobs_dir.exists()  # removed when the server stops


def test_one_worker_keeps_jobs_in_memory(calls: list[dict[str, Any]], toy_dir: Path) -> None:
    result = CliRunner().invoke(serve, ["--data", str(toy_dir)])
    assert result.exit_code == 0, result.output
    assert calls[0]["jobs_dir"] is None


def test_jobs_dir_is_created_and_kept(
    calls: list[dict[str, Any]], toy_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "jobs"
    result = CliRunner().invoke(serve, ["--data", str(toy_dir), "--jobs-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert calls[0]["jobs_dir"] == folder.resolve()
    assert folder.is_dir()
    assert f"simulation jobs are written to {folder.resolve()}" in result.output


def test_unusable_jobs_dir_is_a_usage_error(
    calls: list[dict[str, Any]], toy_dir: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    args = ["--data", str(toy_dir), "--jobs-dir", str(blocker / "jobs")]
    result = CliRunner().invoke(serve, args)
    assert result.exit_code == 2
    assert "--jobs-dir: cannot create" in result.output
    assert "Traceback" not in result.output
    assert calls == []


def test_busy_port_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: ran.append(a))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        # No --data: serve would put it in the environment (the `calls` fixture restores that).
        result = CliRunner().invoke(serve, ["--port", str(port)])
    assert result.exit_code == 2, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "--port" in result.output
    assert "serving" not in result.output  # it never said it was serving
    assert not ran
