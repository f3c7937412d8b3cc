"""Simulation jobs: start, poll, results as `silkrail simulate --json`, limits and errors.

Each job runs in its own process (about 1.5 s to start), so the tests keep jobs small: 20 days
and 2 replications on the packaged network, or a one-service scenario on the toy network.
"""

from __future__ import annotations

import json
import os
import time
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from silkrail.cli import main as cli
from silkrail.service import Settings, create_app
from silkrail.service.schemas import SimulationJob

if TYPE_CHECKING:
    from pathlib import Path

SIMS = "/api/v1/simulations"
SMALL = {"days": 20, "replications": 2, "seed": 7}
# One service each way on the toy corridor, with a two-day closure of its border.
TOY_SCENARIO: dict[str, Any] = {
    "name": "gamma-closure",
    "services": [{"origin": "Alpha", "destination": "Epsilon", "trains_per_week": 14}],
    "closures": [{"target": "KZ-GAMMA", "start": 2, "end": 4}],
}
TOY_JOB = {"days": 10, "replications": 2, "seed": 3, "scenario": TOY_SCENARIO}


def _error(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = resp.json()
    assert body["code"] == code
    assert body["error"]
    assert "Traceback" not in resp.text
    return body


def _wait(client: TestClient, job_id: str, *, timeout: float = 90.0) -> dict[str, Any]:
    """Poll a job until it is done or failed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        resp = client.get(f"{SIMS}/{job_id}")
        assert resp.status_code == 200, resp.text
        job: dict[str, Any] = resp.json()
        SimulationJob.model_validate(job)
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job_id} did not finish in {timeout} s")


def _start(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    resp = client.post(SIMS, json=body)
    assert resp.status_code == 202, resp.text
    job: dict[str, Any] = resp.json()
    assert resp.headers["location"] == f"{SIMS}/{job['id']}"
    assert job["status"] in ("queued", "running")
    return job


@pytest.fixture(scope="module")
def corridor() -> TestClient:
    """The packaged network, with the default limits."""
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


@pytest.fixture
def toy(toy_dir: Path) -> TestClient:
    return TestClient(create_app(Settings(data=toy_dir)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def small_jobs(corridor: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two jobs with the same seed on the packaged network, run side by side."""
    first, second = _start(corridor, SMALL), _start(corridor, SMALL)
    assert first["progress"] == {"done": 0, "total": 2, "fraction": 0.0}
    assert first["run"] == {
        "days": 20.0,
        "replications": 2,
        "seed": 7,
        "warmup_days": 0.0,
        "baseline": False,
        "top": 10,
        "reassign": False,
        "scenario": "base",
    }
    return _wait(corridor, first["id"]), _wait(corridor, second["id"])


# ------------------------------------------------------------------ results


def test_job_reports_routes_bottlenecks_and_borders(
    small_jobs: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    job = small_jobs[0]
    assert job["status"] == "done", job["error"]
    assert job["error"] is None
    assert job["progress"] == {"done": 2, "total": 2, "fraction": 1.0}
    assert job["started_at"] <= job["finished_at"]
    res = job["result"]
    assert (res["scenario"], res["days"], res["replications"], res["seed"]) == ("base", 20, 2, 7)
    assert res["confidence"] == 0.95
    assert 500 < res["trains_per_replication"] < 2_500  # 19,392 trains a year, 20 days
    routes = {r["route"]: r for r in res["routes"]}
    assert len(routes) > 100
    timed = [r for r in routes.values() if r["p50_days"] is not None]
    assert timed
    for r in timed:
        assert 0 < r["p50_days"] <= r["p95_days"]
        assert r["p50_days_ci"] is None or r["p50_days_ci"] >= 0
    assert len(res["bottlenecks"]) == 10
    waits = [b["wait_train_hours_per_day"] for b in res["bottlenecks"]]
    assert waits == sorted(waits, reverse=True)
    assert {b["category"] for b in res["bottlenecks"]} <= {"border", "gauge", "port", "section",
                                                           "ferry", "other"}  # fmt: skip
    borders = {b["node"]: b for b in res["borders"]}
    assert "KZ-DOSTYK" in borders
    assert borders["KZ-DOSTYK"]["mean_clear_h"] > 0
    assert res["baseline_bottlenecks"] is None


def test_same_seed_same_result(small_jobs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    a, b = (dict(job["result"]) for job in small_jobs)
    assert a.pop("elapsed_s") > 0
    b.pop("elapsed_s")
    assert a == b


def test_result_mirrors_simulate_json(
    small_jobs: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    args = ["simulate", "--days", "20", "--replications", "2", "--seed", "7"]
    out = CliRunner().invoke(cli, [*args, "--scheduler", "serial", "--json"])
    assert out.exit_code == 0, out.output
    expected = json.loads(out.stdout)
    res = small_jobs[0]["result"]
    for key in ("scenario", "days", "replications", "seed", "confidence"):
        assert res[key] == expected[key]
    assert res["trains_per_replication"] == expected["trains_per_replication"]
    # Without a baseline the API still lists the baseline columns, as null.
    routes = [{k: v for k, v in r.items() if not k.startswith("base_")} for r in res["routes"]]
    assert routes == expected["routes"]
    assert res["bottlenecks"] == expected["bottlenecks"]
    assert res["borders"] == expected["borders"]


def test_scenario_job_with_baseline(toy: TestClient) -> None:
    job = _start(toy, {**TOY_JOB, "top": 3})
    assert job["progress"]["total"] == 4  # the scenario's 2 replications and the baseline's
    assert job["run"]["scenario"] == "gamma-closure"
    assert job["run"]["baseline"] is True
    job = _wait(toy, job["id"])
    assert job["status"] == "done", job["error"]
    res = job["result"]
    assert res["scenario"] == "gamma-closure"
    assert [r["route"] for r in res["routes"]] == ["CN-ALPHA>KZ-EPSILON", "KZ-EPSILON>CN-ALPHA"]
    for r in res["routes"]:
        assert r["base_p50_days"] is not None
        # The closure of the border only delays trains.
        assert r["p95_days"] >= r["base_p95_days"]
    assert len(res["bottlenecks"]) <= 3
    assert res["baseline_bottlenecks"]
    assert [b["node"] for b in res["borders"]] == ["CN-BETA", "KZ-GAMMA"]

    without = _wait(toy, _start(toy, {**TOY_JOB, "baseline": False})["id"])
    assert without["progress"]["total"] == 2
    assert without["result"]["baseline_bottlenecks"] is None
    assert without["result"]["routes"][0]["p50_days"] == res["routes"][0]["p50_days"]


def test_reassign_job_runs_the_equilibrium_trains(corridor: TestClient) -> None:
    scenario = {
        "name": "brest-closed",
        "closures": [{"target": "BY-BREST", "start": 0, "end": 20}],
        "flows": {"sea_rate_factor": 1.5},
    }
    job = _start(corridor, {**SMALL, "scenario": scenario, "reassign": True})
    assert job["progress"]["total"] == 4  # two replications, and the baseline's
    assert job["run"]["reassign"] is True
    job = _wait(corridor, job["id"], timeout=300.0)  # an equilibrium and two studies
    assert job["status"] == "done", job["error"]
    rr = job["result"]["rerouting"]
    rows = {c["corridor"]: c for c in rr["corridors"]}
    assert rr["relative_gap"] <= 1e-4
    # Dearer sea freight moves containers to rail: more rail trains than in the base year.
    run = sum(c["trains_per_week"] + c["held_back_trains_per_week"] for c in rows.values())
    base = sum(c["baseline_trains_per_week"] for c in rows.values())
    assert run > base
    assert job["result"]["trains_per_replication"] > 100


def test_seed_is_drawn_and_reported(toy: TestClient) -> None:
    job = _start(toy, {**TOY_JOB, "seed": None, "baseline": False})
    assert isinstance(job["run"]["seed"], int)
    done = _wait(toy, job["id"])
    assert done["result"]["seed"] == job["run"]["seed"]


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"days": 731}, "days", "limit of 730"),
        ({"days": 0.5}, "days", "greater than or equal to 1"),
        ({"days": 4000}, "days", "less than or equal to 3650"),
        ({"replications": 201}, "replications", "limit of 200"),
        ({"replications": 0}, "replications", "greater than or equal to 1"),
        ({"warmup_days": 20}, "warmup_days", "less than days"),
        ({"seed": -1}, "seed", "greater than or equal to 0"),
        ({"top": 0}, "top", "greater than or equal to 1"),
        ({"reassign": 2}, "reassign", "boolean"),
        ({"free_gateways": True}, "free_gateways", "Extra inputs"),
        ({"scenario": "aktau"}, "scenario", "dictionary"),
        ({"speed": 3}, "speed", "Extra inputs"),
    ],
)
def test_bad_options_are_422_naming_the_field(
    corridor: TestClient, change: dict[str, Any], field: str, said: str
) -> None:
    body = _error(corridor.post(SIMS, json={**SMALL, **change}), 422, "validation_error")
    assert body["field"] == field
    assert said in body["error"]
    assert field in body["error"]


