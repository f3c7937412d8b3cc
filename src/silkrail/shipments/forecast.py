"""Arrival forecasts from a shipment's last confirmed event (docs/tracking.md).

The remaining journey is the part of the route after the last actual (``ACT``) event; its
time is drawn from the same random parts the planner uses for a route's percentiles
(:func:`~silkrail.routing.uncertainty.route_parts`, :func:`~silkrail.routing.uncertainty.draw_parts`
and :func:`~silkrail.routing.uncertainty.combine_draws`), with the conditions of the event's
date, and added to the event's time.

One difference from the planner, by default: running times are drawn per rail section,
independently (``running="section"``), as the corridor simulator draws a train's time on each
section, not one factor per national railway. The backtest against the simulator
(docs/tracking-validation.md) shows both; ``running="railway"`` gives the planner's draws.

Where on the route an event puts the container:

- ``ARRI`` or ``BCST`` at a node: arrived, the node's border processing and operations ahead;
- ``GTIN``, ``DISC``, ``LOAD``, ``GTOT`` or ``BCCO``: border processing done, the node's
  operations (gauge change, transfer) ahead;
- ``GCCO``: the gauge change done;
- ``DEPA``: left the node;
- any actual event at the destination other than ``DEPA`` there: arrived.

Until the train departs from the origin, the origin dwell of ordinary trains still applies.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from silkrail.routing.conditions import conditions_on
from silkrail.routing.service_classes import service_class
from silkrail.routing.uncertainty import (
    RUNNING,
    DelayParameters,
    RouteParts,
    draw_route_hours,
    draw_seed,
    route_parts,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail.network.model import CorridorNetwork
    from silkrail.routing.results import Leg
    from silkrail.shipments.events import ShipmentEvent
    from silkrail.shipments.shipment import Shipment

__all__ = [
    "FORECAST_DRAWS",
    "LATE_SLIP_HOURS",
    "Forecast",
    "forecast_shipment",
    "forecast_shipments",
    "is_late",
    "remaining_legs",
]

#: Monte Carlo draws of a forecast: half the planner's, as a forecast is made for every
#: shipment of every batch; the p5 and p95 of 1,000 draws are within about 0.07 standard
#: deviations of the exact percentiles (2 % of the p5–p95 width).
FORECAST_DRAWS = 1000

#: Default p50 slip (hours) against the forecast at departure that flags a shipment late.
LATE_SLIP_HOURS = 24.0

_BORDER_AHEAD = frozenset({"ARRI", "BCST"})
_OPS_AHEAD = frozenset({"GTIN", "DISC", "LOAD", "GTOT", "BCCO"})


@dataclass(frozen=True)
class Forecast:
    """An arrival forecast made after one event (or at planning, before any).

    Attributes
    ----------
    container
        The shipment.
    basis_event_id, basis_code, basis_location, basis_time
        The last confirmed event the forecast starts from (``""`` and the planned departure
        before any event).
    share_done
        Share of the route's expected hours behind the container (0 at the origin, 1 at the
        destination).
    p5, p50, p95
        Arrival date-times (UTC).
    next_location
        The next node the container is expected at (``""`` once arrived).
    next_p95
        95th percentile of the arrival at `next_location`; an event there later than this is
        overdue. ``None`` once arrived.
    arrived
        Whether an actual event at the destination has been seen.
    off_route
        Whether the basis event is at a node the route does not visit (the forecast then
        starts from the last event that was on the route).
    """

    container: str
    basis_event_id: str
    basis_code: str
    basis_location: str
    basis_time: dt.datetime
    share_done: float
    p5: dt.datetime
    p50: dt.datetime
    p95: dt.datetime
    next_location: str
    next_p95: dt.datetime | None
    arrived: bool
    off_route: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the forecast as a JSON-ready dict (ISO 8601 times)."""
        return {
            "basis_event_id": self.basis_event_id or None,
            "basis_code": self.basis_code or None,
            "basis_location": self.basis_location,
            "basis_time": self.basis_time.isoformat(),
            "share_done": round(self.share_done, 4),
            "p5": self.p5.isoformat(),
            "p50": self.p50.isoformat(),
            "p95": self.p95.isoformat(),
            "next_location": self.next_location or None,
            "next_p95": None if self.next_p95 is None else self.next_p95.isoformat(),
            "arrived": self.arrived,
            "off_route": self.off_route,
        }


