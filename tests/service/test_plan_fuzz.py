"""Random valid plan requests on the toy network: always a route or a documented 422."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silkrail.service import Settings, create_app
from silkrail.service.schemas import PlanResponse

TOY = Path(__file__).parents[1] / "data" / "toy"
PLACES = ["Alpha", "alfa", "CN-BETA", "Beta Pass", "Гамма", "Delta", "kz-delta", "Epsilon"]
# Read-only use of the toy network, shared by every example.
CLIENT = TestClient(
    create_app(Settings(data=TOY, plan_cache_size=0)), raise_server_exceptions=False
)

requests = st.fixed_dictionaries(
    {"origin": st.sampled_from(PLACES), "destination": st.sampled_from(PLACES)},
    optional={
        "avoid_countries": st.lists(st.sampled_from(["CN", "KZ", "RU", "de"]), max_size=2),
        "avoid_nodes": st.lists(st.sampled_from(PLACES), max_size=2),
        "via": st.lists(st.sampled_from(PLACES), max_size=2),
        "modes": st.lists(
            st.sampled_from(["rail", "ferry", "sea", "road"]), min_size=1, unique=True
        ),
        "max_transshipments": st.integers(0, 3),
        "container": st.sampled_from(["20", "40"]),
        "cargo_tonnes": st.floats(0, 30),
        "value_of_time": st.floats(0, 1000),
        "include_planned": st.booleans(),
        "max_routes": st.integers(1, Settings().plan_max_routes),
    },
)


@given(body=requests)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_valid_requests_plan_or_explain(body: dict[str, Any]) -> None:
    resp = CLIENT.post("/api/v1/plan", json=body)
    assert resp.status_code in {200, 422}, resp.text
    if resp.status_code == 200:
        plan = PlanResponse.model_validate(resp.json())
        assert 1 <= len(plan.routes) <= body.get("max_routes", 8)
        for route in plan.routes:
            assert not set(route.countries) & {c.upper() for c in body.get("avoid_countries", [])}
    else:
        error = resp.json()
        assert error["code"] in {"no_route", "invalid_option"}
        assert error["error"]