@pytest.mark.parametrize(
    ("scenario", "field", "said"),
    [
        (
            {"closures": [{"target": "KZ-AKTAU", "start": 5, "end": 1}]},
            "scenario.closures[0].end",
            "value 1: must be after start (end is exclusive)",
        ),
        ({"demand": {"growth": -2}}, "scenario.demand.growth", "must be > -1"),
        ({"start_date": "2025-13-01"}, "scenario.start_date", "value '2025-13-01': must be"),
        ({"closure": []}, "scenario.closure", "unknown key; allowed keys are name"),
        ({"ferries": [{"policy": "never"}]}, "scenario.ferries[0].policy", "must be one of"),
        (
            {"closures": [{"target": "NOWHERE", "start": 1, "end": 2}]},
            "scenario.closures[0].target",
            "value 'NOWHERE': matches no station, node id or link id",
        ),
        (
            {"demand": {"services": {"no such service": 0.5}}},
            "scenario.demand.services.no such service",
            "matches no service of the model",
        ),
        (
            {"services": [{"origin": "Nowhere", "destination": "Duisburg", "trains_per_week": 1}]},
            "scenario.services[0]",
            "unknown location 'Nowhere'",
        ),
    ],
)
def test_scenario_problems_are_422_with_key_value_and_rule(
    corridor: TestClient, scenario: dict[str, Any], field: str, said: str
) -> None:
    resp = corridor.post(SIMS, json={**SMALL, "scenario": scenario})
    body = _error(resp, 422, "invalid_scenario")
    assert body["field"] == field
    assert said in body["error"]
    assert body["errors"][0]["field"] == field
    assert said in body["errors"][0]["message"]


