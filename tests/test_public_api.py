from __future__ import annotations

import ast
from pathlib import Path

import silkrail


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 enforces: CONSTANTS, then Classes, then functions.
    if name.isupper():
        return (0, name)
    return (1, name) if name[0].isupper() else (2, name)


def test_all_is_sorted_and_importable() -> None:
    assert list(silkrail.__all__) == sorted(silkrail.__all__, key=_isort_key)
    for name in silkrail.__all__:
        assert hasattr(silkrail, name), name


def test_errors_subclass_builtins() -> None:
    assert issubclass(silkrail.NetworkValidationError, ValueError)
    assert issubclass(silkrail.UnknownLocationError, KeyError)
    assert issubclass(silkrail.NoRouteError, ValueError)
    for name in ("NetworkValidationError", "UnknownLocationError", "NoRouteError", "DatasetError"):
        assert issubclass(getattr(silkrail, name), silkrail.SilkrailError)


def test_cli_and_service_use_only_the_public_api() -> None:
    src = Path(silkrail.__file__).parent
    edge_files = [src / "cli.py", *sorted((src / "service").glob("*.py"))]
    for path in edge_files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("silkrail")
            ):
                names = [a.name for a in node.names]
                allowed = node.module == "silkrail" and set(names) <= set(silkrail.__all__)
                allowed |= node.module.startswith("silkrail._cli") or node.module.startswith(
                    "silkrail.service"
                )
                # The one shared write helper (temp file + rename) is infrastructure, not
                # engine internals: the service's job folder writes through it too.
                allowed |= node.module == "silkrail._atomic" and names == ["atomic_file"]
                assert allowed, f"{path.name} imports {names} from {node.module}"