@cache
def _packaged_params() -> DelayParameters:
    # Packaged data, immutable: read once per process (it costs ~1.5 ms, most of a forecast).
    # Without the planner's per-train delay factor: a forecast draws its parts as the
    # simulator runs them (per section, independent), and the simulator backtest is its only
    # check. The factor describes how trains differ before anything is known of them; a
    # train's events reveal much of it, which the forecast does not condition on yet.
    return replace(DelayParameters.packaged(), train_delay_cv=0.0)


class _RouteIndex:
    """Where on a route each node is met, so that placing an event costs a dict look-up."""

    def __init__(self, legs: Sequence[Leg]) -> None:
        self.legs = legs
        self.departs: dict[str, list[int]] = {}
        self.arrives: dict[str, list[int]] = {}
        self.gauges: dict[str, list[int]] = {}
        # Expected hours from each leg to the destination (the share of the route done).
        self.hours_from = [0.0] * (len(legs) + 1)
        for i in range(len(legs) - 1, -1, -1):
            self.hours_from[i] = self.hours_from[i + 1] + legs[i].hours
        for i, leg in enumerate(legs):
            if leg.kind == "travel":
                self.departs.setdefault(leg.from_id, []).append(i)
                self.arrives.setdefault(leg.to_id, []).append(i)
            elif leg.kind == "gauge change":
                self.gauges.setdefault(leg.to_id, []).append(i)

    def position(self, node: str, code: str, start: int) -> tuple[int, bool]:
        """Return the index of the first leg ahead (-1 off the route) and a pending border.

        The flag says whether the border processing of the leg before is still ahead. A node
        met more than once counts at its first visit from `start` on (else the first).
        """
        if code == "DEPA":
            return _first(self.departs.get(node), start), False
        if code == "GCCO":
            hit = _first(self.gauges.get(node), start)
            return (hit + 1 if hit >= 0 else -1), False
        if self.legs and self.legs[0].from_id == node:
            return 0, False
        hit = _first(self.arrives.get(node), start)
        if hit < 0:
            return -1, False
        return hit + 1, code in _BORDER_AHEAD and self.legs[hit].border_hours > 0

    def ahead(self, pos: int, pending: bool) -> tuple[Leg, ...]:
        """Return the legs from `pos` on, after the pending border processing if any."""
        legs = tuple(self.legs[pos:])
        if not pending:
            return legs
        # The border processing is part of the incoming leg's hours: only it remains.
        incoming = self.legs[pos - 1]
        rest = replace(incoming, hours=incoming.border_hours, wait_hours=0.0, distance_km=0.0)
        return (rest, *legs)

    def hours_ahead(self, pos: int, pending: bool) -> float:
        """Return the expected hours of :meth:`ahead`."""
        return self.hours_from[pos] + (self.legs[pos - 1].border_hours if pending else 0.0)


def _first(hits: list[int] | None, start: int) -> int:
    """Return the first index in `hits` at or after `start`, else the first one, else -1."""
    if not hits:
        return -1
    k = bisect_left(hits, start)
    return hits[k] if k < len(hits) else hits[0]


@dataclass(frozen=True)
class _Place:
    """Where a shipment's actual events put it (see :func:`remaining_legs`)."""

    pos: int
    pending: bool
    basis: ShipmentEvent | None
    departed: bool
    off_route: bool
    arrived: bool


