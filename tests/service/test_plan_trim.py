"""Plan answers trimmed to what was asked (legs on request) and place names resolved once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

import silkrail
from silkrail.service import Settings, create_app
from silkrail.service._state import load_state
from silkrail.service.routers import plan as plan_router
from silkrail.service.schemas import PlanResponse

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

PLAN = "/api/v1/plan"
TRIP = {"origin": "Alpha", "destination": "Epsilon"}


def test_legs_only_when_asked(client: TestClient) -> None:
    full = client.post(PLAN, json=TRIP)
    trimmed = client.post(PLAN, json={**TRIP, "legs": False})
    assert full.status_code == trimmed.status_code == 200, trimmed.text
    a, b = full.json(), trimmed.json()
    assert all(r["legs"] for r in a["routes"])
    assert all(r["legs"] == [] for r in b["routes"])
    # Everything else is the same answer.
    for r in a["routes"]:
        r["legs"] = []
    assert a == b
    assert len(trimmed.content) < len(full.content)
    PlanResponse.model_validate(b)


def test_legs_must_be_a_boolean(client: TestClient) -> None:
    resp = client.post(PLAN, json={**TRIP, "legs": "no"})
    assert resp.status_code == 422
    assert "legs" in resp.text


def test_place_names_are_resolved_once(toy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []
    real = silkrail.locate

    def counting(net: Any, name: str) -> Any:
        looked_up.append(name)
        return real(net, name)

    monkeypatch.setattr(silkrail, "locate", counting)
    client = TestClient(create_app(Settings(data=toy_dir, plan_cache_size=0)))
    for routes in (1, 2, 3):
        resp = client.post(PLAN, json={**TRIP, "max_routes": routes})
        assert resp.status_code == 200, resp.text
        assert resp.json()["origin"]["id"] == "CN-ALPHA"
    assert looked_up == ["Alpha", "Epsilon"]
    # An unknown name is not remembered: every request gets its 422 with suggestions.
    for _ in range(2):
        resp = client.post(PLAN, json={**TRIP, "origin": "Alpah"})
        assert resp.status_code == 422
        assert resp.json()["suggestions"] == ["Alpha"]
    assert looked_up[2:] == ["Alpah", "Alpah"]


def test_remembered_places_are_bounded(toy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_router, "MAX_PLACES", 2)
    client = TestClient(create_app(Settings(data=toy_dir, plan_cache_size=0)))
    for origin in ("Alpha", "alpha", "CN-ALPHA", "阿尔法"):
        resp = client.post(PLAN, json={**TRIP, "origin": origin})
        assert resp.status_code == 200, resp.text
        assert resp.json()["origin"]["id"] == "CN-ALPHA"
    state = load_state(toy_dir, plan_cache_size=0)
    assert 0 < len(state.places) <= 2
