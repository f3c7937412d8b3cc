"""What every ``silkrail`` command shares: exit codes, error output, JSON, the ``--data`` option.

Exit codes: 0 success; 1 unexpected internal error; 2 usage error (bad option or argument);
3 invalid data; 4 unknown or ambiguous location; 5 no route; 6 a file could not be written.
"""

from __future__ import annotations

import atexit
import functools
import gc
import json
import math
import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

import silkrail
from silkrail._atomic import atomic_file

if TYPE_CHECKING:
    from collections.abc import Callable

F = TypeVar("F", bound="Callable[..., Any]")

__all__ = [
    "EXIT_EXPORT",
    "EXIT_INTERNAL",
    "EXIT_INVALID_DATA",
    "EXIT_NO_ROUTE",
    "EXIT_UNKNOWN_LOCATION",
    "EXIT_USAGE",
    "CommandError",
    "atomic_file",
    "data_option",
    "emit_json",
    "emit_table",
    "fail",
    "handle_errors",
    "json_option",
    "load_data",
    "print_problems",
    "problems_payload",
    "skip_collection_at_exit",
    "stderr",
    "stdout",
    "wide_option",
]

EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INVALID_DATA = 3
EXIT_UNKNOWN_LOCATION = 4
EXIT_NO_ROUTE = 5
EXIT_EXPORT = 6


def _width(tty: bool) -> int | None:
    """Console width: the terminal's; when piped, $COLUMNS if set, else 200."""
    if tty:
        return None
    # Piped output is read by people in logs and by scripts: do not wrap tables at 80 columns
    # unless asked to (COLUMNS=80 silkrail plan ... | less).
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) >= 40 else 200


def stdout() -> Console:
    """Return a console on stdout."""
    # markup=False: names and values from data files are printed as they are, never parsed
    # as rich markup (a value like "[low]" must not vanish); styles go through rich.text.Text.
    return Console(soft_wrap=True, markup=False, width=_width(sys.stdout.isatty()))


def stderr() -> Console:
    """Return a console on stderr."""
    return Console(stderr=True, soft_wrap=True, markup=False, width=_width(sys.stderr.isatty()))


wide_option = click.option(
    "--wide",
    is_flag=True,
    help="Print tables at full width, however wide the terminal (default: fit it).",
)


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def emit_table(console: Console, table: Table, *, wide: bool = False, key_columns: int = 1) -> None:
    """Print a table that fits the console, else each row as a wrapped block.

    A row block starts with its first `key_columns` cells (the route or station, named in
    full), then lists the other columns as "header value" pairs; lines break between words
    only, so no place name is cut. `wide` prints the table at its natural width.
    """
    width = console.width

    def wrapped(text: str, first: str, then: str) -> None:
        # Only between words: no place name is cut, however narrow the console.
        for line in textwrap.wrap(
            text,
            width=width,
            initial_indent=first,
            subsequent_indent=then,
            break_long_words=False,
            break_on_hyphens=False,
        ):
            console.print(line, highlight=False)

    # Measured without the console's limit: the width the table wants.
    need = Measurement.get(console, console.options.update_width(100_000), table).maximum
    if wide:
        console.width = max(need, console.width)
        console.print(table)
        return
    if table.title:
        # A title wider than the table is wrapped on its own (rich would let it run on).
        wrapped(_plain(table.title), "", "")
        table.title = None
    if need <= width:
        console.print(table)
        return
    rows = len(table.columns[0]._cells) if table.columns else 0
    heads = [_plain(c.header) for c in table.columns]
    for i in range(rows):
        cells = [_plain(c._cells[i]).strip() for c in table.columns]
        key = " ".join(c for c in cells[:key_columns] if c)
        # A no-break space holds each "header value" pair on one line.
        pairs = zip(heads[key_columns:], cells[key_columns:], strict=True)
        rest = "; ".join(f"{h} {v}".replace(" ", "\u00a0") for h, v in pairs if v)
        wrapped(key, "", "  ")
        wrapped(rest, "    ", "    ")
    console.print(
        f"({rows} {'row' if rows == 1 else 'rows'} as blocks to fit {width} columns; "
        "--wide prints the table)",
        highlight=False,
    )


