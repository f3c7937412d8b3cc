"""``/api/v1/shipments``: keys (401/403), adding shipments and events, reading forecasts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from silkrail.service import Settings, create_app
from silkrail.shipments import ShipmentStore

if TYPE_CHECKING:
    from pathlib import Path

C = "CSQU3054383"
SHIPMENT = {
    "container": C,
    "origin": "Alpha",
    "destination": "Epsilon",
    "depart": "2025-03-01T08:00:00Z",
}


def _event(i: int, code: str, where: str, t: str) -> dict[str, str]:
    return {
        "event_id": f"e{i}",
        "event_type": "TRANSPORT",
        "code": code,
        "event_time": t,
        "location": where,
        "mode": "RAIL",
    }


@pytest.fixture
def keys(toy_settings: Settings) -> dict[str, str]:
    assert toy_settings.database is not None
    with ShipmentStore(toy_settings.database) as store:
        return {
            "write": store.create_key("ops", scopes=["write"]),
            "read": store.create_key("viewer", scopes=["read"]),
        }


def test_writes_need_a_key(client: TestClient, keys: dict[str, str]) -> None:
    r = client.post("/api/v1/shipments", json=SHIPMENT)
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"
    r = client.post("/api/v1/shipments", json=SHIPMENT, headers={"X-API-Key": "srk_abc_wrong"})
    assert r.status_code == 403
    forged = keys["write"][:-3] + "xyz"
    assert (
        client.post("/api/v1/shipments", json=SHIPMENT, headers={"X-API-Key": forged}).status_code
        == 403
    )
    r = client.post("/api/v1/shipments", json=SHIPMENT, headers={"X-API-Key": keys["read"]})
    assert r.status_code == 403
    assert "write" in r.json()["error"]


def test_shipment_lifecycle(client: TestClient, keys: dict[str, str]) -> None:
    w = {"Authorization": f"Bearer {keys['write']}"}
    r = client.post("/api/v1/shipments", json=SHIPMENT, headers=w)
    assert r.status_code == 201, r.text
    first = r.json()["forecast"]
    assert first["basis_event_id"] is None
    url = f"/api/v1/shipments/{C}/events"
    r = client.post(url, json=_event(1, "DEPA", "Alpha", "2025-03-01T20:00:00Z"), headers=w)
    assert r.json() == {"stored": 1, "duplicates": 0, "forecasts": 1}
    batch = [
        _event(1, "DEPA", "Alpha", "2025-03-01T20:00:00Z"),
        _event(2, "ARRI", "KZ-GAMMA", "2025-03-02T20:00:00Z"),
    ]
    r = client.post(url, json=batch, headers=w)
    assert r.json() == {"stored": 1, "duplicates": 1, "forecasts": 1}
    body = client.get(f"/api/v1/shipments/{C}").json()
    assert [e["event_id"] for e in body["events"]] == ["e1", "e2"]
    assert body["position"]["node"] == "KZ-GAMMA"
    assert len(body["forecast_history"]) == 3
    f = body["forecast"]
    assert f["p5"] <= f["p50"] <= f["p95"]
    assert f["basis_time"] == "2025-03-02T20:00:00Z"
    listing = client.get("/api/v1/shipments", params={"late": "true"}).json()
    # Its next event is long overdue today (the departure was in 2025).
    assert [s["id"] for s in listing["shipments"]] == [C]


def test_bad_batch_stores_nothing(client: TestClient, keys: dict[str, str]) -> None:
    w = {"X-API-Key": keys["write"]}
    client.post("/api/v1/shipments", json=SHIPMENT, headers=w)
    batch = [
        _event(1, "DEPA", "Alpha", "2025-03-01T20:00:00Z"),
        {**_event(2, "LOAD", "Nowhere", "soon")},
    ]
    r = client.post(f"/api/v1/shipments/{C}/events", json=batch, headers=w)
    assert r.status_code == 422
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == ["1.code", "1.event_time", "1.location"]
    assert client.get(f"/api/v1/shipments/{C}").json()["events"] == []


def test_check_digit_and_unknown_shipment(client: TestClient, keys: dict[str, str]) -> None:
    w = {"X-API-Key": keys["write"]}
    r = client.post("/api/v1/shipments", json={**SHIPMENT, "container": "MSCU1234565"}, headers=w)
    assert r.status_code == 422
    assert "check digit is 6" in r.json()["error"]
    assert client.get("/api/v1/shipments/MSCU1234566").status_code == 404


def test_private_reads_need_a_key(toy_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'private.sqlite'}"
    client = TestClient(create_app(Settings(data=toy_dir, database=url, private=True)))
    with ShipmentStore(url) as store:
        key = store.create_key("viewer", scopes=["read"])
    assert client.get("/api/v1/shipments").status_code == 401
    assert client.get("/api/v1/shipments", headers={"X-API-Key": "srk_x_y"}).status_code == 403
    assert client.get("/api/v1/shipments", headers={"X-API-Key": key}).status_code == 200
