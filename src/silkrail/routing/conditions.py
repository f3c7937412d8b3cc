"""Conditions by date: disruptions, congestion periods and seasons (DESIGN.md §4).

A plan is for a departure date. ``datasets/planning/conditions.csv`` holds sourced, dated
conditions: a ``close_node`` or ``close_link`` row closes a node or link from ``start`` to
``end`` (e.g. the Red Sea route since December 2023, so the default sea option sails via the
Cape; rail freight between Russia and Finland since 2023), and, where the row names ``months``,
only in those months of each year (a seasonal closure: the Khunjerab Pass in winter); an
``extra_wait_hours`` row adds a mean queue wait at nodes during a congestion period; a
``storm_season`` row names the months in which Caspian ferries may stop for weather.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from silkrail.datasets.parameters import conditions_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Conditions", "CongestionPeriod", "conditions_on", "parse_depart"]

_PARAMETERS = (
    "close_node",
    "close_link",
    "extra_wait_hours",
    "storm_season",
    "storm_length",
)


@dataclass(frozen=True)
class CongestionPeriod:
    """An added mean wait at some nodes between two dates (inclusive)."""

    condition: str
    nodes: frozenset[str]
    start: dt.date
    end: dt.date
    hours: float


@dataclass(frozen=True)
class Conditions:
    """The conditions that apply to a departure.

    Attributes
    ----------
    depart
        The departure date.
    closed
        Node or link id -> id of the condition that closes it on the departure date.
    ignored
        Condition ids the caller chose to plan through (their nodes stay open).
    congestion
        Congestion periods that overlap the 60 days after departure.
    storm_fraction
        Per month (index 0 = January): the sourced fraction of time Caspian ferry ports are
        closed by storms, or NaN where the calibrated fraction applies.
    storm_length_days
        Length of one storm closure (days).
    through
        Node or link id -> id of the disruption the caller plans through (for labels).
    """

    depart: dt.date
    closed: dict[str, str]
    ignored: frozenset[str]
    congestion: tuple[CongestionPeriod, ...]
    storm_fraction: tuple[float, ...]
    storm_length_days: float
    through: dict[str, str] = field(default_factory=dict)


def parse_depart(depart: dt.date | str | None) -> dt.date:
    """Return a departure date from a date, an ISO ``YYYY-MM-DD`` string or None (today).

    Parameters
    ----------
    depart
        The date, its ISO text, or None for today.

    Returns
    -------
    datetime.date
        The date.

    Raises
    ------
    ValueError
        If the text is not an ISO date.

    Examples
    --------
    >>> parse_depart("2025-03-01")
    datetime.date(2025, 3, 1)
    """
    if depart is None:
        return dt.date.today()
    if isinstance(depart, dt.datetime):
        return depart.date()
    if isinstance(depart, dt.date):
        return depart
    try:
        return dt.date.fromisoformat(str(depart).strip())
    except ValueError:
        msg = f"depart must be a date YYYY-MM-DD, got {depart!r}"
        raise ValueError(msg) from None


def _date(cell: object, default: dt.date) -> dt.date:
    text = str(cell).strip()
    return default if text in ("", "nan") else dt.date.fromisoformat(text)


def _rows(depart: dt.date, lookahead_days: int = 0) -> pd.DataFrame:
    t = conditions_table()
    bad = sorted(set(t["parameter"]) - set(_PARAMETERS))
    if bad:
        msg = f"conditions.csv: unknown parameters {bad}; choose from {list(_PARAMETERS)}"
        raise ValueError(msg)
    start = [_date(s, dt.date.min) for s in t["start"]]
    end = [_date(e, dt.date.max) for e in t["end"]]
    horizon = depart + dt.timedelta(days=lookahead_days)
    keep = [s <= horizon and depart <= e for s, e in zip(start, end, strict=True)]
    return t[keep]


def _in_months(cell: object, day: dt.date) -> bool:
    # An empty ``months`` cell means every month; else ``;``-separated month numbers (1-12).
    text = str(cell).strip()
    if text in ("", "nan"):
        return True
    return day.month in {int(float(m)) for m in text.split(";") if m.strip()}


def _closures(depart: dt.date) -> dict[str, list[str]]:
    rows = _rows(depart)
    rows = rows[rows["parameter"].isin(("close_node", "close_link"))]
    out: dict[str, list[str]] = {}
    for _, r in rows.iterrows():
        if not _in_months(r["months"], depart):
            continue
        out.setdefault(str(r["id"]), []).extend(str(r["target"]).split(";"))
    return out


def conditions_on(
    depart: dt.date | str | None = None, *, ignore: tuple[str, ...] = ()
) -> Conditions:
    """Return the packaged conditions that apply to a departure date.

    Parameters
    ----------
    depart
        Departure date (default: today).
    ignore
        Ids of disruptions to plan through anyway (e.g. ``("red-sea",)`` for the Suez route).

    Returns
    -------
    Conditions
        Closed nodes, congestion periods and storm months.

    Raises
    ------
    ValueError
        If the date is malformed or an ignored id is not a disruption.

    Examples
    --------
    >>> c = conditions_on("2025-06-01")
    >>> c.closed.get("YE-BAB-EL-MANDEB")
    'red-sea'
    >>> conditions_on("2022-06-01").closed
    {}
    >>> conditions_on("2025-06-01").storm_fraction[10]
    0.5
    >>> conditions_on("2026-01-15").closed.get("PK-KHUNJERAB")  # closed December-March
    'khunjerab-winter'
    >>> "PK-KHUNJERAB" in conditions_on("2026-06-15").closed
    False
    """
    return _conditions_on(parse_depart(depart), tuple(dict.fromkeys(ignore)))


@cache
def _conditions_on(day: dt.date, ignore: tuple[str, ...]) -> Conditions:
    # Cached: the table is packaged and immutable, and a server plans the same dates often.
    t = conditions_table()
    known = set(t.loc[t["parameter"].isin(("close_node", "close_link")), "id"])
    unknown = sorted(set(ignore) - known)
    if unknown:
        msg = f"unknown disruptions {unknown}; choose from {sorted(known)}"
        raise ValueError(msg)
    closures = _closures(day)
    closed = {node: cid for cid, nodes in closures.items() if cid not in ignore for node in nodes}
    rows = _rows(day, lookahead_days=60)
    congestion = tuple(
        CongestionPeriod(
            condition=str(r["id"]),
            nodes=frozenset(str(r["target"]).split(";")),
            start=_date(r["start"], dt.date.min),
            end=_date(r["end"], dt.date.max),
            hours=float(r["value"]),
        )
        for _, r in rows[rows["parameter"] == "extra_wait_hours"].iterrows()
    )
    t = conditions_table()
    fraction = [0.0] * 12
    for _, r in t[t["parameter"] == "storm_season"].iterrows():
        value = math.nan if str(r["value"]) == "calibrated" else float(r["value"])
        for m in str(r["months"]).split(";"):
            if m.strip():
                fraction[int(m) - 1] = value
    length = t.loc[t["parameter"] == "storm_length", "value"]
    length_days = float(length.iloc[0]) if len(length) else 0.0
    through = {node: cid for cid, nodes in closures.items() if cid in ignore for node in nodes}
    return Conditions(
        day, closed, frozenset(ignore), congestion, tuple(fraction), length_days, through
    )
