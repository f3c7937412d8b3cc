"""TNTP files that ask for too much (issue 16): clear errors and exit code 3, no traceback."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

import silkrail
from silkrail._cli_assign import assign

if TYPE_CHECKING:
    from pathlib import Path

NET = """<NUMBER OF ZONES> {zones}
<NUMBER OF NODES> {nodes}
<FIRST THRU NODE> 1
<NUMBER OF LINKS> 1
<END OF METADATA>
1 2 1 1 1 1 1 0 0 1 ;
"""
TRIPS = """<NUMBER OF ZONES> {zones}
<END OF METADATA>
Origin 1
 2 : 4.0 ;
"""


def _run(tmp_path: Path, *, net: str, trips: str) -> tuple[int, dict[str, object]]:
    (tmp_path / "n.tntp").write_text(net, encoding="utf-8")
    (tmp_path / "t.tntp").write_text(trips, encoding="utf-8")
    return _run_paths(str(tmp_path / "n.tntp"), str(tmp_path / "t.tntp"))


def _run_paths(net: str, trips: str) -> tuple[int, dict[str, object]]:
    res = CliRunner().invoke(assign, ["--net", net, "--trips", trips, "--json"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    return res.exit_code, json.loads(res.output)


def test_a_trillion_nodes_is_refused(tmp_path: Path) -> None:
    code, out = _run(tmp_path, net=NET.format(zones=2, nodes="1e12"), trips=TRIPS.format(zones=2))
    assert code == 3
    assert "<NUMBER OF NODES> is 1,000,000,000,000, over the limit of 10,000,000" in str(
        out["error"]
    )
    assert "line 2" in str(out["error"])


def test_a_hundred_thousand_zones_is_refused(tmp_path: Path) -> None:
    # 100,000 zones would be a 74.5 GiB dense trip table.
    code, out = _run(tmp_path, net=NET.format(zones=2, nodes=2), trips=TRIPS.format(zones=100000))
    assert code == 3
    assert "<NUMBER OF ZONES> is 100,000, over the limit of 40,000" in str(out["error"])


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "t.tntp").write_text(TRIPS.format(zones=2), encoding="utf-8")
    code, out = _run_paths("/dev/zero", str(tmp_path / "t.tntp"))
    assert code == 3
    assert "/dev/zero: not a regular file" in str(out["error"])


@pytest.mark.parametrize("value", ["9" * 400, "1e400", "2.5", "-3", "nan"])
def test_odd_counts_are_refused(tmp_path: Path, value: str) -> None:
    path = tmp_path / "n.tntp"
    path.write_text(NET.format(zones=2, nodes=value), encoding="utf-8")
    with pytest.raises(silkrail.TNTPFormatError, match="NUMBER OF NODES"):
        silkrail.read_tntp_net(path)


def test_an_oversized_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from silkrail.assignment import tntp

    monkeypatch.setattr(tntp, "MAX_FILE_BYTES", 50)
    path = tmp_path / "t.tntp"
    path.write_text(TRIPS.format(zones=2), encoding="utf-8")
    with pytest.raises(silkrail.TNTPFormatError, match="over the limit of 50"):
        silkrail.read_tntp_trips(path)
