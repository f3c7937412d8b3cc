"""``import silkrail`` stays light: the engines' heavy dependencies load on first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_assignment_does_not_import_scipy_linalg() -> None:
    # numba's BLAS check would import scipy.linalg (0.2-0.4 s); _numba_setup loads numba's
    # CPU target with scipy's BLAS extension module alone, then takes it out again.
    out = _run(
        "import sys, numpy as np, silkrail\n"
        "from silkrail.assignment import _kernels as k\n"
        "out, one = np.empty(2), np.ones(2)\n"
        "k.link_time(one, one, one, np.full(2, 4.0), one, out, np.empty(0))\n"
        "print(out.tolist(), 'scipy.linalg' in sys.modules,"
        " 'scipy.linalg.cython_blas' in sys.modules)"
    )
    assert out.split() == ["[2.0,", "2.0]", "False", "False"]


def test_scipy_linalg_and_numba_blas_still_work_after_the_kernels() -> None:
    out = _run(
        "import numpy as np, numba\n"
        "from silkrail.assignment import _kernels\n"
        "import scipy.linalg\n"
        "a = np.array([[2.0, 1.0], [1.0, 3.0]])\n"
        "dot = numba.njit(lambda x, y: np.dot(x, y))\n"
        "print(np.allclose(scipy.linalg.solve(a, a), np.eye(2)),"
        " scipy.linalg.cython_blas is not None, np.allclose(dot(a, a), a @ a))"
    )
    assert out.split() == ["True", "True", "True"]


SIOUX = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "tntp" / "SiouxFalls"
TWO_NODE_TNTP = Path(__file__).parent / "data" / "tntp_two"  # as tests/conftest.py


def _tntp_files(tmp_path: Path) -> tuple[Path, Path]:
    """SiouxFalls when the benchmark folder is there, else a two-node problem."""
    if SIOUX.is_dir():
        return SIOUX / "SiouxFalls_net.tntp", SIOUX / "SiouxFalls_trips.tntp"
    return TWO_NODE_TNTP / "two_net.tntp", TWO_NODE_TNTP / "two_trips.tntp"


# Modules a warm `silkrail assign` (BFW) has no use for: the planner's and the simulator's
# engines, pandas and scipy.linalg, numba's CPU target (its registries: loading a cached
# kernel does not need them, see silkrail._numba_setup.load_lightly), and numba's array
# implementations (imported when a cached kernel that allocates is loaded: the caller
# allocates aon_share's scratch arrays).
NOT_FOR_ASSIGN = (
    "pandas",
    "pyarrow",
    "scipy.linalg",
    "silkrail.routing",
    "silkrail.simulation",
    "silkrail.network",
    "numba.np.arraymath",
    "numba.np.arrayobj",
    "numba.np.linalg",
    "numba.typed.typeddict",
)


def test_warm_assign_command_loads_only_the_assignment_engine(tmp_path: Path) -> None:
    net, trips = _tntp_files(tmp_path)
    code = (
        "import json, sys\n"
        "from silkrail.cli import main\n"
        f"args = ['assign', '--net', {str(net)!r}, '--trips', {str(trips)!r}, '--json']\n"
        "try:\n"
        "    main(args)\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    _run(code)  # the first run may compile (a compile loads numba's whole CPU target)
    out = _run(code)
    loaded = set(json.loads(out[out.index("\n[") :]))
    assert "silkrail.assignment._kernels" in loaded
    unwanted = {
        name
        for name in loaded
        for heavy in NOT_FOR_ASSIGN
        if name == heavy or name.startswith(heavy + ".")
    }
    assert not unwanted, sorted(unwanted)
