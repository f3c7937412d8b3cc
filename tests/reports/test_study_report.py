"""The study report: content checks on the HTML, and Chromium opening it offline."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from silkrail.cli import main

if TYPE_CHECKING:
    from playwright.sync_api import Request

ROOT = Path(__file__).resolve().parents[2]
AKTAU = ROOT / "examples" / "scenarios" / "aktau-closure.yaml"
CHROMIUM = Path("/usr/bin/chromium")
# SILKRAIL_DOC_SCREENSHOTS=1 renders the documented study (365 days, 20 replications) and
# refreshes docs/img/report-aktau-closure.png; the default run is short.
DOCS = os.environ.get("SILKRAIL_DOC_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "study.html"
    days, reps = ("365", "20") if DOCS else ("100", "3")
    args = ["report", "--scenario", str(AKTAU), "--days", days, "--replications", reps]
    args += ["--seed", "2024", "--scheduler", "serial", "-o", str(out), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def test_report_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert report.stat().st_size < 5_000_000
    # Nothing to fetch: no scripts, stylesheets, images or fonts from anywhere.
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert "url(" not in html
    assert "@import" not in html


def test_summary_says_how_the_closure_moves_p95_and_waits(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    summary = html[html.index('id="summary"') : html.index('id="map"')]
    assert "p95 transit days" in summary
    assert re.search(r"from \d+\.\d to \d+\.\d days \(\+\d+\.\d d", summary)
    # The closed port's stations are the waits that move most.
    assert "Waits" in summary
    assert "Aktau" in summary


def test_report_names_places_not_ids(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    tables = html[html.index('id="tables"') : html.index('id="assumptions"')]
    assert "Moscow → Ürümqi via Khorgos" in tables
    assert "rail:" not in tables
    assert "CN-XIAN>" not in tables


def test_assumptions_and_reproducibility(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "target: KZ-AKTAU" in html  # the scenario text
    assert re.search(r"<code>[0-9a-f]{64}</code>", html)  # the dataset hash
    assert "https://" in html[html.index('id="assumptions"') :]  # the touched parameters' sources
    repro = html[html.index('id="reproducibility"') :]
    assert "--seed 2024" in repro
    assert "run time" in repro


def test_output_folder_is_checked_before_the_run(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "study.html"
    result = CliRunner().invoke(main, ["report", "-o", str(out), "--scheduler", "serial"])
    assert result.exit_code == 6
    assert "does not exist" in result.output


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_report_in_chromium_offline(report: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def refuse(route: object, request: Request) -> None:
        # Every request but the file itself fails: the report must not need one.
        if request.url == report.as_uri():
            route.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(request.url)
            route.abort()  # type: ignore[attr-defined]

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1100, "height": 1000})
            page = context.new_page()
            page.route("**/*", refuse)
            page.goto(report.as_uri())
            map_svg = page.locator("#map svg")
            assert map_svg.is_visible()
            assert map_svg.bounding_box()["height"] > 300  # type: ignore[index]
            assert page.locator("#map svg line").count() > 50
            assert page.locator("#map .bottleneck").count() == 10
            for chart, mark in (
                ("#chart-transit", "rect"),
                ("#chart-queues", "polyline"),
                ("#chart-trains", "rect"),
                ("#chart-co2e", "rect"),
            ):
                svg = page.locator(f"{chart} svg")
                assert svg.is_visible(), chart
                assert page.locator(f"{chart} svg {mark}").count() >= 2, chart
            assert page.locator("table.routes tbody tr").count() == 8
            assert page.locator("table.borders tbody tr").count() >= 10
            assert page.locator("table.bottlenecks tbody tr").count() == 10
            assert "p95 transit days" in page.locator("#summary").inner_text()
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            assert (tmp_path / "report.png").stat().st_size > 50_000
            if DOCS:
                # The summary, the map and the first charts.
                page.set_viewport_size({"width": 1100, "height": 1700})
                page.screenshot(path=str(ROOT / "docs" / "img" / "report-aktau-closure.png"))
        finally:
            browser.close()
    assert blocked == []


def test_report_with_flows_has_the_flows_section(tmp_path: Path) -> None:
    out = tmp_path / "flows.html"
    args = ["report", "--scenario", str(ROOT / "examples" / "scenarios" / "brest-closed.yaml")]
    args += ["--days", "20", "--replications", "1", "--seed", "1", "--scheduler", "serial"]
    args += ["--flows", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    section = page[page.index('id="flows"') :]
    assert "Corridor flows" in page
    assert "rail share, base year" in section
    assert "rail share, scenario" in section
    assert "China-Europe" in section
    assert "--flows" in page  # the reproducibility block names the option
