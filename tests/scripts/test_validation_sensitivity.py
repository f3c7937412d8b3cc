"""The sensitivity script's network variants change only the segment classes they name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

import silkrail

from .conftest import load_script

if TYPE_CHECKING:
    from types import ModuleType


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script("validation_sensitivity")


def test_variant_scales_each_class_and_leaves_the_rest(script: ModuleType) -> None:
    net = silkrail.load_network()
    changed = script.variant(
        net, china_speed=2.0, speed_1520=1.0, europe_speed=0.5, port_dwell_h=24.0
    )
    keys = np.array([script.speed_key(note) for note in net.link_note])
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
