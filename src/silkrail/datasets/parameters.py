"""Scalar parameters packaged with silkrail, each with its source."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from silkrail.errors import DatasetError

__all__ = [
    "baseline_waits",
    "calibrated_parameters",
    "conditions_table",
    "planning_parameter",
    "planning_parameters",
    "service_class_table",
]


@cache
def planning_parameters() -> pd.DataFrame:
    """Return the planner's parameter table (``name, value, unit, source_ids, note``).

    Returns
    -------
    pandas.DataFrame
        One row per parameter, indexed by name.

    Examples
    --------
    >>> planning_parameters().loc["value_of_time_usd_per_feu_hour", "unit"]
    'USD/FEU-h'
    """
    path = resources.files("silkrail.datasets") / "planning" / "parameters.csv"
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh).set_index("name")


def planning_parameter(name: str) -> float:
    """Return one planner parameter's value.

    Parameters
    ----------
    name
        Parameter name, e.g. ``"value_of_time_usd_per_feu_hour"``.

    Returns
    -------
    float
        The value in the table's unit.

    Raises
    ------
    DatasetError
        If no parameter has this name.

    Examples
    --------
    >>> round(planning_parameter("value_of_time_usd_per_feu_hour"), 2)
    27.25
    """
    values = _parameter_values()
    if name not in values:
        msg = f"unknown planner parameter {name!r}; choose one of {sorted(values)}"
        raise DatasetError(msg)
    return values[name]


@cache
def _parameter_values() -> dict[str, float]:
    # Read once: a planner asks for the value of time on every plan, and a pandas look-up
    # cost about 0.25 ms of it.
    table = planning_parameters()
    return {str(n): float(str(v)) for n, v in zip(table.index, table["value"], strict=True)}


def _planning_table(name: str) -> pd.DataFrame:
    path = resources.files("silkrail.datasets") / "planning" / name
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""])


@cache
def service_class_table() -> pd.DataFrame:
    """Return the service-class parameter table (``planning/service_classes.csv``).

    One row per rule: ``service, parameter, countries, gauge_mm, value, unit, kind,
    source_ids, note``. ``countries`` is ``;``-separated ISO codes or ``*``.

    Returns
    -------
    pandas.DataFrame
        The rules in file order.

    Examples
    --------
    >>> sorted(set(service_class_table()["service"]))
    ['block', 'fixed-schedule', 'regular']
    """
    return _planning_table("service_classes.csv")


@cache
def conditions_table() -> pd.DataFrame:
    """Return the dated conditions table (``planning/conditions.csv``).

    One row per condition: ``id, kind, start, end, months, parameter, target, value, unit,
    source_ids, note``; ``start``/``end`` are ISO dates (``end`` empty = still in force),
    ``months`` a ``;``-list of months (1-12) for seasonal rows.

    Returns
    -------
    pandas.DataFrame
        The conditions in file order.

    Examples
    --------
    >>> "red-sea" in set(conditions_table()["id"])
    True
    """
    return _planning_table("conditions.csv")


@cache
def calibrated_parameters() -> pd.DataFrame:
    """Return the openly estimated parameters (``planning/calibrated.csv``), indexed by name.

    Each row has the value in use, its prior, bounds, unit, ``status`` (``calibrated`` when
    fitted by ``scripts/calibrate_transit_times.py``, else ``prior``), the calibration rows used
    and the written reason.

    Returns
    -------
    pandas.DataFrame
        One row per parameter.

    Examples
    --------
    >>> t = calibrated_parameters()
    >>> bool((t["lower"] <= t["value"]).all() and (t["value"] <= t["upper"]).all())
    True
    """
    return _planning_table("calibrated.csv").set_index("name")


@cache
def baseline_waits() -> pd.DataFrame:
    """Return queue waits at the 2024 baseline (``planning/baseline_waits.csv``).

    Written by ``scripts/build_baseline_waits.py`` from the corridor simulator run on the
    packaged 2024 demand: per station (``NODE:border``, ``NODE:gauge`` or a rail section
    ``LINK:FROM>TO``) the mean, median and 95th-percentile wait in hours.

    Returns
    -------
    pandas.DataFrame
        Indexed by station.

    Examples
    --------
    >>> bool((baseline_waits()["p95_wait_h"] >= baseline_waits()["p50_wait_h"]).all())
    True
    """
    return _planning_table("baseline_waits.csv").set_index("station")
