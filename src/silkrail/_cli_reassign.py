"""``silkrail simulate --reassign N``: route choice with simulated delays fed back.

Helpers of :mod:`silkrail._cli_simulate`: run :func:`silkrail.simulation.reassign` for the
scenario (and its baseline), and show or serialize what moved.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

from rich.table import Table

from silkrail._cli_common import stdout as _stdout
from silkrail.simulation import Reassignment, default_services, reassign

if TYPE_CHECKING:
    from collections.abc import Callable

    from silkrail.network import CorridorNetwork
    from silkrail.simulation import MonteCarloResult, ScenarioSpec, SimulationModel
    from silkrail.simulation.model import Scenario

__all__ = ["print_reassignment", "reassignment_json", "run_reassigned"]


def run_reassigned(
    net: CorridorNetwork,
    spec: ScenarioSpec | None,
    run: Callable[[SimulationModel, Scenario | None, str], MonteCarloResult],
    *,
    label: str,
    scenario: Scenario | None,
    rounds: int,
    free_gateways: bool,
) -> Reassignment:
    """Reassign the scenario's (or the default) services over `rounds` rounds.

    `run(model, scenario, label)` simulates one round; rounds are labelled ``"<label> round
    k"`` and the final run ``"<label>"``.
    """
    services = spec.services if spec is not None and spec.services is not None else None
    options: dict[str, Any] = dict(spec.corridor_options) if spec is not None else {}
    counter = itertools.count(1)

    def one_round(model: SimulationModel, sc: Scenario | None) -> MonteCarloResult:
        k = next(counter)
        return run(model, sc, f"{label} round {k}" if k <= rounds else label)

    return reassign(
        net,
        services if services is not None else default_services(),
        one_round,
        scenario=scenario,
        iterations=rounds,
        keep_via=not free_gateways,
        **options,
    )


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


def reassignment_json(ra: Reassignment, base: Reassignment | None) -> dict[str, Any]:
    """Return the ``"reassignment"`` member of ``silkrail simulate --json``."""
    out = ra.to_dict()
    if base is not None:
        out["baseline"] = base.to_dict()
    return out
