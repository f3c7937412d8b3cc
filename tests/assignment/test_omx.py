"""OMX matrices in and out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

import silkrail

if TYPE_CHECKING:
    from pathlib import Path

h5py = pytest.importorskip("h5py")


def test_round_trip_and_layout(tmp_path: Path) -> None:
    f = tmp_path / "m.omx"
    a = np.arange(9.0).reshape(3, 3)
    silkrail.write_omx(f, {"am": a, "pm": 2 * a}, zone_ids=np.array([10, 20, 30]))
    got = silkrail.read_omx(f)
    assert list(got) == ["am", "pm"]
    np.testing.assert_array_equal(got["pm"], 2 * a)
    with h5py.File(f, "r") as h:
        version = h.attrs["OMX_VERSION"]
        assert (version.decode() if isinstance(version, bytes) else version) == "0.2"
        assert list(h.attrs["SHAPE"]) == [3, 3]
        assert list(h["lookup"]["zone_ids"][()]) == [10, 20, 30]


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one matrix"):
        silkrail.write_omx(tmp_path / "x.omx", {})
    with pytest.raises(ValueError, match="must be square"):
        silkrail.write_omx(tmp_path / "x.omx", {"a": np.zeros((2, 3))})
    with pytest.raises(ValueError, match="these differ"):
        silkrail.write_omx(tmp_path / "x.omx", {"a": np.zeros((2, 2)), "b": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="zone_ids must have 2 values"):
        silkrail.write_omx(tmp_path / "x.omx", {"a": np.zeros((2, 2))}, zone_ids=np.ones(3))
    with pytest.raises(FileNotFoundError):
        silkrail.read_omx(tmp_path / "missing.omx")
    junk = tmp_path / "junk.omx"
    junk.write_text("not hdf5")
    with pytest.raises(ValueError, match="not an OMX"):
        silkrail.read_omx(junk)


def test_multi_class_skims(tmp_path: Path) -> None:
    net = silkrail.TrafficNetwork(
        init_node=[1, 1],
        term_node=[2, 2],
        capacity=[1.0, 1.0],
        length=[1.0, 3.0],
        free_flow_time=[1.0, 2.0],
        b=[1.0, 0.25],
        power=[1.0, 1.0],
        toll=[3.0, 0.0],
        num_nodes=2,
        num_zones=2,
    )
    d = np.array([[0.0, 4.0], [0.0, 0.0]])
    cars = silkrail.UserClass(d, name="cars")
    trucks = silkrail.UserClass(0.25 * d, name="trucks", pce=2.0, value_of_time=1.0)
    res = silkrail.assign(net, [cars, trucks], method="algb", rgap=1e-12)
    skims = silkrail.assignment_skims(net, res)
    assert set(skims) == {
        f"{c}_{w}" for c in ("cars", "trucks") for w in ("cost", "time", "distance", "toll")
    }
    assert skims["trucks_toll"][0, 1] == 0.0
    assert skims["trucks_distance"][0, 1] == 3.0
    f = tmp_path / "skims.omx"
    silkrail.write_omx(f, skims)
    np.testing.assert_array_equal(
        silkrail.read_omx(f, ["cars_cost"])["cars_cost"], skims["cars_cost"]
    )
