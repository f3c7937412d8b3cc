"""Scenario files and runs that ask for too much (issue 16): clear errors before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import silkrail
from silkrail.cli import main as cli
from silkrail.simulation import scenario_from_dict, scenario_from_yaml
from silkrail.simulation._compile import MAX_TRAINS

# The review's ~400-byte "billion laughs": nine levels of nine aliases, 9**9 values.
BOMB = "\n".join(
    [
        'name: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"x{i}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)),
    ]
)
DEEP = "a: " + "[" * 2000 + "]" * 2000


def test_an_alias_bomb_is_refused_at_once() -> None:
    assert len(BOMB) < 450
    with pytest.raises(silkrail.ScenarioError, match="expands to more than 100,000 values"):
        scenario_from_yaml(BOMB, source="bomb.yaml")


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(silkrail.ScenarioError, match="more than 32 deep"):
        scenario_from_yaml(DEEP, source="deep.yaml")


def test_a_few_aliases_are_fine() -> None:
    text = "closures:\n  - &w {target: KZ-AKTAU, start: 1, end: 5}\n  - *w\n"
    spec = scenario_from_yaml(text)
    assert len(spec.scenario.closures) == 2


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ({"demand": {"growth": 1e6}}, "at most 100"),
        ({"ferries": [{"target": "AZBAK", "weather_closures_per_year": 1e6}]}, "0 and 365"),
        ({"capacity": [{"target": "KZ-DOSTYK", "servers": 2**70}]}, "1 to 1000"),
        ({"capacity": [{"target": "KZ-DOSTYK", "servers": int("9" * 4000)}]}, "4000 digits"),
        ({"name": "\ud800"}, "lone surrogates"),
    ],
)
def test_implausible_numbers_and_text_are_problems(raw: dict[str, object], said: str) -> None:
    with pytest.raises(silkrail.ScenarioError, match=said):
        scenario_from_dict(raw)


def test_too_many_trains_are_refused_before_drawing() -> None:
    from silkrail.simulation.engine import queue_model

    model = queue_model(arrival_rate=1.0, service_rate=2.0)  # 24 trains a day
    days = MAX_TRAINS / 24 * 1.5
    with pytest.raises(silkrail.InsufficientMemoryError, match="over the limit of 2,000,000"):
        silkrail.simulate(model, days=days, seed=1)
    with pytest.raises(silkrail.InsufficientMemoryError):
        silkrail.replicate(model, days=days, replications=2, seed=1, scheduler="serial")


def _cli(args: list[str]) -> tuple[int, dict[str, object]]:
    res = CliRunner().invoke(cli, ["simulate", *args, "--json", "--scheduler", "serial"])
    assert "Traceback" not in res.output
    return res.exit_code, json.loads(res.output)


def test_cli_growth_of_a_million_is_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("demand: {growth: 1000000}\n", encoding="utf-8")
    code, out = _cli(["--scenario", str(path), "--days", "5", "--replications", "1"])
    assert code == 2
    assert "demand.growth" in str(out["error"])


def test_cli_too_many_trains_is_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("demand: {growth: 100}\n", encoding="utf-8")
    code, out = _cli(["--scenario", str(path), "--days", "3650", "--replications", "1"])
    assert code == 2
    assert "over the limit of 2,000,000" in str(out["error"])


@pytest.mark.parametrize("content", [BOMB, DEEP])
def test_cli_yaml_bombs_are_exit_code_2(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    code, out = _cli(["--scenario", str(path), "--days", "5", "--replications", "1"])
    assert code == 2
    assert "bad.yaml" in str(out["error"])


def test_cli_scenario_from_a_device_is_refused() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    code, out = _cli(["--scenario", "/dev/zero", "--days", "5"])
    assert code == 2
    assert "not a regular file" in str(out["error"])