def _place(shipment: Shipment, events: Sequence[ShipmentEvent], index: _RouteIndex) -> _Place:
    actual = sorted(
        (e for e in events if e.classifier == "ACT"), key=lambda e: (e.event_time, e.event_id)
    )
    basis: ShipmentEvent | None = None
    departed, off_route, pos, pending = False, False, 0, False
    for e in actual:
        if e.location == shipment.destination and e.code != "DEPA":
            return _Place(len(index.legs), False, e, True, False, True)
        at, border = index.position(e.location, e.code, pos)
        if at < 0:
            off_route = True
            continue
        off_route, pos, pending, basis = False, at, border, e
        departed = departed or at > 0 or e.code == "DEPA"
    return _Place(pos, pending, basis, departed, off_route, False)


def remaining_legs(
    shipment: Shipment, events: Sequence[ShipmentEvent]
) -> tuple[tuple[Leg, ...], ShipmentEvent | None, bool, bool]:
    """Return the legs ahead after the last actual event on the route.

    Parameters
    ----------
    shipment
        The shipment.
    events
        Its events (any order; estimated events are ignored).

    Returns
    -------
    legs
        The legs still ahead (a pending border processing first, as a leg of its own).
    basis
        The last actual event placed on the route, or None before any.
    departed
        Whether the container has left its origin.
    off_route
        Whether a later actual event was at a node the route does not visit.
    """
    index = _RouteIndex(shipment.route.legs)
    at = _place(shipment, events, index)
    if at.arrived:
        return (), at.basis, True, False
    return index.ahead(at.pos, at.pending), at.basis, at.departed, at.off_route


def forecast_shipment(
    shipment: Shipment,
    events: Sequence[ShipmentEvent],
    net: CorridorNetwork,
    *,
    params: DelayParameters | None = None,
    draws: int = FORECAST_DRAWS,
    seed: int | np.random.Generator | None = 0,
    running: str = "section",
) -> Forecast:
    """Forecast a shipment's arrival from its last actual event.

    Parameters
    ----------
    shipment
        The shipment (its route was planned on `net`).
    events
        Its events so far, in any order.
    net
        The corridor network.
    params
        Delay parameters (default: the packaged, calibrated ones, without the per-train
        factor).
    draws
        Monte Carlo draws.
    seed
        Seed or generator of the draws; the same seed gives the same forecast.
    running
        ``"section"``: running times drawn per rail section, independently (as the corridor
        simulator does); ``"railway"``: one factor per national railway (as the planner).

    Returns
    -------
    Forecast
        p5/p50/p95 arrival date-times and the next expected node.

    Raises
    ------
    ValueError
        If `running` is not ``"section"`` or ``"railway"``.

    Examples
    --------
    >>> import silkrail
    >>> from silkrail.shipments.shipment import plan_shipment
    >>> net = silkrail.load_network()
    >>> s = plan_shipment(net, "CSQU3054383", "Xi'an", "Duisburg", depart="2025-03-01T08:00Z")
    >>> f = forecast_shipment(s, [], net)
    >>> f.p5 < f.p50 < f.p95, f.next_location
    (True, 'CN-BAOJI')
    """
    return forecast_shipments(
        [(shipment, events)], net, params=params, draws=draws, seed=seed, running=running
    )[0]


