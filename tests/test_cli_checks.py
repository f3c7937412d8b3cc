"""Small things a new user hit (#14 item 5): outputs checked first, messages in CLI words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from click.testing import CliRunner

import silkrail._cli_simulate
from silkrail.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_simulate_out_is_checked_before_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the run started before the output folder was checked")

    monkeypatch.setattr(silkrail._cli_simulate, "run_study", never)
    args = ["simulate", "--days", "10", "--replications", "1", "--scheduler", "serial"]
    result = CliRunner().invoke(main, [*args, "--out", "/proc/silkrail-out"])
    assert result.exit_code == 6, result.output
    assert "cannot write to /proc/silkrail-out" in result.output


def test_plan_geojson_into_a_missing_folder_fails(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "routes.geojson"
    result = CliRunner().invoke(main, ["plan", "Chongqing", "Duisburg", "--geojson", str(target)])
    assert result.exit_code == 6, result.output
    assert "does not exist" in result.output
    assert not (tmp_path / "no").exists()  # nothing created on the way


def test_plan_geojson_into_an_existing_folder_works(tmp_path: Path) -> None:
    target = tmp_path / "routes.geojson"
    result = CliRunner().invoke(main, ["plan", "Chongqing", "Duisburg", "--geojson", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 1000


def test_assign_warning_names_the_flags(two_node_tntp: tuple[Path, Path]) -> None:
    net, trips = two_node_tntp
    args = ["assign", "--net", str(net), "--trips", str(trips), "--algorithm", "fw"]
    result = CliRunner().invoke(main, [*args, "--rgap", "1e-12", "--max-iter", "1"])
    assert result.exit_code == 0, result.output
    assert "--max-iter" in result.output
    assert "--algorithm algb" in result.output
    assert "max_iter" not in result.output
    assert "method=" not in result.output


def test_suggestions_are_names_not_ids() -> None:
    result = CliRunner().invoke(main, ["plan", "Termes", "Duisburg"])
    assert result.exit_code == 4
    assert "'Termez'" in result.output
    assert "TRMER" not in result.output  # Mersin port's id
    result = CliRunner().invoke(main, ["plan", "EG-SUE", "Duisburg"])
    assert "Suez" in result.output
    assert "'EG-SUEZ'" not in result.output