def test_every_scenario_problem_is_listed(corridor: TestClient) -> None:
    scenario = {
        "closures": [{"target": "KZ-AKTAU", "start": 5, "end": 1}, {"target": "KZ-AKTAU"}],
        "bogus": 1,
    }
    resp = corridor.post(SIMS, json={**SMALL, "scenario": scenario})
    body = _error(resp, 422, "invalid_scenario")
    assert [e["field"] for e in body["errors"]] == [
        "scenario.bogus",
        "scenario.closures[0].end",
        "scenario.closures[1].start",
        "scenario.closures[1].end",
    ]
    assert body["errors"][2]["message"] == "is required"


def test_non_finite_scenario_numbers_are_422(corridor: TestClient) -> None:
    content = '{"days": 20, "scenario": {"demand": {"growth": NaN}}}'
    resp = corridor.post(SIMS, content=content, headers={"content-type": "application/json"})
    body = _error(resp, 422, "invalid_scenario")
    assert body["field"] == "scenario.demand.growth"
    assert "finite" in body["error"]


def test_too_many_trains_is_422(corridor: TestClient) -> None:
    body = _error(
        corridor.post(SIMS, json={**SMALL, "scenario": {"demand": {"growth": 100}}}),
        422,
        "validation_error",
    )
    assert body["field"] == "scenario"
    assert "limit of 100,000" in body["error"]


