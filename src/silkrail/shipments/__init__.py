"""Shipments: container events after DCSA Track & Trace, a store, arrival forecasts.

* :mod:`~silkrail.shipments.events` — the event model, ISO 6346 check digits, validation;
* :func:`read_events_csv` — operators' CSV exports;
* :class:`ShipmentStore` — SQLite or PostgreSQL, Alembic migrations, idempotent batches;
* :func:`forecast_shipment` — p5/p50/p95 arrival from the last actual event, with the
  planner's per-element distributions and conditions by date (:func:`forecast_shipments`
  for many at once, the containers of one train sharing one computation);
* :func:`ingest_events`, :func:`status`, :func:`late_shipments` — what the CLI
  (``silkrail track``) and the service (``/api/v1/shipments``) call.
"""

from __future__ import annotations

from silkrail.shipments.events import (
    CLASSIFIERS,
    EVENT_CODES,
    EVENT_FIELDS,
    MODES,
    ShipmentEvent,
    check_digit,
    events_from_records,
    validate_container,
)
from silkrail.shipments.forecast import (
    LATE_SLIP_HOURS,
    Forecast,
    forecast_shipment,
    forecast_shipments,
    is_late,
)
from silkrail.shipments.importer import read_events_csv
from silkrail.shipments.shipment import Shipment, plan_shipment
from silkrail.shipments.store import SCOPES, ShipmentStore, default_database_url
from silkrail.shipments.tracker import (
    IngestResult,
    ShipmentStatus,
    ingest_events,
    late_shipments,
    register,
    status,
)

__all__ = [
    "CLASSIFIERS",
    "EVENT_CODES",
    "EVENT_FIELDS",
    "LATE_SLIP_HOURS",
    "MODES",
    "SCOPES",
    "Forecast",
    "IngestResult",
    "Shipment",
    "ShipmentEvent",
    "ShipmentStatus",
    "ShipmentStore",
    "check_digit",
    "default_database_url",
    "events_from_records",
    "forecast_shipment",
    "forecast_shipments",
    "ingest_events",
    "is_late",
    "late_shipments",
    "plan_shipment",
    "read_events_csv",
    "register",
    "status",
    "validate_container",
]
