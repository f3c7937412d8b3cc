"""The TNTP readers, and their errors naming file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

import silkrail
from silkrail.errors import TNTPFormatError

if TYPE_CHECKING:
    from pathlib import Path

NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 3
<FIRST THRU NODE> 3
<NUMBER OF LINKS> 3
<TOLL FACTOR> 0.1
<END OF METADATA>

~ init term cap len fftt b power speed toll type ;
1 3 100 2.0 3.0 0.15 4 0 5 1 ;
3 2 100 2.0 3.0 0.15 4 0 0 1 ;
\t2\t1\t50\t1.0\t9.0\t0\t0\t0\t0\t2\t;
"""

TRIPS = """<NUMBER OF ZONES> 2
<TOTAL OD FLOW> 7.5
<END OF METADATA>

~ comment
Origin 1
    1 :    0.0;     2 :    5.0;
Origin \t2
 1 : 2.5 ;
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_read_net(tmp_path: Path) -> None:
    net = silkrail.read_tntp_net(write(tmp_path, "t_net.tntp", NET))
    assert (net.num_zones, net.num_nodes, net.num_links, net.first_thru_node) == (2, 3, 3, 3)
    np.testing.assert_array_equal(net.init_node, [1, 3, 2])
    np.testing.assert_array_equal(net.term_node, [3, 2, 1])
    np.testing.assert_allclose(net.free_flow_time, [3.0, 3.0, 9.0])
    np.testing.assert_allclose(net.toll, [5.0, 0.0, 0.0])
    np.testing.assert_array_equal(net.link_type, [1, 1, 2])
    assert net.toll_factor == pytest.approx(0.1)
    assert net.distance_factor == 0.0
    assert net.name == "t_net.tntp"
    assert list(net.to_frame()["capacity"]) == [100.0, 100.0, 50.0]


def test_factors_can_be_overridden(tmp_path: Path) -> None:
    net = silkrail.read_tntp_net(
        write(tmp_path, "t_net.tntp", NET), toll_factor=0.02, distance_factor=0.04
    )
    assert (net.toll_factor, net.distance_factor) == (0.02, 0.04)


def test_read_trips(tmp_path: Path) -> None:
    d = silkrail.read_tntp_trips(write(tmp_path, "t_trips.tntp", TRIPS))
    np.testing.assert_allclose(d, [[0.0, 5.0], [2.5, 0.0]])


def test_read_flow(tmp_path: Path) -> None:
    f = silkrail.read_tntp_flow(
        write(tmp_path, "t_flow.tntp", "From \tTo \tVolume \tCost \n1 \t3 \t5.5 \t3.1 \n")
    )
    np.testing.assert_array_equal(f.init_node, [1])
    np.testing.assert_allclose(f.volume, [5.5])
    assert list(f.to_frame().columns) == ["init_node", "term_node", "volume", "cost"]


@pytest.mark.parametrize(
    ("old", "new", "where", "what"),
    [
        ("<END OF METADATA>\n", "", 8, "or '<END OF METADATA>', got"),
        ("<NUMBER OF LINKS> 3\n", "", None, "missing metadata '<NUMBER OF LINKS>'"),
        ("<NUMBER OF NODES> 3", "<NUMBER OF NODES> three", 2, "must be a whole number"),
        ("1 3 100 2.0 3.0 0.15 4 0 5 1 ;", "1 3 100 2.0 3.0 0.15 4 0 5 ;", 9, "expected 10 fields"),
        (
            "1 3 100 2.0 3.0 0.15 4 0 5 1 ;",
            "1 3 100 2.0 3.0 0.15 4 0 5 1 7 ;",
            9,
            "is a ';' missing",
        ),
        (
            "1 3 100 2.0 3.0 0.15",
            "1 3 100 2.0 x3.0 0.15",
            9,
            "free_flow_time must be a number, got 'x3.0'",
        ),
        ("3 2 100", "3 7 100", 10, "term_node must be a node number between 1 and 3, got '7'"),
        ("3 2 100", "3 2 0", 10, "capacity must be > 0 where b > 0"),
        ("3 2 100 2.0 3.0", "3 2 100 2.0 -3.0", 10, "free_flow_time must be >= 0"),
        ("<NUMBER OF LINKS> 3", "<NUMBER OF LINKS> 4", 4, "says 4 but the file has 3 links"),
        ("~ init term", "init term", 8, "init_node must be a number, got 'init'"),
    ],
)
def test_net_errors_name_file_and_line(
    tmp_path: Path, old: str, new: str, where: int | None, what: str
) -> None:
    assert old in NET
    path = write(tmp_path, "bad_net.tntp", NET.replace(old, new, 1))
    with pytest.raises(TNTPFormatError) as info:
        silkrail.read_tntp_net(path)
    msg = str(info.value)
    assert msg.startswith(str(path))
    assert what in msg
    if where is not None:
        assert f"line {where}:" in msg


@pytest.mark.parametrize(
    ("old", "new", "where", "what"),
    [
        ("Origin 1", "Origin one", 6, "origin must be a zone number, got 'one'"),
        ("Origin 1", "Origin 3", 6, "origin must be between 1 and 2, got 3"),
        ("2 :    5.0;", "9 :    5.0;", 7, "destination must be between 1 and 2, got 9"),
        ("2 :    5.0;", "2 :    five;", 7, "trips must be a number, got 'five'"),
        ("2 :    5.0;", "2 :    -5.0;", 7, "trips must be a finite number >= 0"),
        ("2 :    5.0;", "2     5.0;", 7, "expected 'destination : trips'"),
        ("<TOTAL OD FLOW> 7.5", "<TOTAL OD FLOW> 8.5", 2, "says 8.5 but the entries sum to 7.5"),
        ("~ comment\nOrigin 1\n", "", 5, "expected an 'Origin' line before trips"),
    ],
)
def test_trips_errors_name_file_and_line(
    tmp_path: Path, old: str, new: str, where: int, what: str
) -> None:
    assert old in TRIPS
    path = write(tmp_path, "bad_trips.tntp", TRIPS.replace(old, new, 1))
    with pytest.raises(TNTPFormatError) as info:
        silkrail.read_tntp_trips(path)
    assert f"{path}, line {where}: " in str(info.value)
    assert what in str(info.value)


def test_flow_errors_name_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad_flow.tntp", "From To Volume Cost\n1 2 3.0 4.0\n1 2 x 4.0\n")
    with pytest.raises(TNTPFormatError, match=r"bad_flow.tntp, line 3: expected two node"):
        silkrail.read_tntp_flow(path)
    path = write(tmp_path, "short_flow.tntp", "From To Volume Cost\n1 2 3.0\n")
    with pytest.raises(TNTPFormatError, match=r"line 2: expected 4 fields"):
        silkrail.read_tntp_flow(path)


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        silkrail.read_tntp_net(tmp_path / "nope_net.tntp")


def test_tntp_format_error_is_a_value_error() -> None:
    assert issubclass(TNTPFormatError, ValueError)
    assert issubclass(TNTPFormatError, silkrail.SilkrailError)


def test_flow_alignment_by_node_pairs(tmp_path: Path) -> None:
    net = silkrail.read_tntp_net(write(tmp_path, "t_net.tntp", NET))
    f = silkrail.read_tntp_flow(
        write(tmp_path, "t_flow.tntp", "From To Volume Cost\n2 1 3 0\n1 3 1 0\n3 2 2 0\n")
    )
    np.testing.assert_allclose(f.aligned_to(net), [1.0, 2.0, 3.0])
