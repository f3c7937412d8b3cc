"""The JSON summary of a Monte Carlo run: what ``silkrail simulate --json`` and the service show."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from silkrail.simulation.montecarlo import MonteCarloResult

__all__ = ["route_table", "simulation_summary"]

_ROUTE_COLUMNS = [
    "origin",
    "destination",
    "finished",
    "p50_days",
    "p50_days_ci",
    "p95_days",
    "p95_days_ci",
    "swod_kmh",
    "swd_kmh",
]


def route_table(mc: MonteCarloResult, base: MonteCarloResult | None = None) -> pd.DataFrame:
    """Per-route transit days with confidence intervals, and the baseline's where given.

    Parameters
    ----------
    mc
        The run.
    base
        A baseline run of the same model (same seed), or ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per route: origin, destination, trains finished, p50/p95 days with CI
        half-widths, CAREC speeds with and without delay, and ``base_p50_days``/``base_p95_days``
        when `base` is given.
    """
    df = mc.route_summary()[_ROUTE_COLUMNS].copy()
    if base is not None:
        b = base.route_summary()
        df["base_p50_days"] = b["p50_days"]
        df["base_p95_days"] = b["p95_days"]
    return df


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    # The index first, NaN as null (JSON has no NaN).
    out = []
    for key, row in df.iterrows():
        rec: dict[str, Any] = {str(df.index.name or "id"): key}
        for col, value in row.items():
            rec[str(col)] = (
                (float(value) if math.isfinite(value) else None)
                if isinstance(value, float)
                else value
            )
        out.append(rec)
    return out


def simulation_summary(
    mc: MonteCarloResult,
    *,
    base: MonteCarloResult | None = None,
    top: int = 10,
    scenario: str | None = None,
    seed: int | None = None,
    routes: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Return a run's results as a JSON-ready dict (the ``silkrail simulate --json`` layout).

    Parameters
    ----------
    mc
        The run.
    base
        The baseline run (same seed), if any; adds ``baseline_bottlenecks`` and the routes'
        baseline columns.
    top
        Bottlenecks to list.
    scenario
        The scenario's name, shown as ``"scenario"``.
    seed
        The root seed the run was started with.
    routes
        The route table to report (default :func:`route_table` of `mc` and `base`).

    Returns
    -------
    dict
        ``scenario, days, replications, seed, confidence, trains_per_replication, routes,
        bottlenecks, borders`` and, with a baseline, ``baseline_bottlenecks``.
    """
    table = route_table(mc, base) if routes is None else routes
    out: dict[str, Any] = {
        "scenario": scenario,
        "days": mc.days,
        "replications": mc.replications,
        "seed": seed,
        "confidence": mc.confidence,
        "trains_per_replication": float(mc.n_trains.mean()),
        "routes": _records(table),
        "bottlenecks": _records(mc.bottlenecks(top=top)),
        "borders": _records(mc.border_summary()),
    }
    if base is not None:
        out["baseline_bottlenecks"] = _records(base.bottlenecks(top=top))
    return out
