"""``/api/v1/flows``: equilibrium jobs on the packaged network; bad scenarios are 422."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from silkrail.service import Settings, create_app


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
