from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pytest

from silkrail import (
    ExportError,
    NetworkValidationError,
    load_network,
    network_from_frames,
    network_to_geojson,
    read_network,
    write_network,
)

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("fmt", "name"), [("geojson", "n.geojson"), ("gpkg", "n.gpkg"), ("csv", "n")]
)
def test_export_round_trip_toy(toy_dir: Path, tmp_path: Path, fmt: str, name: str) -> None:
    net = read_network(toy_dir)
    out = write_network(net, tmp_path / name, format=fmt)  # type: ignore[arg-type]
    again = read_network(out)
    assert again == net
    assert again.node_aliases.tolist() == net.node_aliases.tolist()


@pytest.mark.parametrize(
    ("fmt", "name"), [("geojson", "c.geojson"), ("gpkg", "c.gpkg"), ("csv", "c")]
)
def test_export_round_trip_packaged(tmp_path: Path, fmt: str, name: str) -> None:
    net = load_network()
    again = read_network(write_network(net, tmp_path / name, format=fmt))  # type: ignore[arg-type]
    assert again == net


def test_equality_notices_a_changed_value(toy_dir: Path) -> None:
    net = read_network(toy_dir)
    frames = net.to_frames()
    frames["links"].loc[0, "distance_km"] = 478.0
    other = network_from_frames(frames["nodes"], frames["links"], frames["sources"])
    assert other != net


def test_geojson_structure(toy_dir: Path) -> None:
    gj = network_to_geojson(read_network(toy_dir))
    kinds = [f["properties"]["layer"] for f in gj["features"]]
    assert kinds.count("node") == 5
    assert kinds.count("link") == 4
    link = next(f for f in gj["features"] if f["id"] == "T2")
    assert link["geometry"]["type"] == "LineString"
    assert link["properties"]["gauge_mm"] == 1435
    assert link["properties"]["electrified"] is False
    assert gj["silkrail"]["sources"][0]["id"] == "toy"
    json.dumps(gj)  # serialisable


def test_broken_geojson_is_reported_with_feature_number(toy_dir: Path, tmp_path: Path) -> None:
    gj = network_to_geojson(read_network(toy_dir))
    gj["features"][1]["properties"]["lat"] = 0  # ignored: geometry is authoritative
    gj["features"][6]["properties"]["gauge_mm"] = 1000
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(gj), encoding="utf-8")
    with pytest.raises(NetworkValidationError) as info:
        read_network(path)
    [p] = info.value.problems
    assert (p.file, p.row, p.column, p.value) == ("bad.geojson:links", 7, "gauge_mm", "1000")


def test_not_json_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(NetworkValidationError, match="not valid GeoJSON"):
        read_network(path)


def test_unknown_format_and_file_type(toy_dir: Path, tmp_path: Path) -> None:
    net = read_network(toy_dir)
    with pytest.raises(ExportError, match=r"unknown export format 'shp'; choose one of"):
        write_network(net, tmp_path / "x.shp", format="shp")  # type: ignore[arg-type]
    (tmp_path / "x.txt").write_text("", encoding="utf-8")
    with pytest.raises(NetworkValidationError, match="unknown network file type"):
        read_network(tmp_path / "x.txt")
    with pytest.raises(FileNotFoundError):
        read_network(tmp_path / "absent")


def test_failed_export_leaves_no_file(
    toy_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import silkrail.network.io as io

    net = read_network(toy_dir)
    target = tmp_path / "exports" / "out.geojson"
    target.parent.mkdir()
    target.write_text("previous", encoding="utf-8")

    def boom(_: object) -> dict[str, object]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(io, "network_to_geojson", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write_network(net, target, format="geojson")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in target.parent.iterdir()] == ["out.geojson"]


def test_columns_are_read_only_numpy(toy_dir: Path) -> None:
    net = read_network(toy_dir)
    assert net.node_lat.dtype == np.float64
    assert net.link_from.dtype == np.int64
    assert not net.link_gauge_mm.flags.writeable


def test_vessel_size_column_may_be_left_out_and_round_trips(toy_dir: Path, tmp_path: Path) -> None:
    net = read_network(toy_dir)  # its links.csv has no vessel_feu column
    assert np.isnan(net.vessel_feu).all()
    packaged = load_network()
    # the Caspian and Black Sea ferries and the Lake Van train ferry
    assert np.isfinite(packaged.vessel_feu).sum() == 6
    for fmt, target in (("csv", tmp_path / "copy"), ("geojson", tmp_path / "copy.geojson")):
        written = write_network(packaged, target, format=fmt)
        back = read_network(written)
        assert back == packaged, fmt
    header = (tmp_path / "copy" / "links.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",vessel_feu")
