"""The sensitivity script's network variants change only the segment classes they name."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

import silkrail

if TYPE_CHECKING:
    from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "validation_sensitivity.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("validation_sensitivity", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_variant_scales_each_class_and_leaves_the_rest(script: ModuleType) -> None:
    net = silkrail.load_network()
    changed = script.variant(
        net, china_speed=2.0, speed_1520=1.0, europe_speed=0.5, port_dwell_h=24.0
    )
    keys = np.array([script._speed_key(note) for note in net.link_note])
    china = keys == "CN"
    europe = np.isin(keys, ["EU18", "PL30"])
    assert china.any()
    assert europe.any()
    np.testing.assert_allclose(changed.speed_kmh[china], 2.0 * net.speed_kmh[china])
    np.testing.assert_allclose(changed.speed_kmh[europe], 0.5 * net.speed_kmh[europe])
    rest = ~(china | europe)
    np.testing.assert_array_equal(changed.speed_kmh[rest], net.speed_kmh[rest])
    ports = np.isin(net.node_id, ["KZ-AKTAU", "AZBAK", "GEPTI"])
    np.testing.assert_allclose(
        changed.port_transfer_hours[ports], net.port_transfer_hours[ports] + 24.0
    )
    others = ~np.isin(net.node_id, script.SEA_PORTS)
    np.testing.assert_array_equal(
        changed.port_transfer_hours[others], net.port_transfer_hours[others]
    )
    # the packaged network itself is untouched
    assert net.speed_kmh[china][0] == pytest.approx(29.2)