def test_default_services_need_the_packaged_network(toy: TestClient) -> None:
    body = _error(toy.post(SIMS, json={"days": 10}), 422, "invalid_scenario")
    assert body["field"] == "scenario"
    assert "give a scenario with 'services'" in body["error"]
    many = {"services": [TOY_SCENARIO["services"][0]] * 51}
    body = _error(toy.post(SIMS, json={"days": 10, "scenario": many}), 422, "invalid_scenario")
    assert body["field"] == "scenario.services"
    assert "limit of 50" in body["error"]


def test_unknown_job_is_404(corridor: TestClient) -> None:
    body = _error(corridor.get(f"{SIMS}/0123456789abcdef"), 404, "not_found")
    assert "'0123456789abcdef'" in body["error"]
    assert "last 50 finished jobs" in body["error"]
    body = _error(corridor.get(f"{SIMS}/{'x' * 500}"), 404, "not_found")
    assert len(body["error"]) < 400


# ------------------------------------------------------------------ limits and the queue


def test_queue_limits_and_retention(toy_dir: Path) -> None:
    settings = Settings(data=toy_dir, sim_max_running=1, sim_max_queued=1, sim_keep_jobs=1)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    first = _start(client, TOY_JOB)
    second = _start(client, TOY_JOB)
    assert second["status"] == "queued"
    resp = client.post(SIMS, json=TOY_JOB)
    body = _error(resp, 429, "too_many_jobs")
    assert "1 running and 1 queued" in body["error"]
    assert resp.headers["retry-after"] == "10"
    done_first = _wait(client, first["id"])
    done = _wait(client, second["id"])
    assert done_first["status"] == done["status"] == "done"
    assert done["started_at"] >= done_first["finished_at"]  # the queued job waited its turn
    # Only the last finished job is kept.
    assert client.get(f"{SIMS}/{first['id']}").status_code == 404
    assert client.get(f"{SIMS}/{second['id']}").status_code == 200


def test_time_limit_stops_the_job(toy_dir: Path) -> None:
    client = TestClient(
        create_app(Settings(data=toy_dir, sim_timeout_s=0.5)), raise_server_exceptions=False
    )
    job = _wait(client, _start(client, TOY_JOB)["id"])
    assert job["status"] == "failed"
    assert job["result"] is None
    assert "time limit of 0.5 s" in job["error"]


def test_shutdown_stops_running_and_queued_jobs(toy_dir: Path) -> None:
    app = create_app(Settings(data=toy_dir, sim_max_running=1))
    with TestClient(app, raise_server_exceptions=False) as client:
        running = _start(client, TOY_JOB)
        queued = _start(client, TOY_JOB)
    jobs = app.state.simulations
    assert jobs.get(queued["id"])["error"] == "the service stopped"
    end = time.monotonic() + 10
    while jobs.get(running["id"])["status"] == "running" and time.monotonic() < end:
        time.sleep(0.05)
    assert jobs.get(running["id"])["status"] == "failed"
    assert jobs.get(running["id"])["error"] == "the service stopped"


def test_limits_come_from_the_settings(toy_dir: Path) -> None:
    settings = Settings(data=toy_dir, sim_max_days=5, sim_max_replications=1)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    body = _error(client.post(SIMS, json={**TOY_JOB, "days": 6}), 422, "validation_error")
    assert "limit of 5" in body["error"]
    body = _error(
        client.post(SIMS, json={**TOY_JOB, "days": 5, "replications": 2}), 422, "validation_error"
    )
    assert body["field"] == "replications"


