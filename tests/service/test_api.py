"""The REST API on the toy network: answers, error bodies, limits and headers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

import silkrail
from silkrail.service import Settings, create_app, get_settings
from silkrail.service.schemas import MAX_VIA, PlanResponse

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fastapi import FastAPI

PLAN = "/api/v1/plan"
TRIP = {"origin": "Alpha", "destination": "Epsilon"}


def _error(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = resp.json()
    assert body["code"] == code
    assert "Traceback" not in resp.text
    return body


# ------------------------------------------------------------------ health


def test_health_reports_the_network(client: TestClient) -> None:
    resp = client.get("/api/v1/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert body["version"] == silkrail.__version__
    assert body["network"]["nodes"] == 5
    assert body["network"]["links"] == 4


def test_health_is_503_when_the_network_cannot_load(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(data=tmp_path / "missing")))
    resp = client.get("/api/v1/health")
    assert resp.status_code == 503
    assert resp.json()["status"] == "unavailable"
    assert "missing" in resp.json()["error"]
    body = _error(client.post(PLAN, json=TRIP), 503, "network_unavailable")
    assert "could not be loaded" in body["error"]


def test_invalid_network_is_503_naming_the_problem_count(toy_dir: Path) -> None:
    links = toy_dir / "links.csv"
    links.write_text(links.read_text().replace(",477,", ",-5,"), encoding="utf-8")
    client = TestClient(create_app(Settings(data=toy_dir)))
    body = _error(client.get("/api/v1/network"), 503, "network_unavailable")
    assert "invalid" in body["error"]
    assert "problem" in body["error"]


# ------------------------------------------------------------------ locations


@pytest.mark.parametrize(
    ("q", "expected"),
    [("gam", "KZ-GAMMA"), ("Гамма", "KZ-GAMMA"), ("alfa", "CN-ALPHA"), ("KZ-DELTA", "KZ-DELTA")],
)
def test_locations_by_name_alias_and_id(client: TestClient, q: str, expected: str) -> None:
    resp = client.get("/api/v1/locations", params={"q": q})
    assert resp.status_code == 200
    body = resp.json()
    assert body["query"] == q
    assert body["locations"][0]["id"] == expected
    assert set(body["locations"][0]) == {
        "id", "name", "country", "kind", "lat", "lon", "aliases", "score"
    }  # fmt: skip


def test_locations_nothing_close_is_empty(client: TestClient) -> None:
    resp = client.get("/api/v1/locations", params={"q": "zzzzzzzz"})
    assert resp.status_code == 200
    assert resp.json()["locations"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": ""}, "q"), ({"q": "x" * 101}, "q"), ({"q": "a", "limit": 0}, "limit")],
)
def test_locations_validation_names_the_field(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    body = _error(client.get("/api/v1/locations", params=params), 422, "validation_error")
    assert body["field"] == field
    assert field in body["error"]


# ------------------------------------------------------------------ network, countries, basemap


def test_network_is_geojson_with_modes_and_gauges(client: TestClient) -> None:
    resp = client.get("/api/v1/network")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/geo+json"
    gj = resp.json()
    assert gj["type"] == "FeatureCollection"
    kinds = [f["geometry"]["type"] for f in gj["features"]]
    assert kinds.count("Point") == 5
    assert kinds.count("LineString") == 4
    links = {f["id"]: f["properties"] for f in gj["features"] if f["properties"]["layer"] == "link"}
    assert links["T1"]["mode"] == "rail"
    assert {links["T1"]["gauge_mm"], links["T4"]["gauge_mm"]} == {1435, 1520}


def test_network_round_trips(client: TestClient) -> None:
    net = silkrail.network_from_geojson(client.get("/api/v1/network").json())
    assert net.n_nodes == 5


def test_countries_of_the_network(client: TestClient) -> None:
    body = client.get("/api/v1/countries").json()
    assert [(c["code"], c["numeric"], c["nodes"]) for c in body["countries"]] == [
        ("CN", "156", 2),
        ("KZ", "398", 3),
    ]


def test_basemap_is_the_packaged_topojson(client: TestClient) -> None:
    resp = client.get("/basemap/countries-50m.json")
    assert resp.status_code == 200
    topo = resp.json()
    assert topo["type"] == "Topology"
    assert len(topo["objects"]["countries"]["geometries"]) > 200


# ------------------------------------------------------------------ plan


def test_plan_mirrors_plan_json(client: TestClient, toy_dir: Path) -> None:
    resp = client.post(PLAN, json=TRIP)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    expected = silkrail.plan(silkrail.read_network(toy_dir), "Alpha", "Epsilon").to_dict(legs=True)
    assert body == json.loads(json.dumps(expected))
    PlanResponse.model_validate(body)
    route = body["routes"][0]
    assert route["nodes"][0] == "CN-ALPHA"
    assert route["nodes"][-1] == "KZ-EPSILON"
    assert route["transshipments"] == 1
    assert {leg["kind"] for leg in route["legs"]} >= {"travel", "gauge change"}
    assert "from" in route["legs"][0]


def test_plan_options_pass_through(client: TestClient) -> None:
    resp = client.post(
        PLAN,
        json={
            "origin": "阿尔法",
            "destination": "kz-epsilon",
            "via": ["Delta"],
            "avoid_nodes": [],
            "modes": ["rail"],
            "max_transshipments": 1,
            "container": "20",
            "cargo_tonnes": 12.5,
            "value_of_time": 10,
            "max_routes": 3,
        },
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["origin"]["id"] == "CN-ALPHA"
    assert body["cargo_tonnes"] == 12.5
    assert body["value_of_time_usd_per_feu_hour"] == 10
    assert body["constraints"]["via"] == ["KZ-DELTA"]
    assert body["constraints"]["modes"] == ["rail"]
    assert body["constraints"]["container"] == "20"
    route = body["routes"][0]
    assert route["container"] == "20"
    assert route["cost_usd_per_container"] < route["cost_usd_per_feu"]
    assert route["detour_index"] >= 1


def test_plan_compare_and_variants_pass_through(client: TestClient) -> None:
    body = _error(client.post(PLAN, json={**TRIP, "compare": "some"}), 422, "validation_error")
    assert "compare" in body["error"]
    resp = client.post(PLAN, json={**TRIP, "compare": "all", "variants": True})
    assert resp.status_code == 200, resp.text
    assert all("variants" in r for r in resp.json()["routes"])
    PlanResponse.model_validate(resp.json())


def test_unknown_location_names_the_field_and_suggests(client: TestClient) -> None:
    body = _error(client.post(PLAN, json={**TRIP, "origin": "Alpah"}), 422, "unknown_location")
    assert body["field"] == "origin"
    assert body["suggestions"] == ["Alpha"]
    assert "Alpah" in body["error"]
    body = _error(
        client.post(PLAN, json={**TRIP, "via": ["Delta", "Nowhere"]}), 422, "unknown_location"
    )
    assert body["field"] == "via.1"


def test_no_route_names_the_blocking_constraint(client: TestClient) -> None:
    body = _error(client.post(PLAN, json={**TRIP, "avoid_countries": ["kz"]}), 422, "no_route")
    assert body["blocking"] == ["avoid_country"]
    assert "avoid_countries" in body["error"]
    assert "--" not in body["error"]
    body = _error(client.post(PLAN, json={**TRIP, "modes": ["sea"]}), 422, "no_route")
    assert "modes" in body["blocking"]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"avoid_countries": ["XX"]}, "invalid_option", "avoid_countries"),
        ({"destination": "Alfa"}, "invalid_option", "destination"),
        ({"avoid_countries": ["RUS"]}, "validation_error", "avoid_countries.0"),
        ({"modes": ["air"]}, "validation_error", "modes.0"),
        ({"modes": []}, "validation_error", "modes"),
        ({"container": "45"}, "validation_error", "container"),
        ({"cargo_tonnes": 31}, "validation_error", "cargo_tonnes"),
        ({"value_of_time": -1}, "validation_error", "value_of_time"),
        ({"max_routes": 0}, "validation_error", "max_routes"),
        ({"max_transshipments": -1}, "validation_error", "max_transshipments"),
        ({"origin": ""}, "validation_error", "origin"),
        ({"origin": "   "}, "validation_error", "origin"),
        ({"origin": "x" * 101}, "validation_error", "origin"),
        ({"origin": 7}, "validation_error", "origin"),
        ({"via": ["Delta"] * (MAX_VIA + 1)}, "validation_error", "via"),
        ({"avoid_nodes": ["Delta"] * 33}, "validation_error", "avoid_nodes"),
        ({"colour": "red"}, "validation_error", "colour"),
    ],
)
def test_bad_options_are_422_naming_the_field(
    client: TestClient, change: dict[str, Any], code: str, field: str
) -> None:
    body = _error(client.post(PLAN, json={**TRIP, **change}), 422, code)
    assert body["field"] == field
    assert field.split(".")[0] in body["error"] or code == "invalid_option"


def test_missing_fields_are_all_listed(client: TestClient) -> None:
    body = _error(client.post(PLAN, json={}), 422, "validation_error")
    assert {e["field"] for e in body["errors"]} == {"origin", "destination"}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_rejected(client: TestClient, number: str) -> None:
    content = f'{{"origin": "Alpha", "destination": "Epsilon", "cargo_tonnes": {number}}}'
    resp = client.post(PLAN, content=content, headers={"content-type": "application/json"})
    assert _error(resp, 422, "validation_error")["field"] == "cargo_tonnes"


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b'{"origin": "\\ud800", "destination": "Epsilon"}'],
)
def test_malformed_bodies_are_4xx_not_500(client: TestClient, content: bytes) -> None:
    resp = client.post(PLAN, content=content, headers={"content-type": "application/json"})
    assert 400 <= resp.status_code < 500, resp.text
    assert resp.json()["error"]


def test_not_json_is_400(client: TestClient) -> None:
    resp = client.post(PLAN, content=b"{not json", headers={"content-type": "application/json"})
    assert _error(resp, 400, "bad_request")["field"] == "body"


# ------------------------------------------------------------------ limits


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    big = {**TRIP, "avoid_nodes": ["x" * 1000] * 70}
    body = _error(client.post(PLAN, json=big), 413, "body_too_large")
    assert "65536" in body["error"]


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"origin": "Alpha", "destination": "Epsilon", "via": ['
        for _ in range(100):
            yield b'"' + b"x" * 1000 + b'",'
        yield b'"Delta"]}'

    resp = client.post(PLAN, content=chunks(), headers={"content-type": "application/json"})
    _error(resp, 413, "body_too_large")


def test_body_limit_is_configurable(toy_dir: Path) -> None:
    client = TestClient(create_app(Settings(data=toy_dir, max_body_bytes=1024)))
    _error(client.post(PLAN, json={**TRIP, "avoid_nodes": ["y" * 100] * 12}), 413, "body_too_large")
    assert client.post(PLAN, json=TRIP).status_code == 200


# ------------------------------------------------------------------ errors, headers


def test_unknown_path_and_method_are_json(client: TestClient) -> None:
    _error(client.get("/api/v1/nothing"), 404, "not_found")
    _error(client.get("/static/nothing.js"), 404, "not_found")
    resp = client.delete(PLAN)
    _error(resp, 405, "method_not_allowed")
    assert resp.headers["allow"] == "POST"


def test_unexpected_errors_are_a_generic_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        msg = "secret internal detail"
        raise RuntimeError(msg)

    monkeypatch.setattr(silkrail, "plan", boom)
    resp = client.post(PLAN, json=TRIP)
    body = _error(resp, 500, "internal_error")
    assert "secret" not in resp.text
    assert body["error"].startswith("internal server error")


def test_cors_is_off_by_default(client: TestClient) -> None:
    resp = client.get("/api/v1/health", headers={"origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in resp.headers
    pre = client.options(
        PLAN,
        headers={"origin": "https://elsewhere.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in pre.headers


def test_cors_can_be_turned_on(toy_dir: Path) -> None:
    site = "https://planner.example"
    client = TestClient(create_app(Settings(data=toy_dir, cors_origins=(site,))))
    resp = client.get("/api/v1/health", headers={"origin": site})
    assert resp.headers["access-control-allow-origin"] == site


def test_page_is_served_with_a_same_origin_policy(client: TestClient) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert 'src="static/app.js"' in resp.text
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "connect-src 'self'" in csp
    assert resp.headers["x-content-type-options"] == "nosniff"
    for asset in ("app.js", "app.css", "THIRD-PARTY-LICENSES.txt"):
        assert client.get(f"/static/{asset}").status_code == 200


def test_page_loads_nothing_from_other_hosts(client: TestClient) -> None:
    page = client.get("/").text
    js = client.get("/static/app.js").text
    css = client.get("/static/app.css").text
    for text in (page, css):
        assert "http://" not in text
        assert "https://" not in text
    # The bundle names URLs only in licence comments and Leaflet's attribution link.
    assert 'fetch("http' not in js
    assert "tile.openstreetmap" not in js


# ------------------------------------------------------------------ OpenAPI, settings, cache


def test_openapi_is_published_with_limits(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/v1/health",
        "/api/v1/locations",
        "/api/v1/countries",
        "/api/v1/network",
        "/api/v1/plan",
        "/api/v1/simulations",
        "/api/v1/simulations/{job_id}",
        "/api/v1/flows",
        "/api/v1/flows/{job_id}",
        "/api/v1/shipments",
        "/api/v1/shipments/{shipment_id}",
        "/api/v1/shipments/{shipment_id}/events",
        "/api/v1/simulations/{job_id}/report",
    }
    req = spec["components"]["schemas"]["PlanRequest"]["properties"]
    # The served limits, not the widest the models allow.
    assert req["via"]["maxItems"] == Settings().plan_max_via < MAX_VIA
    assert req["max_routes"]["maximum"] == Settings().plan_max_routes
    assert req["cargo_tonnes"]["anyOf"][0]["maximum"] == 30
    assert "422" in spec["paths"]["/api/v1/plan"]["post"]["responses"]
    # The interactive docs need a CDN: off, so that nothing in the app reaches outside.
    assert client.get("/docs").status_code == 404


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, toy_dir: Path) -> None:
    monkeypatch.setenv("SILKRAIL_DATA", str(toy_dir))
    monkeypatch.setenv("SILKRAIL_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("SILKRAIL_CORS_ORIGINS", '["https://a.example"]')
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.data == toy_dir
        assert settings.max_body_bytes == 2048
        assert settings.cors_origins == ("https://a.example",)
        client = TestClient(create_app())
        assert client.get("/api/v1/health").json()["network"]["nodes"] == 5
    finally:
        get_settings.cache_clear()


def test_settings_dependency_can_be_overridden(app: FastAPI, tmp_path: Path) -> None:
    client = TestClient(app)
    assert client.get("/api/v1/health").status_code == 200
    app.dependency_overrides[get_settings] = lambda: Settings(data=tmp_path / "elsewhere")
    assert client.get("/api/v1/health").status_code == 503


def test_plans_are_cached_per_request(toy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = silkrail.plan

    def counting(*args: Any, **kwargs: Any) -> silkrail.RoutePlan:
        calls.append(args[1:3])
        return real(*args, **kwargs)

    monkeypatch.setattr(silkrail, "plan", counting)
    client = TestClient(create_app(Settings(data=toy_dir, plan_cache_size=8)))
    first = client.post(PLAN, json=TRIP).content
    assert client.post(PLAN, json=TRIP).content == first
    assert len(calls) == 1
    client.post(PLAN, json={**TRIP, "max_routes": 2})
    assert len(calls) == 2

    uncached = TestClient(create_app(Settings(data=toy_dir, plan_cache_size=0)))
    uncached.post(PLAN, json=TRIP)
    uncached.post(PLAN, json=TRIP)
    assert len(calls) == 4


def test_lifespan_warms_up(toy_settings: Settings) -> None:
    with TestClient(create_app(toy_settings)) as client:
        assert client.get("/api/v1/health").json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/api/v1/network", "/basemap/countries-50m.json"])
def test_big_bodies_are_gzipped_only_when_accepted(client: TestClient, path: str) -> None:
    plain = client.get(path, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = client.get(path, headers={"accept-encoding": "br, gzip;q=0.8"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()
    assert zipped.headers["vary"] == "Accept-Encoding"


def test_plan_is_gzipped_only_when_accepted(client: TestClient) -> None:
    plain = client.post(PLAN, json=TRIP, headers={"accept-encoding": "identity"})
    zipped = client.post(PLAN, json=TRIP, headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert plain.json() == zipped.json()
