"""Terminal output that fits: `plan` and `simulate` at 80 columns, `--wide` for everything."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from silkrail.cli import main

SIM = ["simulate", "--days", "20", "--replications", "1", "--seed", "1", "--scheduler", "serial"]
SIM += ["--routes", "5", "--top", "5"]


def _run(args: list[str], columns: int | None = 80) -> str:
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _fits(text: str, width: int = 80) -> None:
    long = [line for line in text.splitlines() if len(line) > width]
    assert long == [], long
    assert "…" not in text  # nothing cut


def _words(text: str) -> set[str]:
    # The blocks separate "header value" pairs with "; ".
    words = text.replace("\u00a0", " ").split()
    return {w.rstrip(";") for w in words} | set(words)


def test_plan_fits_80_columns_with_whole_place_names() -> None:
    args = ["plan", "Chongqing", "Duisburg", "--legs"]
    text = _run(args)
    _fits(text)
    plan = json.loads(_run([*args, "--json"], columns=None))
    words = _words(text)
    for route in plan["routes"]:
        assert set(route["label"].split()) <= words, route["label"]
        for leg in route["legs"]:
            assert set(leg["from_name"].split()) <= words


def test_plan_all_services_fits_80_columns_with_whole_route_names() -> None:
    args = ["plan", "Chongqing", "Duisburg", "--service", "all"]
    text = _run(args)
    _fits(text)
    plan = json.loads(_run([*args, "--json"], columns=None))
    words = _words(text)
    for route in plan["routes"]:
        assert set(route["label"].split()) <= words, route["label"]


def test_plan_wide_prints_the_table() -> None:
    text = _run(["plan", "Chongqing", "Duisburg", "--wide"])
    assert "┃ route" in text
    assert "countries" in text
    assert max(len(line) for line in text.splitlines()) > 80


@pytest.mark.parametrize("columns", [80, 100])
def test_simulate_fits_with_names(columns: int) -> None:
    text = _run(SIM, columns)
    _fits(text, columns)
    assert "Dostyk" in text
    assert "rail:" not in text  # stations by name, not id
    summary = json.loads(_run([*SIM, "--json"], columns=None))
    words = _words(text)
    for rec in summary["bottlenecks"][:5]:
        assert set(rec["name"].split()) <= words, rec["name"]


def test_piped_output_without_columns_keeps_wide_tables() -> None:
    text = _run(["plan", "Chongqing", "Duisburg"], columns=None)
    assert "┃ route" in text


def test_one_block_is_counted_as_one_row() -> None:
    text = _run(["plan", "Kashgar", "Osh", "--modes", "road"])
    assert "(1 row as blocks to fit 80 columns" in text
    assert "1 rows" not in text
