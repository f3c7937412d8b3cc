"""One test per validation rule: each breaks the toy network once and checks the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest

from silkrail import NetworkValidationError, read_network

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

Frame = pd.DataFrame


def _edit(folder: Path, file: str, change: Callable[[Frame], Frame | None]) -> None:
    path = folder / file
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).astype(object)
    result = change(frame)
    (frame if result is None else result).to_csv(path, index=False)


def _set(row: int, column: str, value: str) -> Callable[[Frame], None]:
    """Set a cell; `row` is the file's line number (header = 1)."""

    def change(frame: Frame) -> None:
        frame.loc[row - 2, column] = value

    return change


def _append(**values: str) -> Callable[[Frame], Frame]:
    def change(frame: Frame) -> Frame:
        row = dict.fromkeys(frame.columns, "") | values
        return pd.concat([frame, pd.DataFrame([row])], ignore_index=True)

    return change


def _problems(folder: Path) -> NetworkValidationError:
    with pytest.raises(NetworkValidationError) as info:
        read_network(folder)
    return info.value


NODE = {
    "id": "KZ-ZETA",
    "name": "Zeta",
    "country": "KZ",
    "lat": "47.0",
    "lon": "70.0",
    "kind": "junction",
    "status": "open",
    "source_ids": "toy",
}