def json_safe(obj: object) -> object:
    """Return `obj` with every NaN or infinite float replaced by None (JSON ``null``).

    ``json.dumps`` writes them as ``NaN`` and ``Infinity``, which no JSON parser but Python's
    accepts; validation keeps them out of results, this keeps them out of the output anyway.

    Examples
    --------
    >>> json_safe({"a": [1.0, float("nan")], "b": (float("inf"), "x")})
    {'a': [1.0, None], 'b': [None, 'x']}
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    return obj


_freeze_at_exit: list[bool] = []


def skip_collection_at_exit() -> None:
    """Leave the objects alive at exit to the OS instead of the garbage collector.

    When the interpreter shuts down it clears every module and then collects the cycles
    that leaves; with numba loaded that is tens of thousands of objects, 0.15-0.2 s of CPU
    of a 0.8 s ``silkrail assign`` (docs/benchmarks.md). ``gc.freeze()`` in an exit handler
    moves them out of the collector's reach, and the process ends without it.

    Only for a command whose files are all closed when it returns (``with`` blocks): an
    object in a reference cycle is then not finalised at exit. In a test runner's process
    the handler runs only when that process ends, once however often it was asked for.
    """
    if not _freeze_at_exit:
        atexit.register(gc.freeze)
        _freeze_at_exit.append(True)


def emit_json(obj: object) -> None:
    """Print `obj` as indented JSON on stdout (always valid JSON: no NaN or Infinity)."""
    text = json.dumps(json_safe(obj), ensure_ascii=False, indent=2, default=str, allow_nan=False)
    click.echo(text)


def fail(
    message: str, code: int, *, as_json: bool, extra: dict[str, Any] | None = None
) -> NoReturn:
    """Report an error (as JSON on stdout with ``--json``, else on stderr) and exit."""
    if as_json:
        emit_json({"error": message, "exit_code": code, **(extra or {})})
    else:
        stderr().print(Text.assemble(("error: ", "bold red"), message), highlight=False)
    sys.exit(code)


def problems_payload(exc: silkrail.NetworkValidationError) -> list[dict[str, Any]]:
    return [
        {"file": p.file, "row": p.row, "column": p.column, "value": p.value, "rule": p.rule}
        for p in exc.problems
    ]


#: Problems shown in the table of an invalid network; ``--json`` lists them all. A table of
#: 20,000 rows took rich 30 s to lay out, and nobody reads it.
MAX_PROBLEMS_SHOWN = 200


def print_problems(exc: silkrail.NetworkValidationError) -> None:
    table = Table(title=f"{len(exc.problems)} problem(s) in {exc.source}", show_lines=False)
    for col in ("file", "row", "column", "value", "rule"):
        table.add_column(col, overflow="fold")
    for p in exc.problems[:MAX_PROBLEMS_SHOWN]:
        value = p.value if len(p.value) <= 80 else p.value[:77] + "..."
        table.add_row(p.file, "" if p.row is None else str(p.row), p.column or "", value, p.rule)
    stderr().print(table)
    more = len(exc.problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        stderr().print(f"... and {more} more problem(s); --json lists every one", highlight=False)


def handle_errors(func: F) -> F:
    """Turn silkrail errors into a message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json", False))
        try:
            return func(*args, **kwargs)
        except silkrail.NetworkValidationError as exc:
            if as_json:
                emit_json(
                    {
                        "valid": False,
                        "error": f"{len(exc.problems)} problem(s)",
                        "source": exc.source,
                        "problems": problems_payload(exc),
                    }
                )
                sys.exit(EXIT_INVALID_DATA)
            print_problems(exc)
            fail(
                f"the network in {exc.source} is invalid ({len(exc.problems)} problem(s))",
                EXIT_INVALID_DATA,
                as_json=False,
            )
        except silkrail.UnknownLocationError as exc:
            fail(
                str(exc),
                EXIT_UNKNOWN_LOCATION,
                as_json=as_json,
                extra={"suggestions": list(exc.suggestions)},
            )
        except silkrail.NoRouteError as exc:
            fail(str(exc), EXIT_NO_ROUTE, as_json=as_json, extra={"blocking": list(exc.blocking)})
        except CommandError as exc:
            fail(str(exc), exc.code, as_json=as_json)
        except (silkrail.ExportError, OSError) as exc:
            fail(str(exc), EXIT_EXPORT, as_json=as_json)
        except (silkrail.DatasetError, silkrail.TNTPFormatError) as exc:
            fail(str(exc), EXIT_INVALID_DATA, as_json=as_json)
        except silkrail.InsufficientMemoryError as exc:
            # The options ask for more than a run may hold (checked before allocating).
            fail(str(exc), EXIT_USAGE, as_json=as_json)
        except ValueError as exc:
            # Scenario problems and bad option values found by the engines (after click's
            # own checks).
            fail(str(exc), EXIT_USAGE, as_json=as_json)
        except silkrail.SilkrailError as exc:
            fail(str(exc), EXIT_INTERNAL, as_json=as_json)
        except ModuleNotFoundError as exc:
            fail(f"{exc}; install the extra this command needs", EXIT_INTERNAL, as_json=as_json)
        except Exception as exc:
            # A bug: say so in one line; SILKRAIL_DEBUG=1 shows the traceback.
            if os.environ.get("SILKRAIL_DEBUG"):
                raise
            msg = f"internal error: {type(exc).__name__}: {exc} (please report it)"
            fail(msg, EXIT_INTERNAL, as_json=as_json)
        return None

    return wrapper  # type: ignore[return-value]


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")


class CommandError(Exception):
    """An error a command found itself, with its exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


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


def scenario_option(help: str) -> Callable[[F], F]:
    """``--scenario FILE``: a YAML scenario file, read into ``scenario_path``."""
    return click.option(
        "--scenario",
        "scenario_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help,
    )


def replications_option(*, default: int, help: str) -> Callable[[F], F]:
    """``--replications N`` (at least 1)."""
    return click.option(
        "--replications", type=click.IntRange(min=1), default=default, show_default=True, help=help
    )


days_option = click.option(
    "--days",
    type=click.FloatRange(min=1.0),
    default=365.0,
    show_default=True,
    help="Days of train releases per replication.",
)


def seed_option(help: str) -> Callable[[F], F]:
    """``--seed N`` (default ``None``: fresh entropy, which the command reports)."""
    return click.option("--seed", type=click.IntRange(min=0), default=None, help=help)


def scheduler_option(help: str) -> Callable[[F], F]:
    """``--scheduler ADDRESS``: a Dask scheduler, or 'serial'."""
    return click.option("--scheduler", default=None, metavar="ADDRESS", help=help)


def workers_option(help: str) -> Callable[[F], F]:
    """``--workers N`` (at least 1)."""
    return click.option("--workers", type=click.IntRange(min=1), default=None, help=help)
