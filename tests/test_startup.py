"""``import silkrail`` stays light: the engines' heavy dependencies load on first use."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numba", "scipy", "pandas", "pyarrow", "dask", "distributed")


def _modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return {name.partition(".")[0] for name in json.loads(out)}


def test_import_silkrail_loads_no_heavy_dependency() -> None:
    loaded = _modules_after("import silkrail")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_public_names_still_resolve_lazily() -> None:
    loaded = _modules_after("import silkrail\nsilkrail.read_tntp_net")
    assert "numba" in loaded  # the assignment engine came with the name
    assert "pandas" not in loaded  # ... and nothing the assignment does not need


def test_cli_help_loads_no_engine() -> None:
    loaded = _modules_after(
        "from click.testing import CliRunner\n"
        "from silkrail.cli import main\n"
        "assert CliRunner().invoke(main, ['--version']).exit_code == 0"
    )
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