def forecast_shipments(
    items: Sequence[tuple[Shipment, Sequence[ShipmentEvent]]],
    net: CorridorNetwork,
    *,
    params: DelayParameters | None = None,
    draws: int = FORECAST_DRAWS,
    seed: int | np.random.Generator | None = 0,
    running: str = "section",
) -> list[Forecast]:
    """Forecast several shipments' arrivals, each as :func:`forecast_shipment` would.

    Containers on the same route object at the same position with the same service, basis
    date and departure state (the containers of one train) get the same remaining-time
    draws, so those are computed once and added to each one's own event time; so are
    groups on other dates whose random parts are the same (no congestion period in reach,
    no Caspian sailing ahead). With an integer `seed` every forecast equals the one
    :func:`forecast_shipment` makes alone; with a generator, the draws are made in the
    order of `items` and none are shared.

    Parameters
    ----------
    items
        Pairs of a shipment and its events (any order).
    net
        The corridor network.
    params, draws, seed, running
        As for :func:`forecast_shipment`.

    Returns
    -------
    list of Forecast
        One per item, in order.

    Raises
    ------
    ValueError
        If `running` is not ``"section"`` or ``"railway"``.

    Examples
    --------
    >>> import silkrail
    >>> from dataclasses import replace
    >>> from silkrail.shipments.shipment import plan_shipment
    >>> net = silkrail.load_network()
    >>> s = plan_shipment(net, "CSQU3054383", "Xi'an", "Duisburg", depart="2025-03-01T08:00Z")
    >>> a, b = forecast_shipments([(s, []), (replace(s, container="MSCU1234565"), [])], net)
    >>> (a.p50 == b.p50, b.container)
    (True, 'MSCU1234565')
    """
    if running not in RUNNING:
        msg = f"unknown running {running!r}; choose one of {RUNNING}"
        raise ValueError(msg)
    params = _packaged_params() if params is None else params
    # Route objects are immutable and the store hands out one per distinct route: index each
    # once, and key the shared draws on its identity instead of hashing its legs.
    indexes: dict[int, _RouteIndex] = {}
    memo: dict[tuple[Any, ...], tuple[Any, ...]] | None = {} if isinstance(seed, int) else None
    # Groups whose random parts are equal (another day, same legs and no dated condition on
    # them) draw the same hours: keyed by the parts themselves.
    draws_memo: dict[tuple[Any, ...], tuple[float, ...]] = {}
    out = []
    for shipment, events in items:
        route = shipment.route
        index = indexes.get(id(route))
        if index is None:
            index = indexes[id(route)] = _RouteIndex(route.legs)
        at = _place(shipment, events, index)
        basis = at.basis
        when = shipment.depart if basis is None else basis.event_time
        common: dict[str, Any] = {
            "container": shipment.container,
            "basis_event_id": "" if basis is None else basis.event_id,
            "basis_code": "" if basis is None else basis.code,
            "basis_location": shipment.origin if basis is None else basis.location,
            "basis_time": when,
            "off_route": at.off_route,
        }
        if at.arrived or (at.pos >= len(index.legs) and not at.pending):
            out.append(
                Forecast(
                    **common,
                    share_done=1.0,
                    p5=when,
                    p50=when,
                    p95=when,
                    next_location="",
                    next_p95=None,
                    arrived=True,
                )
            )
            continue
        # Everything the draws depend on besides the options common to the call. A date with
        # no dated condition in reach (no congestion period) gives the same parts as any
        # other such date; if the legs ahead have no Caspian sailing (storm months), also
        # the same draws: such results are kept under the date None as well.
        day = when.date()
        key = (id(route), at.pos, at.pending, shipment.service, at.departed)
        hit = None if memo is None else memo.get((*key, day))
        if hit is None and memo is not None and not conditions_on(day).congestion:
            hit = memo.get((*key, None))
        if hit is None:
            ahead = index.ahead(at.pos, at.pending)
            hours, any_date = _remaining_hours(
                shipment,
                ahead,
                net,
                day,
                at.departed,
                params,
                draws,
                seed,
                running,
                None if memo is None else draws_memo,
            )
            first = next(leg for leg in ahead if leg.kind == "travel")
            hit = (*hours, first.to_id)
            if memo is not None:
                memo[(*key, day)] = hit
                if any_date:
                    memo[(*key, None)] = hit
        p5, p50, p95, next_p95, next_location = hit
        share = 1.0 - index.hours_ahead(at.pos, at.pending) / (index.hours_from[0] or 1.0)
        out.append(
            Forecast(
                **common,
                share_done=min(max(share, 0.0), 1.0),
                p5=when + dt.timedelta(hours=p5),
                p50=when + dt.timedelta(hours=p50),
                p95=when + dt.timedelta(hours=p95),
                next_location=next_location,
                next_p95=when + dt.timedelta(hours=next_p95),
                arrived=False,
            )
        )
    return out


