"""``silkrail simulate --reassign``: the corridor equilibrium's trains, by corridor.

A helper of :mod:`silkrail._cli_simulate` (the study runner,
:func:`silkrail.studies.run_study`, computes the equilibrium and runs its trains).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from silkrail._cli_common import emit_table
from silkrail._cli_common import stdout as _stdout

if TYPE_CHECKING:
    from silkrail.studies import Rerouting

__all__ = ["print_rerouting"]


def print_rerouting(rr: Rerouting, *, wide: bool = False) -> None:
    """Print rail trains a week by corridor: baseline, this run and held back."""
    final = rr.flows.scenario if rr.flows.scenario is not None else rr.flows.baseline
    t = Table(
        title="Rail trains a week by corridor at the corridor equilibrium "
        f"(relative gap {final.gap[-1]:.1e}); held back: above capacity, kept at the origin",
        title_justify="left",
    )
    for col in ("corridor", "baseline", "this run", "held back"):
        t.add_column(col, justify="left" if col == "corridor" else "right")
    for name, row in rr.corridors.iterrows():
        t.add_row(
            str(name), f"{row['baseline']:.1f}", f"{row['scenario']:.1f}", f"{row['held_back']:.1f}"
        )
    emit_table(_stdout(), t, wide=wide)
