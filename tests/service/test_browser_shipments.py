"""The web map's shipments panel in a real browser: a shipment moves along its route.

A server with its own shipments store serves the packaged network; a shipment is added and
fed events through the library (as `silkrail track import` would), and the page must show its
position, events and forecast band, then move the marker when a later event arrives.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

import silkrail
from silkrail.service import Settings, create_app
from silkrail.shipments import (
    ShipmentEvent,
    ShipmentStore,
    ingest_events,
    plan_shipment,
    register,
)

from ._live import live_server
from .test_browser import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Page

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt install)"
)

C = "CSQU3054383"
T0 = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)


def _event(i: int, code: str, kind: str, where: str, hours: float) -> ShipmentEvent:
    return ShipmentEvent(f"e{i}", C, kind, code, "ACT", T0 + dt.timedelta(hours=hours), where)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db: Path = tmp_path_factory.mktemp("track") / "shipments.sqlite"
    url = f"sqlite:///{db}"
    net = silkrail.load_network()
    with ShipmentStore(url) as store:
        shipment = plan_shipment(net, C, "Xi'an", "Duisburg", depart=T0)
        register(store, shipment, net)
        ingest_events(store, [_event(1, "DEPA", "TRANSPORT", "CN-XIAN", 20)], net)
    with live_server(create_app(Settings(data=None, database=url))) as base_url:
        yield base_url, url


def _show(page: Page, node: str) -> dict[str, float]:
    page.click("#track-btn")
    page.wait_for_selector(f"#track-position[data-node='{node}']", timeout=15_000)
    box = page.locator(".shipment-marker").bounding_box()
    assert box is not None
    return box


def test_shipment_moves_along_its_route(served: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    base_url, url = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base_url + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        page.click("#track summary")
        page.fill("#track-id", C)
        before = _show(page, "CN-XIAN")
        assert "Xi'an" in page.inner_text("#track-position")
        assert page.locator("#track-events li").count() == 1
        assert "p50" in page.inner_text("#track-forecast")
        assert page.locator("#track-band-fill").bounding_box() is not None
        # The train reaches the Kazakh border: the marker moves west along the route.
        net = silkrail.load_network()
        with ShipmentStore(url) as store:
            ingest_events(store, [_event(2, "GCCO", "CORRIDOR", "KZ-DOSTYK", 90)], net)
        after = _show(page, "KZ-DOSTYK")
        assert after["x"] < before["x"]
        assert page.locator("#track-events li").count() == 2
        assert "Dostyk" in page.inner_text("#track-events")
        browser.close()
        assert not errors, f"script errors: {errors}"
