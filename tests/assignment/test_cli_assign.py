"""The ``silkrail assign`` command, run through click's test runner."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pytest
from click.testing import CliRunner

import silkrail
from silkrail._cli_assign import assign

from .conftest import TNTP

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def files(two_node_tntp: tuple[Path, Path]) -> tuple[Path, Path]:
    return two_node_tntp


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(assign, list(args))
    return result.exit_code, result.output


def test_json_summary(files: tuple[Path, Path]) -> None:
    net, trips = files
    code, out = run(
        "--net", str(net), "--trips", str(trips), "--algorithm", "algb", "--rgap", "1e-10", "--json"
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["algorithm"] == "algb"
    assert data["converged"] is True
    assert data["rgap"] <= 1e-10
    assert data["tstt"] == pytest.approx(12.0)
    assert data["beckmann"] == pytest.approx(9.0)
    assert {"iterations", "wall_time_s", "total_time"} <= set(data)


def test_table_and_flows_out(files: tuple[Path, Path], tmp_path: Path) -> None:
    net, trips = files
    flows = tmp_path / "out_flow.tntp"
    csv = tmp_path / "out.csv"
    code, out = run("--net", str(net), "--trips", str(trips), "--flows-out", str(flows))
    assert code == 0, out
    assert "Beckmann objective" in out
    back = silkrail.read_tntp_flow(flows)
    np.testing.assert_allclose(back.volume, [2.0, 2.0], atol=1e-3)
    code, out = run("--net", str(net), "--trips", str(trips), "--flows-out", str(csv))
    assert code == 0, out
    assert csv.read_text().splitlines()[0] == "init_node,term_node,flow,time,cost"


def test_omx_trips_and_skims(files: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("h5py")
    net, _ = files
    demand = tmp_path / "demand.omx"
    skims = tmp_path / "skims.omx"
    silkrail.write_omx(demand, {"cars": np.array([[0.0, 4.0], [0.0, 0.0]])})
    code, out = run(
        "--net",
        str(net),
        "--trips",
        str(demand),
        "--matrix",
        "cars",
        "--algorithm",
        "algb",
        "--rgap",
        "1e-12",
        "--skims-out",
        str(skims),
        "--json",
    )
    assert code == 0, out
    got = silkrail.read_omx(skims)
    assert got["time"][0, 1] == pytest.approx(3.0)
    code, out = run("--net", str(net), "--trips", str(demand), "--matrix", "trucks")
    assert code == 3
    assert "no matrix 'trucks'; choose one of ('cars',)" in out


def test_malformed_file_names_file_and_line(files: tuple[Path, Path], tmp_path: Path) -> None:
    net, trips = files
    bad = tmp_path / "bad_net.tntp"
    text = net.read_text()
    bad.write_text(text.replace("1 2 1 1 2 0.25 1 0 0 1 ;", "1 2 1 1 two 0.25 1 0 0 1 ;"))
    code, out = run("--net", str(bad), "--trips", str(trips))
    assert code == 3
    assert "bad_net.tntp, line 8: free_flow_time must be a number, got 'two'" in out
    assert "Traceback" not in out
    code, out = run("--net", str(bad), "--trips", str(trips), "--json")
    assert code == 3
    assert "line 8" in json.loads(out)["error"]


def test_bad_options_exit_non_zero(files: tuple[Path, Path], tmp_path: Path) -> None:
    net, trips = files
    code, out = run("--net", str(net), "--trips", str(trips), "--rgap", "-1")
    assert code == 2
    assert "rgap must be a finite number > 0" in out
    code, out = run("--net", str(net), "--trips", str(trips), "--algorithm", "magic")
    assert code == 2
    code, out = run("--net", str(tmp_path / "none.tntp"), "--trips", str(trips))
    assert code == 2
    assert "does not exist" in out
    wrong = tmp_path / "three_trips.tntp"
    wrong.write_text("<NUMBER OF ZONES> 3\n<END OF METADATA>\nOrigin 1\n 2 : 1 ;\n")
    code, out = run("--net", str(net), "--trips", str(wrong))
    assert code == 2
    assert "must be 2 x 2" in out


def test_missed_gap_is_reported_not_fatal(files: tuple[Path, Path]) -> None:
    net, trips = files
    code, out = run(
        "--net",
        str(net),
        "--trips",
        str(trips),
        "--algorithm",
        "fw",
        "--rgap",
        "1e-12",
        "--max-iter",
        "1",
        "--json",
    )
    assert code == 0
    assert json.loads(out)["converged"] is False


def test_sioux_falls_end_to_end(tmp_path: Path) -> None:
    folder = TNTP / "SiouxFalls"
    if not folder.is_dir():
        pytest.skip(f"TNTP benchmark folder {folder} is absent")
    code, out = run(
        "--net",
        str(folder / "SiouxFalls_net.tntp"),
        "--trips",
        str(folder / "SiouxFalls_trips.tntp"),
        "--algorithm",
        "algb",
        "--rgap",
        "1e-6",
        "--cores",
        "2",
        "--json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["beckmann"] == pytest.approx(4231335.287, rel=1e-6)
    assert data["zones"] == 24


def test_algorithm_b_without_the_memory_is_a_clear_error(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from silkrail.assignment import _algorithms

    monkeypatch.setattr(_algorithms, "_available_bytes", lambda: 1)
    net, trips = files
    code, out = run("--net", str(net), "--trips", str(trips), "--algorithm", "algb")
    assert code == 2
    assert "Algorithm B needs about" in out
    assert "use method 'bfw'" in out
    assert "Traceback" not in out
