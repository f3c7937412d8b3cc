"""``silkrail simulate --reassign N``: route choice with simulated delays fed back.

Helpers of :mod:`silkrail._cli_simulate`: show what moved (the study runner,
:func:`silkrail.studies.run_study`, runs the rounds).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.table import Table

from silkrail._cli_common import stdout as _stdout

if TYPE_CHECKING:
    from silkrail.simulation import Reassignment

__all__ = ["print_reassignment"]


def print_reassignment(ra: Reassignment, base: Reassignment | None) -> None:
    """Print trains a week by corridor family and the report of each round."""
    console = _stdout()
    fam = ra.family_shares()
    t = Table(title=f"Trains a week by corridor after {len(ra.iterations)} reassignment rounds")
    for col in ("corridor", "planned routes", "reassigned"):
        t.add_column(col, justify="left" if col == "corridor" else "right")
    base_fam = base.family_shares() if base is not None else None
    if base_fam is not None:
        t.add_column("baseline reassigned", justify="right")
    names = list(fam.index) + [
        n for n in (base_fam.index if base_fam is not None else []) if n not in fam.index
    ]
    for name in names:
        row = [str(name)]
        if name in fam.index:
            row += [
                f"{fam.loc[name, 'initial_trains_per_week']:.1f}",
                f"{fam.loc[name, 'trains_per_week']:.1f}",
            ]
        else:
            row += ["0.0", "0.0"]
        if base_fam is not None:
            value = base_fam["trains_per_week"].get(name, 0.0)
            row.append(f"{value:.1f}")
        t.add_row(*row)
    console.print(t)
    r = Table(title="Reassignment rounds (share of trains moved; mean simulated days before it)")
    for col in ("round", "moved", "routes in use", "mean days"):
        r.add_column(col, justify="right")
    for it in ra.iterations:
        r.add_row(
            str(it.iteration),
            f"{it.moved_share:.1%}",
            str(it.routes),
            "-" if math.isnan(it.mean_days) else f"{it.mean_days:.1f}",
        )
    console.print(r)
