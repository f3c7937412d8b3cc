"""End to end in a real browser: Debian's headless chromium driven by Playwright.

The server runs on a free loopback port with the packaged corridor network; the page must plan
Chongqing → Duisburg, draw the routes on the map and list them in the table, and never ask any
other host for anything. Set ``SILKRAIL_SCREENSHOT=docs/img/web-ui.png`` to save the screenshot
used in the docs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from silkrail.service import Settings, create_app

from ._live import live_server

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page, Request

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt install)"
)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server(create_app(Settings(data=None))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []

    def watch(request: Request) -> None:
        if not request.url.startswith((base_url, "data:")):
            outside.append(request.url)

    page.on("request", watch)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    yield page
    context.close()
    assert not outside, f"the page asked other hosts: {outside}"
    assert not errors, f"script errors: {errors}"


def _pick(page: Page, field: str, typed: str, name: str) -> None:
    page.fill(f"#{field}", typed)
    option = page.locator(f"#{field}-list li", has_text=name).first
    option.wait_for()
    option.click()
    assert page.input_value(f"#{field}").startswith(name)


def _plan(page: Page) -> int:
    page.click("#plan-btn")
    # Selectors, not wait_for_function: the page's CSP forbids the eval that the latter needs.
    page.wait_for_selector("#status.ok, #status.error")
    return page.locator("#routes-table tbody tr").count()


def test_network_and_basemap_are_drawn(page: Page) -> None:
    # Links (SVG paths in the network pane), nodes and the avoid-country chips.
    assert page.locator(".leaflet-network-pane path").count() > 100
    assert page.locator("path.sr-node").count() > 100
    assert page.locator("#countries .chip").count() > 20
    assert page.locator(".leaflet-basemap-pane canvas").count() == 1
    assert "nodes" in page.inner_text("#net-info")


def test_plan_chongqing_to_duisburg(page: Page) -> None:
    _pick(page, "origin", "chongq", "Chongqing")
    _pick(page, "destination", "duisb", "Duisburg")
    rows = _plan(page)
    assert rows >= 2
    assert page.inner_text("#status").startswith(f"{rows} route")
    # One coloured polyline per route on the map, with distinct colours.
    lines = page.locator("path.sr-route")
    assert lines.count() == rows
    colours = {lines.nth(i).get_attribute("stroke") for i in range(rows)}
    assert len(colours) == rows
    # The table and the chart list the same routes.
    labels = page.locator("#routes-table tbody tr td:nth-child(3)").all_inner_texts()
    assert any(label.startswith("Northern") for label in labels)
    assert page.locator("#chart .bubble").count() == rows
    assert page.get_attribute("#map", "data-routes") == str(rows)
    shot = os.environ.get("SILKRAIL_SCREENSHOT")
    if shot:
        page.mouse.move(0, 0)
        page.wait_for_timeout(300)
        page.screenshot(path=shot)


def test_avoid_countries_and_typo_suggestion(page: Page) -> None:
    _pick(page, "origin", "chongq", "Chongqing")
    page.fill("#destination", "Duisberg")
    page.keyboard.press("Escape")
    for code in ("RU", "BY"):
        page.click(f"#countries .chip[data-code={code}]")
        assert page.get_attribute(f"#countries .chip[data-code={code}]", "aria-pressed") == "true"
    assert _plan(page) == 0
    assert "did you mean" in page.inner_text("#status").lower()
    page.click("#status .suggest button")
    page.wait_for_selector("#status.ok")
    countries = page.locator("#routes-table .countries").all_inner_texts()
    assert countries
    assert not any("RU" in c.split(" › ") or "BY" in c.split(" › ") for c in countries)


def _run_simulation(
    page: Page, *, days: int, replications: int, close: str = "", reroute: bool = False
) -> str:
    """Fill the simulate panel (seed 7), run it, and return the status line."""
    page.click("#simulate summary")
    page.fill("#sim-days", str(days))
    page.fill("#sim-replications", str(replications))
    page.fill("#sim-seed", "7")
    if close:
        page.select_option("#sim-close", close)
    page.set_checked("#sim-reassign", reroute)
    page.click("#sim-btn")
    page.wait_for_selector("#sim-status.ok, #sim-status.error", timeout=240_000)
    return page.inner_text("#sim-status")


def test_simulate_panel_shows_progress_and_bottlenecks(page: Page) -> None:
    status = _run_simulation(page, days=20, replications=2)
    assert "trains per replication" in status, status
    assert "seed 7" in status
    assert "kt CO2e well-to-wheel per replication" in status
    assert page.get_attribute("#sim-progress", "value") == "1"
    rows = page.locator("#sim-table tbody tr")
    assert rows.count() == 10
    assert "Dostyk" in page.inner_text("#sim-table tbody")
    # Without re-routing there is no corridor table.
    assert page.locator("#sim-families-wrap").is_hidden()
    # Border stations are on the map: clicking one centres the map on its node.
    page.locator("#sim-table tbody tr.on-map").first.click()
    # The study report of the same job is one click away.
    link = page.locator("#sim-report")
    assert link.is_visible()
    href = link.get_attribute("href")
    assert href is not None
    assert href.startswith("/api/v1/simulations/")
    assert href.endswith("/report")
    report = page.request.get(link.evaluate("a => a.href"))  # the absolute URL
    assert report.status == 200
    assert 'id="map"' in report.text()


def test_simulate_panel_closes_a_crossing_and_reroutes(page: Page) -> None:
    assert page.locator("#sim-families-wrap").is_hidden()
    status = _run_simulation(page, days=10, replications=1, close="BY-BREST", reroute=True)
    assert "Brest" in status, status
    assert "closed" in status
    rows = page.locator("#sim-families tbody tr")
    corridors = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        # Baseline, this run and held-back trains a week for each rail corridor.
        assert cells.count() == 4
        corridors[cells.nth(0).inner_text()] = [float(cells.nth(k).inner_text()) for k in (1, 2, 3)]
    assert {"Northern", "Middle Corridor"} <= set(corridors)
    base, run, held = corridors["Northern"]
    assert base > 0
    # Brest carries a large part of the Northern trains: the closure moves some elsewhere.
    assert run != base
    assert held >= 0


def test_simulate_panel_shows_the_limit(page: Page) -> None:
    page.click("#simulate summary")
    page.fill("#sim-days", "5000")
    page.click("#sim-btn")
    page.wait_for_selector("#sim-status.error")
    assert "days" in page.inner_text("#sim-status")
    assert page.locator("#sim-results").is_hidden()


def test_flows_panel_draws_flows_as_line_widths(page: Page) -> None:
    page.click("#flows summary")
    page.select_option("#flow-close", "BY-BREST")
    page.click("#flow-btn")
    page.wait_for_selector("#flow-status.ok, #flow-status.error", timeout=240_000)
    status = page.inner_text("#flow-status")
    assert "line width = TEU a year" in status, status
    paths = page.locator("path.sr-flow")
    assert paths.count() > 50
    # Widths follow the TEU: the sea lanes and the busiest rail lines are wider than the rest.
    widths = {
        float(w) for w in paths.evaluate_all("els => els.map(e => e.getAttribute('stroke-width'))")
    }
    assert len(widths) > 10
    assert max(widths) > 3 * min(widths)
    rows = page.locator("#flow-table tbody tr")
    assert rows.count() == 3
    first = rows.first.locator("td")
    base, scen = (float(first.nth(i).inner_text().rstrip(" %")) for i in (2, 3))
    assert 2.0 < base < 4.0  # the calibrated 2024 rail share of China–Europe TEU
    assert scen < base  # Brest closed: fewer containers go by rail
