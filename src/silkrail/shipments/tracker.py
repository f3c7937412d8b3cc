"""Tracking: store events, forecast after them, and report status (the CLI's and API's core)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from silkrail.shipments.forecast import (
    LATE_SLIP_HOURS,
    Forecast,
    forecast_shipment,
    forecast_shipments,
    is_late,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail.network.model import CorridorNetwork
    from silkrail.shipments.events import ShipmentEvent
    from silkrail.shipments.shipment import Shipment
    from silkrail.shipments.store import ShipmentStore

__all__ = [
    "IngestResult",
    "ShipmentStatus",
    "ingest_events",
    "late_shipments",
    "register",
    "status",
]


@dataclass(frozen=True)
class IngestResult:
    """What a batch did: events stored, duplicates skipped, forecasts made."""

    stored: int
    duplicates: int
    forecasts: int

    def to_dict(self) -> dict[str, int]:
        """Return the counts as a dict."""
        return {"stored": self.stored, "duplicates": self.duplicates, "forecasts": self.forecasts}


@dataclass(frozen=True)
class ShipmentStatus:
    """A shipment with its events, position, latest forecast, forecast history and late flags."""

    shipment: Shipment
    events: tuple[ShipmentEvent, ...]
    forecast: Forecast | None
    history: tuple[Forecast, ...]
    late: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the status as a JSON-ready dict."""
        f = self.forecast
        return {
            **self.shipment.to_dict(),
            "position": None
            if f is None
            else {"node": f.basis_location, "share_done": round(f.share_done, 4)},
            "late": bool(self.late),
            "late_reasons": list(self.late),
            "forecast": None if f is None else f.to_dict(),
            "events": [e.to_dict() for e in self.events],
            "forecast_history": [h.to_dict() for h in self.history],
        }


def register(store: ShipmentStore, shipment: Shipment, net: CorridorNetwork) -> bool:
    """Store a new shipment and its forecast at planning; return False if it existed.

    Parameters
    ----------
    store
        The store.
    shipment
        The shipment (:func:`~silkrail.shipments.shipment.plan_shipment`).
    net
        The network its route was planned on.

    Returns
    -------
    bool
        Whether it was new.
    """
    created = store.add_shipment(shipment)
    if created:
        store.add_forecast(forecast_shipment(shipment, [], net))
    return created


def ingest_events(
    store: ShipmentStore,
    events: Sequence[ShipmentEvent],
    net: CorridorNetwork,
    *,
    source: str = "<batch>",
    forecast: bool = True,
    every_event: bool = False,
) -> IngestResult:
    """Store a batch (whole or nothing), then forecast each shipment it brought events for.

    By default each shipment with new actual events gets one forecast per batch, from its
    latest actual event on the route (all in one
    :func:`~silkrail.shipments.forecast.forecast_shipments` call: the containers of one train
    share one computation) (its events stored before or in the batch place the
    container, from the basis of its latest forecast on:
    :meth:`~silkrail.shipments.store.ShipmentStore.recent_actual_events`); the history keeps
    one forecast per basis event, so a batch whose new events are all older than the latest
    one adds none. With `every_event`, a forecast is made after each new actual event that
    is not older than the shipment's actual events stored before (in event-time order, each
    from the events up to it).

    Parameters
    ----------
    store
        The store.
    events
        Validated events.
    net
        The network.
    source
        Name of the batch for messages.
    forecast
        Whether to forecast after storing.
    every_event
        Forecast after each new event instead of once per shipment and batch (slower: a
        bulk import of n events makes n forecasts).

    Returns
    -------
    IngestResult
        Counts.

    Raises
    ------
    ShipmentDataError
        If an event's container has no shipment (nothing is stored).
    """
    new = store.add_events(events, source=source)
    touched = sorted({e.container for e in new if e.classifier == "ACT"})
    if not forecast or not touched:
        return IngestResult(len(new), len(events) - len(new), 0)
    actual = store.recent_actual_events(touched)
    shipments = store.shipments(touched)
    new_ids = {e.event_id for e in new}
    items: list[tuple[Shipment, Sequence[ShipmentEvent]]] = []
    for c in touched:
        shipment, stored = shipments[c], actual[c]
        if not every_event:
            items.append((shipment, stored))
            continue
        before = [e for e in stored if e.event_id not in new_ids]
        since = before[-1].event_time if before else None
        items += [
            (shipment, stored[: k + 1])
            for k, e in enumerate(stored)
            if e.event_id in new_ids and (since is None or e.event_time >= since)
        ]
    # One call: the containers of one train share their remaining-time draws.
    fresh = forecast_shipments(items, net)
    return IngestResult(len(new), len(events) - len(new), store.add_forecasts(fresh))


def status(
    store: ShipmentStore,
    container: str,
    *,
    now: dt.datetime | None = None,
    slip_hours: float = LATE_SLIP_HOURS,
) -> ShipmentStatus:
    """Return a shipment's status.

    Raises
    ------
    UnknownShipmentError
        If there is no such shipment.
    """
    shipment = store.shipment(container)
    history = store.forecasts(container)
    now = dt.datetime.now(dt.UTC) if now is None else now
    return ShipmentStatus(
        shipment=shipment,
        events=tuple(store.events(container)),
        forecast=history[-1] if history else None,
        history=tuple(history),
        late=tuple(is_late(history, now=now, slip_hours=slip_hours)),
    )


def late_shipments(
    store: ShipmentStore,
    *,
    now: dt.datetime | None = None,
    slip_hours: float = LATE_SLIP_HOURS,
    late: bool | None = None,
) -> list[ShipmentStatus]:
    """Return the status of every shipment, or only the late (or on-time) ones.

    Parameters
    ----------
    store
        The store.
    now
        The current time (default: now, UTC).
    slip_hours
        p50 slip that counts as late.
    late
        True: only late shipments; False: only on-time ones; None: all.

    Returns
    -------
    list of ShipmentStatus
        By container number.
    """
    out = []
    for s in store.list_shipments():
        st = status(store, s.container, now=now, slip_hours=slip_hours)
        if late is None or bool(st.late) == late:
            out.append(st)
    return out
