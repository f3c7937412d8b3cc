"""The ``silkrail`` command line.

Exit codes: 0 success; 1 unexpected internal error; 2 usage error (bad option or argument);
3 invalid network data; 4 unknown or ambiguous location; 5 no route satisfies the constraints;
6 export failed. ``--json`` on every command prints machine-readable output on stdout.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import ClassVar

import click

import silkrail

__all__ = ["main"]


class _LazyGroup(click.Group):
    """A group whose subcommands are imported only when they are run.

    ``silkrail --help`` lists them from :attr:`summaries` without importing them (importing
    them all would load pandas, numba and scipy: seconds and 200 MB for a help text); a test
    checks that the summaries match the commands' own short help.
    """

    lazy: ClassVar[dict[str, str]] = {
        "assign": "silkrail._cli_assign:assign",
        "flows": "silkrail._cli_flows:flows",
        "locate": "silkrail._cli_plan:locate_command",
        "network": "silkrail._cli_network:network",
        "plan": "silkrail._cli_plan:plan_command",
        "report": "silkrail._cli_report:report",
        "serve": "silkrail._cli_serve:serve",
        "simulate": "silkrail._cli_simulate:simulate",
        "track": "silkrail._cli_track:track",
        "warmup": "silkrail._cli_warmup:warmup",
    }
    summaries: ClassVar[dict[str, str]] = {
        "assign": "Find the user equilibrium of a TNTP-format network and trip table.",
        "flows": "Container flows by mode, corridor and route at equilibrium, against the 2024 "
        "base year.",
        "locate": "Find a node by id, name or alias (any case, accents or script).",
        "network": "Inspect, validate and export corridor networks.",
        "plan": "Plan container routes from ORIGIN to DESTINATION: time, cost, CO2e, borders.",
        "report": "Write a corridor study as one self-contained HTML file (no network requests).",
        "serve": "Serve the REST API under /api/v1 and the web map at / (works offline).",
        "simulate": "Simulate trains through the corridor: transit-time percentiles and "
        "bottlenecks.",
        "track": "Follow containers by their events and forecast their arrival.",
        "warmup": "Compile every numba engine once, so that first use is fast.",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attr = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        # The width click itself gives short help in a command list.
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (n, click.Command(n, help=self.summaries[n]).get_short_help_str(limit)) for n in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class _StderrNotice(logging.Handler):
    """Print log messages on the current stderr when it is a terminal.

    Resolved per message, as a test runner swaps the streams. Only for a person at a terminal:
    a pipe or a captured stream (``--json`` read by a program, a test runner that mixes the
    two streams) gets nothing.
    """

    def emit(self, record: logging.LogRecord) -> None:
        isatty = getattr(sys.stderr, "isatty", None)
        if isatty is not None and isatty():
            click.echo(record.getMessage(), err=True)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(silkrail.__version__, prog_name="silkrail")
def main() -> None:
    """Plan, assign and simulate container freight on the China–Europe land corridors."""
    # The one-line notice when an engine compiles on first use (see silkrail._numba_setup).
    notice = logging.getLogger("silkrail.compile")
    if not notice.handlers:
        notice.addHandler(_StderrNotice())
        notice.setLevel(logging.INFO)


if __name__ == "__main__":
    main()
