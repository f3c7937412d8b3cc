"""Property-based tests of the API against its own OpenAPI schema: no server errors, and every
response (status, content type, body) is as documented.

Requests go to a live server (uvicorn on a free loopback port, in a thread of this process), so
the checks see what a client sees: real HTTP and the simulation jobs' processes. The cases are
generated from the schema of an app with the same settings, built when the module is collected
(a test checks that the live server publishes the same schema, served limits included). The
server has simulation capacity to spare (a queue of 100), so schema-valid jobs are accepted
(202) and run rather than refused with 429.
"""

from __future__ import annotations

import tempfile
import time
from typing import TYPE_CHECKING

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from silkrail.service import Settings, create_app

from ._live import live_server

if TYPE_CHECKING:
    from collections.abc import Iterator

# The packaged network, so that a job without a scenario (its default services) is valid.
# Jobs are kept tiny by the served limits, which the schema shows: at most 30 days and 2
# replications, and at most 5,000 trains simulated in all (more is a documented 422).
SETTINGS = Settings(
    sim_max_days=30,
    sim_max_replications=2,
    sim_max_work=5_000,
    sim_max_running=2,
    sim_max_queued=100,
    sim_timeout_s=60,
    database=f"sqlite:///{tempfile.mkdtemp(prefix='silkrail-schemathesis-')}/shipments.sqlite",
)


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    # The app's shutdown, when the block ends, stops the queued and running jobs.
    with live_server(create_app(SETTINGS), start_s=60.0, stop_s=30.0) as url:
        yield url


SPEC = create_app(SETTINGS).openapi()
schema = schemathesis.openapi.from_dict(SPEC)


def test_a_schema_valid_job_is_accepted_and_runs(live_url: str) -> None:
    resp = httpx.post(f"{live_url}/api/v1/simulations", json={"days": 5, "replications": 1})
    assert resp.status_code == 202, resp.text
    job_id = resp.json()["id"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = httpx.get(f"{live_url}/api/v1/simulations/{job_id}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["status"] == "done", job


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_schema(live_url: str, case: schemathesis.Case) -> None:
    # A schema-valid request may still name a place the network does not have or ask for a
    # route no network has: those are documented 422s, which the positive-data check (it wants
    # 2xx/404 for any schema-valid request) cannot know about. Every other check runs.
    case.call_and_validate(
        base_url=live_url, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )


def test_the_live_schema_shows_the_served_limits(live_url: str) -> None:
    spec = httpx.get(f"{live_url}/api/v1/openapi.json").json()
    assert spec == SPEC
    sim = spec["components"]["schemas"]["SimulationRequest"]["properties"]
    assert sim["days"]["maximum"] == 30
    assert sim["replications"]["maximum"] == 2
