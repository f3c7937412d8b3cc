"""What every ``silkrail`` command shares: exit codes, error output, JSON, the ``--data`` option.

Exit codes: 0 success; 1 unexpected internal error; 2 usage error (bad option or argument);
3 invalid data; 4 unknown or ambiguous location; 5 no route; 6 a file could not be written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console

import silkrail

__all__ = [
    "EXIT_EXPORT",
    "EXIT_INTERNAL",
    "EXIT_INVALID_DATA",
    "EXIT_NO_ROUTE",
    "EXIT_UNKNOWN_LOCATION",
    "EXIT_USAGE",
    "data_option",
    "emit_json",
    "fail",
    "load_data",
    "stderr",
    "stdout",
]

EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INVALID_DATA = 3
EXIT_UNKNOWN_LOCATION = 4
EXIT_NO_ROUTE = 5
EXIT_EXPORT = 6


def stdout() -> Console:
    """Return a console on stdout."""
    # Piped output is read by people in logs and by scripts: do not wrap tables at 80 columns.
    return Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def stderr() -> Console:
    """Return a console on stderr."""
    return Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)


def emit_json(obj: object) -> None:
    """Print `obj` as indented JSON on stdout."""
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def fail(
    message: str, code: int, *, as_json: bool, extra: dict[str, Any] | None = None
) -> NoReturn:
    """Report an error (as JSON on stdout with ``--json``, else on stderr) and exit."""
    if as_json:
        emit_json({"error": message, "exit_code": code, **(extra or {})})
    else:
        stderr().print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    sys.exit(code)


def load_data(data: Path | None) -> silkrail.CorridorNetwork:
    """Return the network a ``--data`` value names (default: the packaged corridors)."""
    return silkrail.load_network() if data is None else silkrail.read_network(data)


data_option = click.option(
    "--data",
    "data",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Network to use: a CSV folder, .geojson or .gpkg (default: the packaged corridors).",
)
