"""``GET /simulations/{id}/report``: the study report of a finished job."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from silkrail.service import Settings, create_app

if TYPE_CHECKING:
    from pathlib import Path

SIMS = "/api/v1/simulations"
# One service each way on the toy corridor, with a two-day closure of its border.
TOY_JOB: dict[str, Any] = {
    "days": 10,
    "replications": 2,
    "seed": 3,
    "scenario": {
        "name": "gamma-closure",
        "services": [{"origin": "Alpha", "destination": "Epsilon", "trains_per_week": 14}],
        "closures": [{"target": "KZ-GAMMA", "start": 2, "end": 4}],
    },
}


def _wait(client: TestClient, job_id: str, *, timeout: float = 90.0) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job: dict[str, Any] = client.get(f"{SIMS}/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job_id} did not finish in {timeout} s")


def _start(client: TestClient, body: dict[str, Any]) -> str:
    resp = client.post(SIMS, json=body)
    assert resp.status_code == 202, resp.text
    return str(resp.json()["id"])


def test_report_of_a_done_job(toy_dir: Path) -> None:
    client = TestClient(create_app(Settings(data=toy_dir)), raise_server_exceptions=False)
    job_id = _start(client, TOY_JOB)
    early = client.get(f"{SIMS}/{job_id}/report")
    # Each job takes a process start (over a second): the report is not there yet.
    assert early.status_code == 409, early.text
    assert early.json()["code"] == "not_ready"
    assert _wait(client, job_id)["status"] == "done"
    resp = client.get(f"{SIMS}/{job_id}/report")
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/html")
    assert "filename=" in resp.headers["content-disposition"]
    html = resp.text
    assert html.startswith("<!DOCTYPE html>")
    for section in ("summary", "map", "chart-transit", "tables", "assumptions"):
        assert f'id="{section}"' in html
    assert "&quot;KZ-GAMMA&quot;" in html  # the scenario as posted (escaped)
    assert "POST /api/v1/simulations" in html
    # The job's JSON does not carry the page.
    assert "report_html" not in client.get(f"{SIMS}/{job_id}").json()["result"]


def test_report_of_an_unknown_job_is_404(toy_dir: Path) -> None:
    client = TestClient(create_app(Settings(data=toy_dir)), raise_server_exceptions=False)
    resp = client.get(f"{SIMS}/{'0' * 32}/report")
    assert resp.status_code == 404
    assert resp.json()["code"] == "not_found"


def test_report_survives_in_the_job_folder(toy_dir: Path, tmp_path: Path) -> None:
    settings = Settings(data=toy_dir, sim_jobs_dir=tmp_path)
    first = TestClient(create_app(settings), raise_server_exceptions=False)
    job_id = _start(first, TOY_JOB)
    _wait(first, job_id)
    assert (tmp_path / f"{job_id}.html").is_file()
    second = TestClient(create_app(settings), raise_server_exceptions=False)
    resp = second.get(f"{SIMS}/{job_id}/report")
    assert resp.status_code == 200
    assert resp.text == first.get(f"{SIMS}/{job_id}/report").text
