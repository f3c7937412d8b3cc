"""Network files that break the loaders (issue 16): clear problems, plausible ranges, linear
validation, and --json output that is always valid JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import silkrail
from silkrail._cli_common import json_safe
from silkrail.cli import main as cli
from silkrail.network import _schema, validate

TOY = Path(__file__).parents[1] / "data" / "toy"
FIRST_LINK = "T1,CN-ALPHA,CN-BETA,rail,477,published,1435,2,true,40,30,,400,0.2,open,,toy,"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "net"
    shutil.copytree(TOY, target)
    return target


def _with_first_link(tmp_path: Path, row: str) -> Path:
    folder = _copy(tmp_path)
    links = folder / "links.csv"
    text = links.read_text(encoding="utf-8")
    assert FIRST_LINK in text
    links.write_text(text.replace(FIRST_LINK, row), encoding="utf-8")
    return folder


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        (FIRST_LINK.replace(",40,30,", ",1e-320,30,"), "speed_kmh", "1e-320"),
        (FIRST_LINK.replace(",0.2,open", ",1e300,open"), "time_cv", "1e300"),
        (FIRST_LINK.replace(",477,", ",1e308,"), "distance_km", "1e308"),
    ],
)
def test_implausible_values_are_rejected(tmp_path: Path, row: str, column: str, value: str) -> None:
    folder = _with_first_link(tmp_path, row)
    with pytest.raises(silkrail.NetworkValidationError) as info:
        silkrail.read_network(folder)
    (problem,) = [p for p in info.value.problems if p.column == column and "plausible" in p.rule]
    assert problem.value == value
    # The review's symptom: plan --json printed NaN/Infinity or crashed; now exit code 3.
    res = CliRunner().invoke(cli, ["plan", "Alpha", "Epsilon", "--data", str(folder), "--json"])
    assert res.exit_code == 3
    assert _strict_json(res.output)["valid"] is False


def test_every_numeric_column_has_a_plausible_range() -> None:
    for file, columns in _schema.FILES.items():
        for col in columns:
            # Gauges are a set of three; latitude and longitude have rules of their own.
            if col.type in ("float", "int") and col.name not in ("gauge_mm", "lat", "lon"):
                assert col.bounds is not None, f"{file}: {col.name}"
                low, high = col.bounds
                assert low < high


@pytest.mark.parametrize("digits", [400, 5000])
def test_huge_integers_are_a_problem_not_an_overflow(tmp_path: Path, digits: int) -> None:
    folder = _with_first_link(tmp_path, FIRST_LINK.replace(",2,true,", f",{'9' * digits},true,"))
    with pytest.raises(silkrail.NetworkValidationError) as info:
        silkrail.read_network(folder)
    assert any(p.column == "tracks" for p in info.value.problems)


def test_a_header_only_nodes_file_is_a_problem(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    nodes = folder / "nodes.csv"
    nodes.write_text(nodes.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(silkrail.NetworkValidationError) as info:
        silkrail.read_network(folder)
    rules = [(p.file, p.rule) for p in info.value.problems]
    assert ("nodes.csv", "the file has a header but no rows") in rules
    res = CliRunner().invoke(cli, ["network", "validate", str(folder), "--json"])
    assert res.exit_code == 3
    assert "internal error" not in res.output


@pytest.mark.parametrize("bad_rows", [5_000, 10_000, 20_000])
def test_validation_is_linear_in_bad_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad_rows: int
) -> None:
    # The review's 5k, 10k and 20k bad rows (19, 36 and 127 s before; docs/benchmarks.md has
    # the timing up to 200,000): every row is too short for its great-circle distance, and the
    # cells are stripped once per column, not once per bad row as before, so the number of
    # strips does not grow with the rows.
    folder = _copy(tmp_path)
    rows = [FIRST_LINK.replace("T1,", f"X{i},").replace(",477,", ",1,") for i in range(bad_rows)]
    with (folder / "links.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
    calls = []
    real = validate._strip
    monkeypatch.setattr(validate, "_strip", lambda f, n: calls.append(n) or real(f, n))
    with pytest.raises(silkrail.NetworkValidationError) as info:
        silkrail.read_network(folder)
    assert sum(p.column == "distance_km" for p in info.value.problems) == bad_rows
    assert len(calls) < 100


def test_the_problem_table_is_capped_and_json_lists_all(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    rows = [FIRST_LINK.replace("T1,", f"X{i},").replace(",477,", ",1,") for i in range(300)]
    with (folder / "links.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
    res = CliRunner().invoke(cli, ["network", "validate", str(folder)])
    assert res.exit_code == 3
    assert "and 100 more problem(s); --json lists every one" in res.output
    res = CliRunner().invoke(cli, ["network", "validate", str(folder), "--json"])
    assert len(_strict_json(res.output)["problems"]) == 300


def test_an_oversized_csv_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from silkrail.network import io

    monkeypatch.setattr(io, "MAX_CSV_BYTES", 100)
    with pytest.raises(silkrail.NetworkValidationError, match="over the limit of 100"):
        silkrail.read_network(_copy(tmp_path))


def test_json_output_never_holds_nan_or_infinity() -> None:
    out = json_safe({"a": [float("nan"), 1.5], "b": {"c": float("-inf")}})
    assert json.dumps(out, allow_nan=False) == '{"a": [null, 1.5], "b": {"c": null}}'
