from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click
import pytest
from click.testing import CliRunner

from silkrail import read_network
from silkrail.cli import main

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_network_info_json(runner: CliRunner, toy_dir: Path) -> None:
    result = runner.invoke(main, ["network", "info", "--data", str(toy_dir), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["n_nodes"] == 5
    assert info["links_by_gauge"] == {"1435": 2, "1520": 2}
    assert info["nodes_by_country"] == {"KZ": 3, "CN": 2}
    assert info["gauge_change_nodes"] == 1


def test_network_info_table(runner: CliRunner, toy_dir: Path) -> None:
    result = runner.invoke(main, ["network", "info", "--data", str(toy_dir)])
    assert result.exit_code == 0
    assert "5 nodes, 4 links" in result.output
    assert "nodes by country" in result.output


def test_validate_ok(runner: CliRunner, toy_dir: Path) -> None:
    result = runner.invoke(main, ["network", "validate", str(toy_dir)])
    assert result.exit_code == 0
    assert "valid" in result.output


def test_validate_reports_every_problem_and_exits_3(runner: CliRunner, toy_dir: Path) -> None:
    links = toy_dir / "links.csv"
    links.write_text(
        links.read_text(encoding="utf-8").replace(",1520,2,true,60", ",1000,2,true,60"),
        encoding="utf-8",
    )
    nodes = toy_dir / "nodes.csv"
    nodes.write_text(nodes.read_text(encoding="utf-8").replace("44.0,87.6", "94.0,87.6"), "utf-8")
    result = runner.invoke(main, ["network", "validate", str(toy_dir), "--json"])
    assert result.exit_code == 3
    report = json.loads(result.output)
    assert report["valid"] is False
    found = {(p["file"], p["row"], p["column"], p["value"]) for p in report["problems"]}
    assert ("links.csv", 4, "gauge_mm", "1000") in found
    assert ("nodes.csv", 2, "lat", "94.0") in found
    text = runner.invoke(main, ["network", "validate", str(toy_dir)])
    assert text.exit_code == 3
    assert "Traceback" not in text.output
    assert "invalid" in text.output


def test_validate_missing_path(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["network", "validate", str(tmp_path / "nope"), "--json"])
    assert result.exit_code == 3
    assert "no such file or folder" in json.loads(result.output)["error"]


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_export_round_trip(runner: CliRunner, toy_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"toy.{fmt}"
    args = ["network", "export", "--format", fmt, "-o", str(out), "--data", str(toy_dir)]
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["path"] == str(out)
    assert read_network(out) == read_network(toy_dir)


def test_export_bad_format_is_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main, ["network", "export", "--format", "shp", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "'shp' is not one of" in result.output


def test_locate(runner: CliRunner, toy_dir: Path) -> None:
    result = runner.invoke(main, ["locate", "阿尔法", "--data", str(toy_dir), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["id"] == "CN-ALPHA"
    table = runner.invoke(main, ["locate", "gamma", "--data", str(toy_dir)])
    assert "KZ-GAMMA" in table.output


def test_locate_typo_exit_4_with_suggestions(runner: CliRunner, toy_dir: Path) -> None:
    result = runner.invoke(main, ["locate", "Gama", "--data", str(toy_dir)])
    assert result.exit_code == 4
    assert "did you mean 'Gamma'?" in result.output
    as_json = runner.invoke(main, ["locate", "Gama", "--data", str(toy_dir), "--json"])
    assert as_json.exit_code == 4
    payload = json.loads(as_json.output)
    assert payload["suggestions"][0]["id"] == "KZ-GAMMA"


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert "silkrail" in result.output


def test_plan_json_and_geojson(runner: CliRunner, toy_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "routes.geojson"
    args = ["plan", "Alpha", "Epsilon", "--data", str(toy_dir), "--json", "--geojson", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["origin"]["id"] == "CN-ALPHA"
    assert data["routes"][0]["transshipments"] == 1
    assert json.loads(out.read_text(encoding="utf-8"))["features"][0]["properties"]["rank"] == 1


def test_plan_table_with_legs(runner: CliRunner, toy_dir: Path) -> None:
    result = runner.invoke(main, ["plan", "Alpha", "Epsilon", "--data", str(toy_dir), "--legs"])
    assert result.exit_code == 0, result.output
    assert "gauge change" in result.output
    assert "Alpha → Epsilon Port" in result.output


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["Alpha", "Epsilon", "--avoid-country", "KZ"], 5, "--avoid-country excludes"),
        (["Alpha", "Epsilon", "--max-transshipments", "0"], 5, "--max-transshipments"),
        (["Alpah", "Epsilon"], 4, "did you mean 'Alpha'"),
        (["Alpha", "Epsilon", "--modes", "air"], 2, "unknown modes ['air']"),
        (["Alpha", "Epsilon", "--avoid-country", "XX"], 2, "unknown country code 'XX'"),
        (["Alpha", "Epsilon", "--container", "45"], 2, "'45' is not one of"),
    ],
)
def test_plan_errors_have_distinct_exit_codes(
    runner: CliRunner, toy_dir: Path, args: list[str], code: int, words: str
) -> None:
    result = runner.invoke(main, ["plan", *args, "--data", str(toy_dir)])
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    as_json = runner.invoke(main, ["plan", *args, "--data", str(toy_dir), "--json"])
    assert as_json.exit_code == code
    if code != 2 or "--container" not in args:
        assert words in json.loads(as_json.output)["error"]


def test_brackets_in_messages_are_printed_as_they_are(runner: CliRunner, toy_dir: Path) -> None:
    # Rich would read "[geo]" or "[low]" as markup and drop it; data must print verbatim.
    result = runner.invoke(main, ["locate", "Gamma [geo]", "--data", str(toy_dir)])
    assert result.exit_code == 4
    assert "'Gamma [geo]'" in result.output


def test_plan_prices_the_container_size(runner: CliRunner) -> None:
    table = runner.invoke(main, ["plan", "Chongqing", "Duisburg", "--container", "20"])
    assert table.exit_code == 0, table.output
    assert "USD/20ft" in table.output
    assert "detour" in table.output
    twenty = json.loads(
        runner.invoke(main, ["plan", "Chongqing", "Duisburg", "--container", "20", "--json"]).output
    )
    forty = json.loads(runner.invoke(main, ["plan", "Chongqing", "Duisburg", "--json"]).output)
    assert twenty["constraints"]["container"] == "20"
    for r in twenty["routes"]:
        assert r["container"] == "20"
        assert r["cost_usd_per_container"] < r["cost_usd_per_feu"]
        assert r["detour_index"] > 1
    for r in forty["routes"]:
        assert r["cost_usd_per_container"] == r["cost_usd_per_feu"]


def test_plan_compare_and_variants_flags(runner: CliRunner) -> None:
    def labels(*args: str) -> list[str]:
        result = runner.invoke(main, ["plan", *args, "--json"])
        assert result.exit_code == 0, result.output
        return [r["label"] for r in json.loads(result.output)["routes"]]

    assert not any(x.startswith("Northern") for x in labels("Kashgar", "Tashkent"))
    assert any(x.startswith("Northern") for x in labels("Kashgar", "Tashkent", "--compare", "all"))
    plain = runner.invoke(main, ["plan", "Yiwu", "Madrid", "--json"])
    rows = json.loads(plain.output)["routes"]
    all_rail = [r for r in rows if r["label"].startswith("Northern") and "then" not in r["label"]]
    # Routes that differ by a crossing fold into one row; what stays apart leaves China by
    # another border (Dostyk, Zabaikalsk), thousands of km on other lines.
    exits = [r["label"].removeprefix("Northern via ").split("–")[0] for r in all_rail]
    assert 1 <= len(exits) <= 2
    assert len(set(exits)) == len(exits), exits
    assert all(r["variants"] == [] for r in rows)
    shown = runner.invoke(main, ["plan", "Yiwu", "Madrid", "--variants"])
    assert shown.exit_code == 0, shown.output
    assert "1a" in shown.output
    assert "↳" in shown.output


def test_help_lists_every_command_without_importing_it(runner: CliRunner) -> None:
    from silkrail.cli import _LazyGroup

    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None
        # The static summary is what click would print from the command itself.
        assert _LazyGroup.summaries[name] == command.get_short_help_str(limit=300), name
        assert name in result.output


def test_warmup_runs_every_engine(runner: CliRunner) -> None:
    result = runner.invoke(main, ["warmup", "--json"])
    assert result.exit_code == 0, result.output
    seconds = json.loads(result.output)["seconds"]
    assert set(seconds) == {"assignment", "routing", "simulation"}


def test_plan_stops_at_its_search_budget_with_exit_2(runner: CliRunner) -> None:
    # Via places in an order no train takes (Irun, then back to Małaszewicze) once searched
    # for minutes; the CLI has a label budget and says which option raises it.
    args = ["plan", "Yiwu", "Madrid", "--via", "Irun", "--via", "Malaszewicze"]
    stopped = runner.invoke(main, [*args, "--max-labels", "20000"])
    assert stopped.exit_code == 2, stopped.output
    assert "--max-labels" in stopped.output
    assert "20,000" in stopped.output
    as_json = runner.invoke(main, [*args, "--max-labels", "20000", "--json"])
    assert as_json.exit_code == 2
    assert "--max-labels" in json.loads(as_json.output)["error"]
    # In the order a train takes, the default budget plans it, through both places.
    done = runner.invoke(main, ["plan", "Yiwu", "Madrid", "--via", "Malaszewicze", "--via",
                                "Irun", "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    first = json.loads(done.output)["routes"][0]
    assert "Małaszewicze" in first["label"], first["label"]
    assert "Irun" in first["label"], first["label"]
