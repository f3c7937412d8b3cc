"""The Host allow-list (issue 16): DNS rebinding cannot reach a service on localhost."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from silkrail.service import Settings, create_app

HEALTH = "/api/v1/health"


@pytest.fixture(scope="module")
def local() -> TestClient:
    # The default allow-list (the tests' environment adds "testserver"; this passes it).
    settings = Settings(data=None, allowed_hosts=Settings.model_fields["allowed_hosts"].default)
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"]
)
def test_localhost_is_served_by_default(local: TestClient, host: str) -> None:
    assert local.get(HEALTH, headers={"host": host}).status_code in (200, 503)


@pytest.mark.parametrize(
    "host", ["evil.example:8000", "attacker.test", "127.0.0.1.evil.test", "", "localhost.evil"]
)
def test_other_hosts_are_refused(local: TestClient, host: str) -> None:
    # A rebinding page's requests carry its own host name.
    resp = local.get(HEALTH, headers={"host": host})
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "invalid_host"
    assert "SILKRAIL_ALLOWED_HOSTS" in body["error"]
    # Refused before any route: a plan or a job cannot be reached either.
    resp = local.post("/api/v1/plan", headers={"host": host}, json={"origin": "a"})
    assert resp.status_code == 400


def test_the_allow_list_is_configurable() -> None:
    settings = Settings(allowed_hosts=("silkrail.example.org", "*.corp.example"))
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    for host, status in (
        ("silkrail.example.org", 200),
        ("maps.corp.example:443", 200),
        ("corp.example", 400),
        ("localhost", 400),
    ):
        assert client.get(HEALTH, headers={"host": host}).status_code in (
            (status, 503) if status == 200 else (status,)
        ), host
    anyone = TestClient(create_app(Settings(allowed_hosts=("*",))))
    assert anyone.get(HEALTH, headers={"host": "whatever"}).status_code == 200