def _remaining_hours(
    shipment: Shipment,
    ahead: tuple[Leg, ...],
    net: CorridorNetwork,
    date: dt.date,
    departed: bool,
    params: DelayParameters,
    draws: int,
    seed: int | np.random.Generator | None,
    running: str,
    memo: dict[tuple[Any, ...], tuple[float, ...]] | None = None,
) -> tuple[tuple[float, ...], bool]:
    """Return p5, p50, p95 of the hours ahead and p95 to the next node; and if any date will do.

    The flag says whether the hours hold for any date without congestion periods. With a
    `memo` (an integer `seed` only) the draws are looked up by their random parts: equal
    parts with the same seed give equal draws, whatever the date they came from.
    """
    cls = service_class(net, shipment.service)
    conditions = conditions_on(date)
    dwell = not departed and cls.origin_dwell_factor > 0
    factor = cls.origin_dwell_factor if dwell else 0.0
    first = next(i for i, leg in enumerate(ahead) if leg.kind == "travel")
    parts = [
        route_parts(
            replace(shipment.route, legs=legs),
            cls.network,
            conditions,
            queue_priority=cls.queue_priority,
            origin_dwell=dwell,
            running=running,
        )
        for legs in (ahead, ahead[: first + 1])
    ]
    # Beyond the parts, draws depend on the date only through Caspian storm months; the
    # parts, only through congestion periods.
    caspian = any(p.sail_caspian.any() for p in parts)
    any_date = not caspian and not conditions.congestion
    key = None
    if memo is not None:
        key = (*map(_parts_key, parts), factor, date if caspian else None)
        hit = memo.get(key)
        if hit is not None:
            return hit, any_date
    # One seed for both: the legs ahead and the next leg share their first parts' draws.
    stream = draw_seed(seed)
    hours = [
        draw_route_hours(p, params, conditions, dwell_factor=factor, draws=draws, seed=stream)
        for p in parts
    ]
    p5, p50, p95 = np.percentile(hours[0], [5, 50, 95])
    out = float(p5), float(p50), float(p95), float(np.percentile(hours[1], 95))
    if key is not None and memo is not None:
        memo[key] = out
    return out, any_date


def _parts_key(parts: RouteParts) -> tuple[Any, ...]:
    """Return a hashable value equal for equal parts (arrays by their bytes)."""
    values = (getattr(parts, f.name) for f in fields(parts))
    return tuple(v.tobytes() if isinstance(v, np.ndarray) else v for v in values)


def is_late(
    history: Sequence[Forecast],
    *,
    now: dt.datetime,
    slip_hours: float = LATE_SLIP_HOURS,
) -> list[str]:
    """Return why a shipment is late (empty when it is not).

    Two rules: the latest p50 is more than `slip_hours` after the p50 of the forecast at
    departure (the first made from a ``DEPA`` event, else the first forecast), and the next
    expected event is overdue: `now` is past its p95 with no event since.

    Parameters
    ----------
    history
        The shipment's forecasts, oldest first.
    now
        The current time (UTC).
    slip_hours
        The slip that counts as late.

    Returns
    -------
    list of str
        Reasons, e.g. ``["p50 slipped 31.0 h since departure"]``.
    """
    if not history:
        return []
    latest = history[-1]
    reference = next((f for f in history if f.basis_code == "DEPA"), history[0])
    reasons = []
    slip = (latest.p50 - reference.p50).total_seconds() / 3600.0
    if slip > slip_hours:
        reasons.append(f"p50 slipped {slip:.1f} h since departure")
    if not latest.arrived and latest.next_p95 is not None and now > latest.next_p95:
        late_h = (now - latest.next_p95).total_seconds() / 3600.0
        reasons.append(f"event at {latest.next_location} overdue by {late_h:.1f} h beyond its p95")
    return reasons
