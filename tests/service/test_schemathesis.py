"""Property-based tests of the API against its own OpenAPI schema: no server errors, and every
response (status, content type, body) is as documented."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from silkrail.service import Settings, create_app

TOY = Path(__file__).parents[1] / "data" / "toy"

# Read-only use of the toy network: schemathesis needs the app when the module is collected.
# Simulation jobs it might start are tiny and few: one at a time, none queued.
SETTINGS = Settings(
    data=TOY,
    sim_max_days=30,
    sim_max_replications=2,
    sim_max_running=1,
    sim_max_queued=0,
    sim_timeout_s=30,
    database=f"sqlite:///{tempfile.mkdtemp(prefix='silkrail-schemathesis-')}/shipments.sqlite",
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(SETTINGS))


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # A schema-valid request may still name a place the network does not have or ask for a
    # route no network has: those are documented 422s, which the positive-data check (it wants
    # 2xx/404 for any schema-valid request) cannot know about. Every other check runs.
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
