"""The transit-time validation script: route-text parsing, via planning, docs freshness."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

import silkrail

from .conftest import load_script

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "validate_transit_times.py"
CALIBRATION = ROOT.parent / "shared" / "facts" / "transit-times-calibration.csv"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script("validate_transit_times")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Khorgos-Aktau-ferry-Alat-Baku", [("Horgos",), ("Aktau",)]),
        ("Altynkol-Khorgos Gateway-Aktau-Caspian-Turkey", [("Altynkol",), ("Aktau",)]),
        ("Middle Corridor via Poti/Batumi + Black Sea", [("Poti", "Batumi")]),
        (
            "Middle Corridor: Aktau-Alat-Poti-Constanta (DB Cargo Eurasia)",
            [("Aktau",), ("Poti",), ("Constanța",)],
        ),
        ("via Manzhouli", [("Manzhouli",)]),
        ("Northern: Kazakhstan-Russia-Belarus (forwarder indicative)", []),
    ],
)
def test_route_text_names_via_places_in_order(
    script: ModuleType, text: str, expected: list[tuple[str, ...]]
) -> None:
    assert script.via_places(text) == expected


def test_a_row_naming_ports_is_planned_through_them_without_detours(
    script: ModuleType,
) -> None:
    net = silkrail.load_network()
    calib = pd.DataFrame(
        [
            {
                "origin": "Xi'an",
                "destination": "Duisburg",
                "route_via": "Middle Corridor: Aktau-Alat-Poti-Constanta",
                "distance_km": None,
                "transit_days_min": 30,
                "transit_days_max": 30,
                "kind": "operator-typical",
                "year": 2022,
                "notes": "",
            }
        ]
    )
    (outcome,), (observation,) = script.evaluate(net, calib)
    assert outcome.status == "mapped"
    assert outcome.via == "Aktau port → Poti port → Constanța port"
    assert outcome.label.startswith("Middle Corridor")
    assert "Poti–Constanța" in outcome.label
    assert outcome.service == "block"
    assert outcome.model_p5 < outcome.model_p50 < outcome.model_p95
    assert observation.row == outcome.row


@pytest.mark.slow
@pytest.mark.skipif(not CALIBRATION.is_file(), reason="../shared/facts is not beside the repo")
def test_docs_validation_md_matches_a_fresh_run() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("speed train", "fixed-schedule"),
        ("China-Europe Railway Express (general, NDRC)", "block"),
        ("Western corridor CN-KZ-RU-BY-PL, fast rail terminal-to-terminal", "block"),
        ("regular shipments (CPMM)", "regular"),
        ("regular service, departures 8th/18th/28th of month", "fixed-schedule"),
        ("regular service, 3 departures a week", "block"),
    ],
)
def test_a_row_is_scored_against_the_class_it_describes(
    script: ModuleType, text: str, service: str
) -> None:
    assert script.service_for(text) == service


def test_azerbaijan_railways_counts_from_the_chinese_border(script: ModuleType) -> None:
    assert script.counted_origin("China", "ADY chairman: average") == "kazakh-chinese border"
    assert script.counted_origin("Xi'an", "ADY chairman") == "Xi'an"
    assert script.counted_origin("China", "DHL Jun 2024") == "China"
    assert script.counted_origin("China", "READY-made") == "China"


def test_the_turkish_ministers_china_turkiye_figure_ends_at_kars(script: ModuleType) -> None:
    notes = "Turkish deputy minister: delivery time reduced to 15 d; target Alataw-Kars 10 d"
    assert script.counted_destination("Turkiye", notes) == "Kars"
    assert script.counted_destination("Istanbul", notes) == "Istanbul"
    assert script.counted_destination("Turkiye", "") == "Turkiye"


def test_titr_guidance_to_constanta_crosses_the_black_sea(script: ModuleType) -> None:
    titr = "Middle Corridor (TITR official guidance as quoted by forwarder)"
    assert script.source_route_places(titr, "Constanta") == [("Poti", "Batumi")]
    assert script.source_route_places(titr, "Budapest/Duisburg/Milan") == []
    assert script.source_route_places("Middle Corridor", "Constanta") == []


def test_a_titr_row_to_constanta_is_planned_over_the_black_sea(script: ModuleType) -> None:
    net = silkrail.load_network()
    calib = pd.DataFrame(
        [
            {"origin": "Xi'an", "destination": "Constanta",
             "route_via": "Middle Corridor (TITR official guidance as quoted by forwarder)",
             "distance_km": None, "transit_days_min": 31, "transit_days_max": 34,
             "kind": "official", "year": 2025, "notes": "forwarder blog quoting TITR guidance"},
        ]
    )  # fmt: skip
    (outcome,), _ = script.evaluate(net, calib)
    assert outcome.via == "Poti port/Batumi port"
    assert "Akhalkalaki" not in outcome.label
    assert "Constanța" in outcome.label


def test_a_row_date_comes_from_its_notes(script: ModuleType) -> None:
    import datetime as dt

    assert script.row_date(2024, "DHL Jun 2024; congestion") == dt.date(2024, 6, 15)
    assert script.row_date(2024, "no month") == dt.date(2024, 7, 1)


def test_the_cross_validation_reruns_on_a_small_table(script: ModuleType) -> None:
    calib = pd.DataFrame(
        [
            {"origin": "Altynkol", "destination": "Baku", "route_via": "Kazakhstan rail + Caspian",
             "distance_km": None, "transit_days_min": 9, "transit_days_max": 9,
             "kind": "official", "year": 2024, "notes": ""},
            {"origin": "Chengdu", "destination": "Almaty", "route_via": "Kazakhstan",
             "distance_km": None, "transit_days_min": 8, "transit_days_max": 8,
             "kind": "operator-typical", "year": 2018, "notes": ""},
            {"origin": "Xi'an", "destination": "Mersin", "route_via": "Altynkol-Aktau-Caspian",
             "distance_km": 9000, "transit_days_min": 17, "transit_days_max": 17,
             "kind": "single-train", "year": 2021, "notes": ""},
        ]
    )  # fmt: skip
    outcomes, text = script.run(calib, write=False)
    typical = [o for o in outcomes if o.kind in script.TYPICAL]
    assert len(typical) == 2
    assert all(o.cv_inside is not None and o.cv_p50 > 0 for o in typical)
    assert outcomes[2].reachable is not None
    assert "cross-validated" in text
