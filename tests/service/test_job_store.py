"""The job folder's lifecycle (issue 16): heartbeats instead of PIDs, a final state on disk after
a restart, no temporary files left, durable writes."""

from __future__ import annotations

import json
import os
import time
from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

import silkrail._atomic
from silkrail._atomic import atomic_file
from silkrail.service import Settings, create_app
from silkrail.service import _jobs as jobs_module
from silkrail.service._jobs import STALE_S, JobLimits, JobManager, _Job
from silkrail.service.schemas import SimulationJob

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

SIMS = "/api/v1/simulations"
JOB_ID = "a" * 32
RUNNING: dict[str, Any] = {
    "id": JOB_ID,
    "status": "running",
    "created_at": "2026-01-01T00:00:00+00:00",
    "started_at": "2026-01-01T00:00:01+00:00",
    "finished_at": None,
    "progress": {"done": 3, "total": 10, "fraction": 0.3},
    "run": {
        "days": 10.0,
        "replications": 5,
        "seed": 1,
        "warmup_days": 0.0,
        "baseline": True,
        "top": 10,
        "scenario": "s",
    },
    "error": None,
    "result": None,
}


def _left_running(folder: Path, *, age_s: float, **extra: Any) -> Path:
    path = folder / f"{JOB_ID}.json"
    path.write_text(json.dumps({**RUNNING, **extra}), encoding="utf-8")
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_a_reused_owner_pid_does_not_keep_a_job_running(toy_dir: Path, tmp_path: Path) -> None:
    # The review's case: PID 1 (alive in any container) owned the job; its heartbeat stopped.
    path = _left_running(tmp_path, age_s=STALE_S + 5, owner_pid=1)
    client = TestClient(create_app(Settings(data=toy_dir, sim_jobs_dir=tmp_path)))
    view = client.get(f"{SIMS}/{JOB_ID}").json()
    SimulationJob.model_validate(view)
    assert view["status"] == "failed"
    assert view["error"] == "the service stopped"
    assert path.exists()


def test_after_a_restart_the_file_itself_is_final(toy_dir: Path, tmp_path: Path) -> None:
    path = _left_running(tmp_path, age_s=STALE_S + 5)
    create_app(Settings(data=toy_dir, sim_jobs_dir=tmp_path))  # the service starts again
    record = json.loads(path.read_text(encoding="utf-8"))  # no GET needed
    assert record["status"] == "failed"
    assert record["finished_at"] is not None
    assert record["error"] == "the service stopped"
    assert record["progress"]["done"] == 3


def test_a_job_with_a_fresh_heartbeat_stays_running(toy_dir: Path, tmp_path: Path) -> None:
    # Another live worker owns it.
    path = _left_running(tmp_path, age_s=1)
    client = TestClient(create_app(Settings(data=toy_dir, sim_jobs_dir=tmp_path)))
    assert client.get(f"{SIMS}/{JOB_ID}").json()["status"] == "running"
    assert json.loads(path.read_text(encoding="utf-8"))["status"] == "running"


def test_temporary_files_of_an_interrupted_write_are_removed(tmp_path: Path) -> None:
    # atomic_file's name for a job file; a kill between write and rename leaves it.
    old = tmp_path / f".{JOB_ID}.json.x1y2z3.json"
    new = tmp_path / f".{'b' * 32}.json.q9w8e7.json"
    other = tmp_path / ".notes.json"
    for p in (old, new, other):
        p.write_text("{", encoding="utf-8")
    then = time.time() - STALE_S - 5
    os.utime(old, (then, then))
    os.utime(other, (then, then))
    JobManager(store=tmp_path)
    assert not old.exists()
    assert new.exists()  # may be another worker's write in progress
    assert other.exists()  # not a job's


def test_the_owner_touches_its_jobs_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs_module, "HEARTBEAT_S", 0.02)
    manager = JobManager(store=tmp_path)
    limits = JobLimits(max_running=1, max_queued=1, keep=5, timeout_s=10, memory_mb=0)
    job = _Job(id=JOB_ID, spec=None, run=RUNNING["run"], total=10, limits=limits)
    job.status = "queued"
    manager._jobs[JOB_ID] = job
    path = _left_running(tmp_path, age_s=STALE_S + 5)
    manager._start_heartbeat()
    deadline = time.monotonic() + 5
    while time.time() - path.stat().st_mtime > 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert time.time() - path.stat().st_mtime < 1
    job.status = "done"  # nothing left to watch: the thread ends
    assert manager._beat is not None
    manager._beat.join(timeout=5)
    assert not manager._beat.is_alive()


def test_durable_writes_are_flushed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(silkrail._atomic.os, "fsync", lambda fd: synced.append(fd) or real(fd))
    with atomic_file(tmp_path / "a.json", durable=True) as tmp:
        tmp.write_text("{}", encoding="utf-8")
    assert len(synced) == 2  # the file, then its folder
    with atomic_file(tmp_path / "b.json") as tmp:
        tmp.write_text("{}", encoding="utf-8")
    assert len(synced) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
