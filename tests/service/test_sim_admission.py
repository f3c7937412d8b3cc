"""Simulation jobs under abuse (issue 16): never a 500, admission by estimated cost, and the
schema's limits are the server's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from silkrail.service import Settings, create_app

SIMS = "/api/v1/simulations"
CLOSURE = [{"target": "KZ-AKTAU", "start": 60, "end": 74}]


@pytest.fixture(scope="module")
def corridor() -> TestClient:
    # No job is started by these tests: each request is refused before it is queued.
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


def _refused(client: TestClient, body: str | dict[str, Any], code: str) -> dict[str, Any]:
    if isinstance(body, dict):
        resp = client.post(SIMS, json=body)
    else:
        resp = client.post(SIMS, content=body, headers={"content-type": "application/json"})
    assert resp.status_code == 422, resp.text
    out: dict[str, Any] = resp.json()
    assert out["code"] == code
    assert "Traceback" not in resp.text
    return out


def test_lone_surrogate_in_the_scenario_name_is_422(corridor: TestClient) -> None:
    # The review's body, as bytes: a JSON escape of a lone surrogate (not UTF-8 encodable).
    raw = json.dumps({"days": 20, "scenario": {"name": "x", "closures": CLOSURE}})
    raw = raw.replace('"x"', '"\\ud800"')
    body = _refused(corridor, raw, "invalid_scenario")
    assert body["field"] == "scenario.name"
    assert "lone surrogate" in body["error"]
    # Before, the POST answered 500 while the job ran, and every GET of it was a 500: now no
    # job is started at all.
    app: Any = corridor.app
    assert app.state.simulations._jobs == {}


@pytest.mark.parametrize("servers", [int("9" * 4000), 2**70, 1001, 1.5, 0])
def test_servers_out_of_range_is_422(corridor: TestClient, servers: int | float) -> None:
    scenario = {"capacity": [{"target": "KZ-DOSTYK", "servers": servers}]}
    body = _refused(corridor, {"days": 20, "scenario": scenario}, "invalid_scenario")
    assert body["field"] == "scenario.capacity[0].servers"
    assert "whole number from 1 to 1000" in body["error"]
    assert len(body["error"]) < 500  # a 4,000-digit value is not echoed back


def test_a_million_weather_closures_a_year_is_422(corridor: TestClient) -> None:
    scenario = {"ferries": [{"target": "AZBAK", "weather_closures_per_year": 1e6}]}
    body = _refused(corridor, {"days": 20, "scenario": scenario}, "invalid_scenario")
    assert body["field"] == "scenario.ferries[0].weather_closures_per_year"
    assert "between 0 and 365" in body["error"]


def test_job_that_cannot_finish_is_refused_by_cost(corridor: TestClient) -> None:
    # The review's job: ~84 min of work, stopped at the 900 s limit after it was accepted.
    # (Its 10 re-route rounds are gone: `reassign` now runs the equilibrium's trains once.)
    job = {"days": 730, "replications": 200, "scenario": {"demand": {"growth": 0.5}}}
    body = _refused(corridor, job, "job_too_large")
    assert "budget of 8,000,000" in body["error"]
    assert "400 replications" in body["error"]  # 200 × 2 (baseline)
    assert body["limit"] == 8_000_000
    # With `reassign` the trains are bounded by the base year's rail demand (doubled).
    body = _refused(corridor, {"days": 365, "replications": 200, "reassign": True}, "job_too_large")
    assert "200 replications" in body["error"]


def test_the_largest_plain_job_fits_the_cost_budget() -> None:
    # The per-field limits alone (730 days, 200 replications) make an admissible job.
    from silkrail.service._jobs import _expected_trains
    from silkrail.service._state import load_state

    model = load_state(None, plan_cache_size=0).default_simulation_model()
    settings = Settings()
    trains = _expected_trains(model, None, settings.sim_max_days)
    assert trains * settings.sim_max_replications <= settings.sim_max_work


def test_the_reviews_job_with_ten_reassign_rounds_is_refused(corridor: TestClient) -> None:
    # The review's exact body: ``reassign`` was a number of rounds (10). It is a boolean now,
    # so the number is refused; with re-routing (`true`) its trains a replication alone are
    # over the limit, and without it the job is refused by its cost (the test above).
    job = {"days": 730, "replications": 200, "reassign": 10,
           "scenario": {"demand": {"growth": 0.5}}}  # fmt: skip
    body = _refused(corridor, job, "validation_error")
    assert body["field"] == "reassign"
    body = _refused(corridor, {**job, "reassign": True}, "validation_error")
    assert body["field"] == "scenario"
    assert "trains per replication, over this service's limit of 100,000" in body["error"]


@pytest.mark.parametrize("free", [0, False, True])
def test_free_gateways_without_reassign_is_422(corridor: TestClient, free: object) -> None:
    # The review's `free_gateways: 0` without `reassign` got a 202; the option went with the
    # re-routing heuristic, and an unknown field is refused.
    body = _refused(corridor, {"days": 20, "free_gateways": free}, "validation_error")
    assert body["field"] == "free_gateways"
    assert "Extra inputs" in body["error"]


@pytest.mark.parametrize("change", [{"reassign": 0}, {"reassign": "false"}, {"baseline": 1}])
def test_booleans_are_strict_as_the_schema_says(
    corridor: TestClient, change: dict[str, Any]
) -> None:
    body = _refused(corridor, {"days": 20, **change}, "validation_error")
    assert body["field"] == next(iter(change))


def test_the_default_schema_publishes_the_default_limits(corridor: TestClient) -> None:
    # The review: the schema allowed days <= 3650 and replications <= 10000 while the server
    # capped them at 730 and 200.
    spec = corridor.get("/api/v1/openapi.json").json()
    props = spec["components"]["schemas"]["SimulationRequest"]["properties"]
    assert props["days"]["maximum"] == 730
    assert props["replications"]["maximum"] == 200
    for field, value in (("days", 731), ("days", 3650), ("replications", 201),
                         ("replications", 10000)):  # fmt: skip
        body = _refused(corridor, {"days": 20, field: value}, "validation_error")
        assert body["field"] == field


def test_schema_limits_are_the_served_limits() -> None:
    settings = Settings(sim_max_days=100, sim_max_replications=7)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    spec = client.get("/api/v1/openapi.json").json()
    props = spec["components"]["schemas"]["SimulationRequest"]["properties"]
    assert props["days"]["maximum"] == 100
    assert props["replications"]["maximum"] == 7
    assert props["reassign"]["type"] == "boolean"
    # Just over each published maximum: refused, naming the field and the limit.
    for field, value in (("days", 101), ("replications", 8)):
        body = _refused(client, {"days": 50, field: value}, "validation_error")
        assert body["field"] == field
        assert "limit of" in body["error"]
