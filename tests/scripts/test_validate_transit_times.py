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
            }
        ]
    )
    (outcome,) = script.evaluate(net, calib)
    assert outcome.status == "mapped"
    assert outcome.via == "Aktau port → Poti port → Constanța port"
    assert outcome.label.startswith("Middle Corridor")
    assert "Poti–Constanța" in outcome.label


@pytest.mark.slow
@pytest.mark.skipif(not CALIBRATION.is_file(), reason="../shared/facts is not beside the repo")
def test_docs_validation_md_matches_a_fresh_run() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