# (file, change, expected (row, column, value), words of the rule)
CASES: dict[
    str, tuple[str, Callable[[Frame], Frame | None], tuple[int | None, str | None, str], str]
] = {
    "missing column": (
        "nodes.csv",
        lambda f: f.drop(columns=["kind"]),
        (None, "kind", ""),
        "required column is missing",
    ),
    "unknown column": (
        "links.csv",
        lambda f: f.assign(colour="red"),
        (None, "colour", "colour"),
        "unknown column",
    ),
    "number expected": (
        "nodes.csv",
        _set(3, "lat", "north"),
        (3, "lat", "north"),
        "must be a number",
    ),
    "integer expected": (
        "nodes.csv",
        _set(3, "border_servers", "2.5"),
        (3, "border_servers", "2.5"),
        "must be an integer",
    ),
    "bool expected": (
        "links.csv",
        _set(2, "electrified", "maybe"),
        (2, "electrified", "maybe"),
        "must be true or false",
    ),
    "unknown kind": (
        "nodes.csv",
        _set(5, "kind", "station"),
        (5, "kind", "station"),
        "must be one of",
    ),
    "unknown mode": ("links.csv", _set(3, "mode", "air"), (3, "mode", "air"), "must be one of"),
    "required value": ("nodes.csv", _set(2, "name", ""), (2, "name", ""), "a value is required"),
    "duplicate node id": (
        "nodes.csv",
        _set(4, "id", "CN-BETA"),
        (4, "id", "CN-BETA"),
        "duplicate id; first defined at row 3",
    ),
    "duplicate link id": ("links.csv", _set(3, "id", "T1"), (3, "id", "T1"), "duplicate id"),
    "unknown node": (
        "links.csv",
        _set(4, "to_id", "KZ-NOWHERE"),
        (4, "to_id", "KZ-NOWHERE"),
        "unknown node id",
    ),
    "self loop": (
        "links.csv",
        _set(2, "to_id", "CN-ALPHA"),
        (2, "to_id", "CN-ALPHA"),
        "two different nodes",
    ),
    "zero distance": (
        "links.csv",
        _set(3, "distance_km", "0"),
        (3, "distance_km", "0"),
        "must be > 0",
    ),
    "negative distance": (
        "links.csv",
        _set(3, "distance_km", "-12"),
        (3, "distance_km", "-12"),
        "must be > 0",
    ),
    "zero vessel size (a column older files may leave out)": (
        "links.csv",
        _set(3, "vessel_feu", "0"),
        (3, "vessel_feu", "0"),
        "must be > 0",
    ),
    "gauge outside set": (
        "links.csv",
        _set(4, "gauge_mm", "1000"),
        (4, "gauge_mm", "1000"),
        "rail gauge must be one of [1435, 1520, 1668, 1676]",
    ),
    "latitude out of range": ("nodes.csv", _set(4, "lat", "95"), (4, "lat", "95"), "[-90, 90]"),
    "longitude out of range": (
        "nodes.csv",
        _set(4, "lon", "200"),
        (4, "lon", "200"),
        "[-180, 180]",
    ),
    "shorter than great circle": (
        "links.csv",
        _set(5, "distance_km", "1500"),
        (5, "distance_km", "1500"),
        "shorter than the great-circle distance",
    ),
    "unknown source id": (
        "links.csv",
        _set(2, "source_ids", "toy;atlas"),
        (2, "source_ids", "atlas"),
        "unknown source id",
    ),
    "row without source": (
        "nodes.csv",
        _set(6, "source_ids", ""),
        (6, "source_ids", ""),
        "required",
    ),
    "source without url": ("sources.csv", _set(2, "url", ""), (2, "url", ""), "required"),
    "source url not http": (
        "sources.csv",
        _set(2, "url", "ftp://x"),
        (2, "url", "ftp://x"),
        "http:// or https:// URL",
    ),
    "source without year": ("sources.csv", _set(2, "year", ""), (2, "year", ""), "required"),
    "country not ISO": ("nodes.csv", _set(2, "country", "XX"), (2, "country", "XX"), "ISO 3166-1"),
    "isolated node": ("nodes.csv", _append(**NODE), (7, "id", "KZ-ZETA"), "isolated node"),
    "gauge change forced": (
        "nodes.csv",
        _set(4, "gauge_change_hours", ""),
        (4, "gauge_change_hours", ""),
        "gauge change would be forced",
    ),
    "operation parameter missing": (
        "nodes.csv",
        _set(3, "border_servers", ""),
        (3, "border_servers", ""),
        "required when border_hours is given",
    ),
    "mode parameter missing": (
        "links.csv",
        _set(3, "speed_kmh", ""),
        (3, "speed_kmh", ""),
        "required on a rail link",
    ),
    "gauge on a ferry": (
        "links.csv",
        _append(
            id="F1",
            from_id="KZ-EPSILON",
            to_id="CN-ALPHA",
            mode="ferry",
            distance_km="3000",
            distance_basis="published",
            gauge_mm="1520",
            speed_kmh="20",
            sailings_per_week="2",
            tariff_usd_per_feu="800",
            time_cv="0.3",
            status="open",
            source_ids="toy",
        ),
        (6, "gauge_mm", "1520"),
        "must be empty on a non-rail link",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_is_reported_with_file_row_column_and_value(toy_dir: Path, case: str) -> None:
    file, change, (row, column, value), rule = CASES[case]
    _edit(toy_dir, file, change)
    exc = _problems(toy_dir)
    matching = [
        p
        for p in exc.problems
        if p.file == file and p.row == row and p.column == column and p.value == value
    ]
    assert matching, f"no problem at {file} row {row} {column}={value!r}: {exc.problems}"
    assert any(rule in p.rule for p in matching), [p.rule for p in matching]
    text = str(exc)
    where = file if row is None else f"{file}, row {row}"
    assert where in text
    assert repr(value) in text


def test_rail_meeting_water_needs_a_transfer(toy_dir: Path) -> None:
    # A ferry from Delta (a junction without a berth) forces a rail-water transfer there.
    _edit(
        toy_dir,
        "links.csv",
        _append(
            id="F1",
            from_id="KZ-DELTA",
            to_id="KZ-EPSILON",
            mode="ferry",
            distance_km="2800",
            distance_basis="published",
            speed_kmh="20",
            sailings_per_week="2",
            tariff_usd_per_feu="800",
            time_cv="0.3",
            status="open",
            source_ids="toy",
        ),
    )
    exc = _problems(toy_dir)
    [p] = [p for p in exc.problems if p.column == "port_transfer_hours"]
    assert (p.file, p.row) == ("nodes.csv", 5)
    assert "rail-water transfer would be forced" in p.rule
    # Epsilon offers a transfer, so it is not reported.
    assert all(p.row != 6 for p in exc.problems if p.file == "nodes.csv")


def test_road_meeting_rail_needs_a_truck_lift(toy_road_dir: Path) -> None:
    # Take Delta's truck lift away: road R2/R3 and rail T3/T4 meet there.
    nodes = toy_road_dir / "nodes.csv"
    text = nodes.read_text(encoding="utf-8")
    delta = next(line for line in text.splitlines() if line.startswith("KZ-DELTA,"))
    assert delta.endswith(",1,80")
    nodes.write_text(text.replace(delta, delta.removesuffix("1,80") + ","), encoding="utf-8")
    exc = _problems(toy_road_dir)
    [p] = exc.problems
    assert (p.file, p.row, p.column) == ("nodes.csv", 5, "road_transfer_hours")
    assert "truck lift would be forced" in p.rule


def test_truck_lift_needs_its_fee(toy_road_dir: Path) -> None:
    nodes = toy_road_dir / "nodes.csv"
    text = nodes.read_text(encoding="utf-8")
    nodes.write_text(text.replace("rail only,0.5,100", "rail only,0.5,"), encoding="utf-8")
    exc = _problems(toy_road_dir)
    assert [(p.row, p.column) for p in exc.problems] == [(7, "road_usd_per_feu")]


def test_missing_file_is_reported(toy_dir: Path) -> None:
    (toy_dir / "sources.csv").unlink()
    exc = _problems(toy_dir)
    assert [(p.file, p.rule) for p in exc.problems] == [("sources.csv", "file is missing")]


def test_unreadable_csv_is_reported(toy_dir: Path) -> None:
    (toy_dir / "links.csv").write_bytes(b"id,from_id\n\xff\xfe broken\n")
    exc = _problems(toy_dir)
    assert any(p.file == "links.csv" and "UTF-8" in p.rule for p in exc.problems)


def test_every_problem_across_files_is_collected_before_failing(toy_dir: Path) -> None:
    _edit(toy_dir, "nodes.csv", _set(2, "lat", "north"))
    _edit(toy_dir, "nodes.csv", _set(5, "kind", "station"))
    _edit(toy_dir, "links.csv", _set(3, "gauge_mm", "1000"))
    _edit(toy_dir, "sources.csv", _set(2, "year", "soon"))
    exc = _problems(toy_dir)
    found = {(p.file, p.row, p.column) for p in exc.problems}
    assert {
        ("nodes.csv", 2, "lat"),
        ("nodes.csv", 5, "kind"),
        ("links.csv", 3, "gauge_mm"),
        ("sources.csv", 2, "year"),
    } <= found
    assert str(exc).startswith(f"{len(exc.problems)} problem(s) in network")


def test_valid_toy_network_loads(toy_dir: Path) -> None:
    net = read_network(toy_dir)
    assert (net.n_nodes, net.n_links) == (5, 4)
    assert net.offers_gauge_change.tolist() == [False, False, True, False, False]
    with pytest.raises(ValueError, match="read-only"):
        net.distance_km[0] = 1.0


def test_unknown_ids_after_a_broken_nodes_file_are_counted_not_listed(toy_dir: Path) -> None:
    # A node row without its id: the cause, once; the links that name that node follow from it.
    nodes = toy_dir / "nodes.csv"
    nodes.write_text(nodes.read_text(encoding="utf-8").replace("\nCN-BETA,", "\n,"), "utf-8")
    exc = _problems(toy_dir)
    links = [p for p in exc.problems if p.file == "links.csv"]
    assert any(p.file == "nodes.csv" and p.column == "id" for p in exc.problems)
    assert len(links) == 1
    assert "CN-BETA" in links[0].rule
    assert "consequence of the nodes.csv problems above" in links[0].rule


def test_unknown_ids_with_a_clean_nodes_file_are_listed_by_row(toy_dir: Path) -> None:
    links = toy_dir / "links.csv"
    text = links.read_text(encoding="utf-8")
    links.write_text(text.replace(",CN-BETA,", ",CN-BETTA,", 1), "utf-8")
    exc = _problems(toy_dir)
    unknown = [p for p in exc.problems if p.rule == "unknown node id; not in nodes.csv"]
    assert [p.value for p in unknown] == ["CN-BETTA"]
