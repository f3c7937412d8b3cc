from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner

from silkrail.cli import main

if TYPE_CHECKING:
    from pathlib import Path

CSV = """event_id,container,event_type,code,classifier,event_time,location,mode
e1,CSQU3054383,TRANSPORT,DEPA,ACT,2025-03-02T04:00Z,CN-XIAN,RAIL
e2,CSQU3054383,CORRIDOR,BCCO,ACT,2025-03-05T10:00Z,Dostyk,RAIL
"""


def test_track_add_import_show_list(tmp_path: Path) -> None:
    db = ["--database", f"sqlite:///{tmp_path / 's.sqlite'}"]
    run = CliRunner().invoke
    r = run(
        main,
        ["track", "add", "CSQU3054383", "Xi'an", "Duisburg", "--depart", "2025-03-01T08:00Z", *db],
    )
    assert r.exit_code == 0, r.output
    (tmp_path / "events.csv").write_text(CSV)
    r = run(main, ["track", "import", str(tmp_path / "events.csv"), *db, "--json"])
    # One forecast per shipment and file, from its latest event.
    assert json.loads(r.output) == {"stored": 2, "duplicates": 0, "forecasts": 1}
    later = CSV.replace("e1,", "e3,").replace("e2,", "e4,").replace("2025-03-0", "2025-03-1")
    (tmp_path / "later.csv").write_text(later)
    r = run(main, ["track", "import", str(tmp_path / "later.csv"), "--every-event", *db, "--json"])
    assert json.loads(r.output) == {"stored": 2, "duplicates": 0, "forecasts": 2}
    r = run(main, ["track", "show", "CSQU3054383", *db])
    assert "Dostyk" in r.output
    assert "p50" in r.output
    assert max(len(line) for line in r.output.splitlines()) <= 80
    r = run(main, ["track", "show", "MSCU1234565", *db])
    assert r.exit_code == 2
    assert "check digit is 6, not 5" in r.output
    r = run(main, ["track", "list", "--late", "--json", *db])
    assert [s["id"] for s in json.loads(r.output)["shipments"]] == ["CSQU3054383"]
    r = run(main, ["track", "key", "create", "--name", "ops", "--scope", "write", *db])
    assert r.output.startswith("srk_")


def test_track_import_reports_every_problem(tmp_path: Path) -> None:
    db = ["--database", f"sqlite:///{tmp_path / 's.sqlite'}"]
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("CN-XIAN", "Atlantis").replace("2025-03-05T10:00Z", "later"))
    r = CliRunner().invoke(main, ["track", "import", str(bad), *db, "--json"])
    assert r.exit_code == 3
    problems = json.loads(r.output)["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [(2, "location"), (3, "event_time")]
