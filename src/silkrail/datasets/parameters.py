"""Scalar parameters packaged with silkrail, each with its source."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from silkrail.errors import DatasetError

__all__ = ["planning_parameter", "planning_parameters"]


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
    table = planning_parameters()
    if name not in table.index:
        msg = f"unknown planner parameter {name!r}; choose one of {sorted(table.index)}"
        raise DatasetError(msg)
    return float(str(table.loc[name, "value"]))