def test_simulations_are_in_the_openapi_schema(corridor: TestClient) -> None:
    spec = corridor.get("/api/v1/openapi.json").json()
    post = spec["paths"]["/api/v1/simulations"]["post"]
    assert {"202", "422", "429"} <= set(post["responses"])
    get = spec["paths"]["/api/v1/simulations/{job_id}"]["get"]
    assert {"200", "404"} <= set(get["responses"])
    req = spec["components"]["schemas"]["SimulationRequest"]["properties"]
    assert req["replications"]["maximum"] == 200  # the served limit (issue 16)


# ------------------------------------------------------------------ the job folder


def test_a_job_folder_lets_another_process_answer(toy_dir: Path, tmp_path: Path) -> None:
    """Two apps over one folder stand for two workers, or one service before and after a
    restart: the second answers for a job the first ran."""
    settings = Settings(data=toy_dir, sim_jobs_dir=tmp_path)
    first = TestClient(create_app(settings), raise_server_exceptions=False)
    second = TestClient(create_app(settings), raise_server_exceptions=False)
    job = _start(first, TOY_JOB)
    assert (tmp_path / f"{job['id']}.json").is_file()
    assert second.get(f"{SIMS}/{job['id']}").json()["status"] in ("queued", "running", "done")
    done = _wait(second, job["id"])
    assert done["status"] == "done"
    assert done == first.get(f"{SIMS}/{job['id']}").json()
    assert list(tmp_path.glob("*.tmp*")) == []  # written atomically


def test_a_job_left_running_by_a_dead_process_reads_as_failed(
    toy_dir: Path, tmp_path: Path
) -> None:
    settings = Settings(data=toy_dir, sim_jobs_dir=tmp_path)
    first = TestClient(create_app(settings), raise_server_exceptions=False)
    job = _wait(first, _start(first, TOY_JOB)["id"])
    record = json.loads((tmp_path / f"{job['id']}.json").read_text(encoding="utf-8"))
    # As if the process had died mid-run: a pid that cannot exist.
    record.update(status="running", result=None, owner_pid=2**22 + 1)
    stale = "0" * 32
    (tmp_path / f"{stale}.json").write_text(json.dumps(record), encoding="utf-8")
    os.utime(tmp_path / f"{stale}.json", (1_000_000, 1_000_000))  # no heartbeat for years
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    view = client.get(f"{SIMS}/{stale}").json()
    SimulationJob.model_validate(view)
    assert view["status"] == "failed"
    assert view["error"] == "the service stopped"
    assert "owner_pid" not in view


def test_job_folder_names_are_only_job_ids(toy_dir: Path, tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    (tmp_path / "secret.json").write_text('{"status": "done"}', encoding="utf-8")
    client = TestClient(
        create_app(Settings(data=toy_dir, sim_jobs_dir=jobs)), raise_server_exceptions=False
    )
    for bad in ("..%2Fsecret", "secret", "../secret"):
        assert client.get(f"{SIMS}/{bad}").status_code == 404


def test_forgotten_jobs_leave_the_folder(toy_dir: Path, tmp_path: Path) -> None:
    settings = Settings(data=toy_dir, sim_jobs_dir=tmp_path, sim_keep_jobs=1)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    first = _wait(client, _start(client, TOY_JOB)["id"])
    second = _wait(client, _start(client, TOY_JOB)["id"])
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == [second["id"]]
    assert client.get(f"{SIMS}/{first['id']}").status_code == 404


def test_a_restart_trims_the_folder_to_the_newest_jobs(toy_dir: Path, tmp_path: Path) -> None:
    old = {"status": "done", "owner_pid": 1}
    for i in range(5):
        path = tmp_path / f"{i:032x}.json"
        path.write_text(json.dumps(old), encoding="utf-8")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")  # not a job: left alone
    create_app(Settings(data=toy_dir, sim_jobs_dir=tmp_path, sim_keep_jobs=2))
    kept = sorted(p.name for p in tmp_path.glob("*.json"))
    assert kept == [f"{3:032x}.json", f"{4:032x}.json", "notes.json"]
