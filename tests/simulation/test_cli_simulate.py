"""The `silkrail simulate` command (tested on its own; the lead registers it in the CLI)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from silkrail._cli_simulate import simulate

if TYPE_CHECKING:
    from pathlib import Path

FAST = ["--days", "60", "--replications", "2", "--seed", "1", "--scheduler", "serial"]

AKTAU = """
name: aktau-closure
start_date: 2025-01-01
closures:
  - {target: KZ-AKTAU, start: 2025-01-20, end: 2025-02-03}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(simulate, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_json_output_has_routes_bottlenecks_and_borders() -> None:
    code, out, _ = run(*FAST, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["replications"] == 2
    assert data["seed"] == 1
    assert 2_000 < data["trains_per_replication"] < 4_500
    route = data["routes"][0]
    assert {"route", "p50_days", "p50_days_ci", "p95_days", "swod_kmh", "swd_kmh"} <= set(route)
    assert len(data["bottlenecks"]) == 10
    assert {"node", "mean_clear_h", "usd_per_feu"} <= set(data["borders"][0])


def test_text_output() -> None:
    code, out, err = run(*FAST, "--top", "3")
    assert code == 0
    assert "Transit days per route" in out
    assert "Top 3 bottlenecks" in out
    assert "CAREC CPMM" in out
    assert "2 replications" in err or "replications" in out


def test_scenario_with_baseline_and_parquet_output(tmp_path: Path) -> None:
    scenario = tmp_path / "aktau.yaml"
    scenario.write_text(AKTAU, encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, _ = run(*FAST, "--scenario", str(scenario), "--out", str(out_dir), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["scenario"] == "aktau-closure"
    # The default Trans-Caspian trains end at Baku port (AZBAK), via Aktau.
    caspian = [r for r in data["routes"] if ">AZBAK via" in r["route"]]
    assert caspian
    # The closure delays the trains crossing the Caspian, compared with the same seed without it.
    # Small services may run no train in 60 days (no percentile: null).
    diffs = [
        r["p95_days"] - r["base_p95_days"]
        for r in caspian
        if r["p95_days"] is not None and r["base_p95_days"] is not None
    ]
    assert max(diffs) > 1.0
    for name in ("routes", "stations", "borders", "summary", "trains", "timeline", "queues"):
        assert (out_dir / f"{name}.parquet").exists(), name
    assert (out_dir / "baseline" / "routes.parquet").exists()
    import pandas as pd

    timeline = pd.read_parquet(out_dir / "timeline.parquet")
    assert {"train", "station", "arrive_h", "start_h", "depart_h", "wait_h"} <= set(
        timeline.columns
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("closures: [{target: KZ-AKTAU, start: 3}]", "key 'closures[0].end': is required"),
        ("closures: [{target: NOWHERE, start: 0, end: 2}]", "value 'NOWHERE': matches no station"),
        ("demand: {growth: lots}", "key 'demand.growth': value 'lots': must be a number"),
        ("closures: [", "not valid YAML"),
    ],
)
def test_bad_scenario_gives_a_message_and_exit_2(tmp_path: Path, text: str, needle: str) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(text, encoding="utf-8")
    code, out, _ = run(*FAST, "--scenario", str(scenario), "--json")
    assert code == 2
    data = json.loads(out)
    assert needle in data["error"]
    assert str(scenario) in data["error"]


def test_other_bad_input(tmp_path: Path) -> None:
    code, _, err = run(*FAST, "--scenario", str(tmp_path / "missing.yaml"))
    assert code == 2
    assert "cannot read scenario file" in err
    code, _, err = run("--days", "10", "--warmup-days", "10", "--scheduler", "serial")
    assert code == 2
    assert "--warmup-days" in err
    code, _, _ = run("--replications", "0")
    assert code == 2


def test_default_demand_on_another_network_says_what_to_do(toy_dir: Path) -> None:
    code, out, _ = run("--data", str(toy_dir), "--days", "10", "--replications", "1",
                       "--scheduler", "serial", "--json")  # fmt: skip
    assert code == 2
    assert "give a --scenario with 'services'" in json.loads(out)["error"]


BREST_YEAR = """
name: brest-closed
closures:
  - {target: BY-BREST, start: 0, end: 400}
"""


def test_reassign_runs_the_equilibrium_trains_around_a_long_closure(tmp_path: Path) -> None:
    scenario = tmp_path / "brest.yaml"
    scenario.write_text(BREST_YEAR, encoding="utf-8")
    out_dir = tmp_path / "out"
    args = ["--scenario", str(scenario), "--reassign", "--out", str(out_dir), "--json"]
    code, out, _ = run("--days", "30", "--replications", "1", "--seed", "1", *args)
    assert code == 0
    data = json.loads(out)
    rr = data["rerouting"]
    assert rr["relative_gap"] <= 1e-4
    assert rr["baseline_relative_gap"] <= 1e-4
    rows = {c["corridor"]: c for c in rr["corridors"]}
    # Brest closed all year: the Northern trains that remain avoid it.
    assert rows["Northern"]["baseline_trains_per_week"] > 0
    assert rows["Northern"]["trains_per_week"] > 0
    names = [r["route"] for r in data["routes"]]
    assert names
    assert not any("Brest" in n and "Terespol" in n for n in names)
    # The simulated trains are the equilibrium's: no wait grows past the run (no warning).
    assert data["warnings"] == []
    assert (out_dir / "corridors.parquet").is_file()


def test_reassign_text_output_and_the_old_rounds_are_gone(tmp_path: Path) -> None:
    code, out, _ = run("--days", "20", "--replications", "1", "--seed", "1", "--reassign")
    assert code == 0
    assert "Rail trains a week by corridor at the corridor equilibrium" in out
    assert "Middle Corridor" in out
    code, _, err = run(*FAST, "--free-gateways")
    assert code == 2
    assert "No such option" in err


def test_waits_longer_than_the_run_come_with_a_saturation_warning(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json as _json

    from click.testing import CliRunner

    from silkrail.cli import main as _main

    scenario = tmp_path / "choked.yaml"
    scenario.write_text(
        "name: choked\ncapacity:\n  - {target: KZ-DOSTYK, factor: 0.02}\n", encoding="utf-8"
    )
    args = ["simulate", "--scenario", str(scenario), "--days", "10", "--replications", "1"]
    args += ["--seed", "1", "--scheduler", "serial", "--baseline", "--json"]
    result = CliRunner().invoke(_main, args)
    assert result.exit_code == 0, result.output
    warnings = _json.loads(result.stdout)["warnings"]
    assert any(w.startswith("Dostyk") and "saturated" in w for w in warnings), warnings
    # Without the choke nothing waits that long, and nothing is said.
    args = ["simulate", "--days", "10", "--replications", "1", "--seed", "1"]
    result = CliRunner().invoke(_main, [*args, "--scheduler", "serial", "--json"])
    assert _json.loads(result.stdout)["warnings"] == []


@pytest.mark.slow  # two worker processes: 40 s here under load
def test_a_local_cluster_with_port_8787_taken_prints_no_dask_warning(
    port_8787_taken: None,
) -> None:
    # The review: Dask's dashboard port 8787 clashed with another process, a test failed and
    # the CLI printed distributed's raw warning. The local cluster uses no fixed port.
    args = ["--days", "20", "--replications", "2", "--seed", "1", "--workers", "2"]
    code, out, err = run(*args, "--json")
    assert code == 0, err
    assert json.loads(out)["replications"] == 2
    assert "8787" not in err
    assert "Warning" not in err
