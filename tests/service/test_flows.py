"""``/api/v1/flows``: equilibrium jobs on the packaged network; bad scenarios are 422."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from silkrail.service import Settings, create_app

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def packaged() -> TestClient:
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


def test_bad_scenario_is_422_naming_every_problem(packaged: TestClient) -> None:
    r = packaged.post(
        "/api/v1/flows", json={"scenario": {"flows": {"sea_rate_factor": -2, "depart": "x"}}}
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"scenario.flows.sea_rate_factor", "scenario.flows.depart"}
    assert packaged.post("/api/v1/flows", json={"days": 3}).status_code == 422


def test_unknown_job_is_404(packaged: TestClient) -> None:
    r = packaged.get("/api/v1/flows/" + "0" * 32)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


def test_a_scenario_job_runs_to_the_cli_result(packaged: TestClient) -> None:
    scenario = {"name": "dear-sea", "flows": {"sea_rate_factor": 2.0}}
    r = packaged.post("/api/v1/flows", json={"scenario": scenario})
    assert r.status_code == 202
    where = r.headers["Location"]
    deadline = time.monotonic() + 240
    job = r.json()
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = packaged.get(where).json()
    assert job["status"] == "done", job
    base = {m["market"]: m for m in job["result"]["baseline"]["markets"]}
    scen = {m["market"]: m for m in job["result"]["scenario"]["markets"]}
    # Dearer sea moves China–Europe containers to rail.
    assert scen["China-Europe"]["rail_share"] > base["China-Europe"]["rail_share"]
    assert job["result"]["scenario"]["converged"]


def test_a_flows_job_runs_in_the_job_queue_and_any_worker_answers(
    toy_dir: Path, tmp_path: Path
) -> None:
    # Two workers of one service share the job folder; the job runs in a process of its own.
    # On the toy network the packaged demand's pairs are missing, so the job fails quickly,
    # with its reason, and the failure is what the other worker reads.
    settings = Settings(data=toy_dir, sim_jobs_dir=tmp_path)
    one = TestClient(create_app(settings), raise_server_exceptions=False)
    other = TestClient(create_app(settings), raise_server_exceptions=False)
    r = one.post("/api/v1/flows", json={})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    assert (tmp_path / "flows" / f"{job_id}.json").exists()
    deadline = time.monotonic() + 120
    job = r.json()
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = one.get(f"/api/v1/flows/{job_id}").json()
    assert job["status"] == "failed"
    assert "corridor-flows study failed" in job["error"]
    seen = other.get(f"/api/v1/flows/{job_id}")
    assert seen.status_code == 200
    assert seen.json()["status"] == "failed"
    assert seen.json()["error"] == job["error"]
    # A simulation id is not a flows id: the two queues are apart.
    assert other.get(f"/api/v1/simulations/{job_id}").status_code == 404


def test_flows_jobs_have_the_queue_bounds(toy_dir: Path) -> None:
    settings = Settings(data=toy_dir, sim_max_running=1, sim_max_queued=0)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    first = client.post("/api/v1/flows", json={})
    assert first.status_code == 202
    second = client.post("/api/v1/flows", json={})
    if second.status_code == 202:  # the first already finished: the queue was free again
        assert client.get(f"/api/v1/flows/{first.json()['id']}").json()["status"] != "queued"
    else:
        assert second.status_code == 429
        assert second.json()["code"] == "too_many_jobs"
        assert "corridor flows jobs" in second.json()["error"]
