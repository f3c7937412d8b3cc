"""The JSON summary of a Monte Carlo run: what ``silkrail simulate --json`` and the service show."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from silkrail.network import CorridorNetwork
    from silkrail.simulation.montecarlo import MonteCarloResult

__all__ = ["column_total", "route_table", "simulation_summary"]

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
        half-widths, CAREC speeds with and without delay, ``co2e_kg_per_feu_wtw`` (the route's
        well-to-wheel kg CO2e per FEU) and ``co2e_t_wtw`` (tonnes for the trains finished per
        replication), and ``base_p50_days``/``base_p95_days``/``base_co2e_t_wtw`` when `base`
        is given. Routes are matched by name; a route only the baseline uses (trains were
        re-routed off it) gets a row with no finished trains and no days.
    """
    summary = mc.route_summary()
    df = summary[_ROUTE_COLUMNS].copy()
    df["co2e_kg_per_feu_wtw"], df["co2e_t_wtw"] = _route_co2e(mc, summary["finished"])
    if base is not None:
        b = base.route_summary()
        base_kg, base_t = _route_co2e(base, b["finished"])
        extra = b.index.difference(df.index, sort=False)
        if len(extra):
            add = pd.DataFrame(np.nan, index=extra, columns=df.columns)
            add["origin"] = b.loc[extra, "origin"]
            add["destination"] = b.loc[extra, "destination"]
            add["finished"] = 0.0
            add["co2e_kg_per_feu_wtw"] = pd.Series(base_kg, index=b.index)[extra]
            add["co2e_t_wtw"] = 0.0
            df = pd.concat([df, add.astype(df.dtypes.to_dict())])
        df["base_p50_days"] = b["p50_days"]
        df["base_p95_days"] = b["p95_days"]
        df["base_co2e_t_wtw"] = pd.Series(base_t, index=b.index)
    return df


def _route_co2e(mc: MonteCarloResult, finished: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return, per route of `finished`, kg CO2e per FEU and tonnes for its finished trains.

    Well-to-wheel; tonnes per replication, with the route's train FEU weighted over its
    services.
    """
    kg_per_feu = {r.name: r.co2e_kg_per_feu_wtw for r in mc.model.routes}
    feu_weekly: dict[str, float] = {}
    trains_weekly: dict[str, float] = {}
    for sv in mc.model.services:
        feu_weekly[sv.route] = feu_weekly.get(sv.route, 0.0) + sv.feu * sv.trains_per_week
        trains_weekly[sv.route] = trains_weekly.get(sv.route, 0.0) + sv.trains_per_week
    kg = np.array([kg_per_feu[r] for r in finished.index], dtype=float)
    train_feu = np.array(
        [
            feu_weekly[r] / trains_weekly[r] if trains_weekly.get(r, 0.0) > 0 else np.nan
            for r in finished.index
        ]
    )
    return kg, finished.to_numpy(dtype=float) * train_feu * kg / 1000.0


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


def column_total(table: pd.DataFrame, column: str) -> float | None:
    """Return the sum of a column over the rows that report it; None if none does (or no column).

    Examples
    --------
    >>> import pandas as pd
    >>> column_total(pd.DataFrame({"t": [1.0, float("nan"), 2.5]}), "t")
    3.5
    >>> column_total(pd.DataFrame({"t": [1.0]}), "base_t") is None
    True
    """
    if column not in table:
        return None
    values = table[column].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    return float(values.sum()) if values.size else None


def simulation_summary(
    mc: MonteCarloResult,
    *,
    base: MonteCarloResult | None = None,
    top: int = 10,
    scenario: str | None = None,
    seed: int | None = None,
    routes: pd.DataFrame | None = None,
    net: CorridorNetwork | None = None,
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
    net
        The network of the model: with it, routes, bottlenecks and borders get a readable
        ``name`` from the node names ("Moscow → Ürümqi via Khorgos", "Dostyk gauge change",
        "Brest") next to their ids.

    Returns
    -------
    dict
        ``scenario, days, replications, seed, confidence, trains_per_replication,
        co2e_t_wtw, base_co2e_t_wtw, routes, bottlenecks, borders`` and, with a baseline,
        ``baseline_bottlenecks``. ``co2e_t_wtw`` is the well-to-wheel tonnes CO2e of the
        trains finished in one replication (mean over replications; the baseline's in
        ``base_co2e_t_wtw``, None without one).
    """
    table = route_table(mc, base) if routes is None else routes
    out: dict[str, Any] = {
        "scenario": scenario,
        "days": mc.days,
        "replications": mc.replications,
        "seed": seed,
        "confidence": mc.confidence,
        "trains_per_replication": float(mc.n_trains.mean()),
        "co2e_t_wtw": column_total(table, "co2e_t_wtw"),
        "base_co2e_t_wtw": column_total(table, "base_co2e_t_wtw"),
        "routes": _records(table),
        "bottlenecks": _records(mc.bottlenecks(top=top)),
        "borders": _records(mc.border_summary()),
    }
    if base is not None:
        out["baseline_bottlenecks"] = _records(base.bottlenecks(top=top))
    if net is not None:
        from silkrail.simulation.names import node_title, route_title, station_title

        for rec in out["routes"]:
            rec["name"] = route_title(net, str(rec["route"]))
        for key in ("bottlenecks", "baseline_bottlenecks"):
            for rec in out.get(key, []):
                rec["name"] = station_title(net, str(rec["station"]))
        for rec in out["borders"]:
            rec["name"] = node_title(net, str(rec["node"]))
    return out
