"""``/shipments``: track containers by their events, with arrival forecasts (docs/tracking.md).

Writes need an API key with the ``write`` scope (``X-API-Key`` header); reads are open unless
the service runs ``--private``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status

import silkrail
from silkrail.errors import ShipmentDataError, UnknownShipmentError
from silkrail.service._errors import ApiError
from silkrail.service.deps import (
    NetworkDep,
    ReadAccess,
    StoreDep,
    WriteAccess,
)
from silkrail.service.schemas import (
    ErrorBody,
    EventIn,
    IngestOut,
    ShipmentCreate,
    ShipmentList,
    ShipmentOut,
)
from silkrail.shipments import (
    LATE_SLIP_HOURS,
    events_from_records,
    ingest_events,
    late_shipments,
    plan_shipment,
    register,
    validate_container,
)
from silkrail.shipments import status as shipment_status

__all__ = ["router"]

router = APIRouter(prefix="/shipments", tags=["shipments"])

_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No API key."},
    403: {"model": ErrorBody, "description": "An invalid key, or one without the scope."},
    503: {"model": ErrorBody, "description": "The shipments store or network is unavailable."},
}
_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not UTF-8 JSON."},
    413: {"model": ErrorBody, "description": "The body is larger than the limit."},
}


def _problems(exc: ShipmentDataError, field_prefix: str) -> ApiError:
    errors = [
        {
            "field": ".".join(
                str(x) for x in (field_prefix, p.row, p.column) if x not in (None, "")
            ),
            "message": f"value {p.value!r}: {p.rule}",
        }
        for p in exc.problems
    ]
    said = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return ApiError(422, "invalid_event", said, field=errors[0]["field"], extra={"errors": errors})


def _container(shipment_id: str) -> str:
    try:
        return validate_container(shipment_id)
    except ValueError as exc:
        raise ApiError(422, "invalid_container", str(exc), field="shipment_id") from exc


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ShipmentOut,
    summary="Add a shipment",
    dependencies=[WriteAccess],
    responses={
        **_AUTH,
        **_BODY,
        422: {"model": ErrorBody, "description": "Invalid container, place or no route."},
    },
)
def post_shipment(req: ShipmentCreate, state: NetworkDep, store: StoreDep) -> dict[str, Any]:
    """Add a shipment: its route is planned (through `via`) and its arrival forecast."""
    try:
        shipment = plan_shipment(
            state.net,
            req.container,
            req.origin,
            req.destination,
            depart=req.depart,
            via=req.via,
            service=req.service,
        )
    except ShipmentDataError as exc:
        raise _problems(exc, "body") from exc
    except silkrail.UnknownLocationError as exc:
        raise ApiError(
            422, "unknown_location", str(exc), extra={"suggestions": list(exc.suggestions)}
        ) from exc
    except silkrail.NoRouteError as exc:
        raise ApiError(422, "no_route", str(exc), extra={"blocking": list(exc.blocking)}) from exc
    register(store, shipment, state.net)
    return shipment_status(store, shipment.container).to_dict()


@router.post(
    "/{shipment_id}/events",
    response_model=IngestOut,
    summary="Add events (one or a batch)",
    dependencies=[WriteAccess],
    responses={
        **_AUTH,
        **_BODY,
        404: {"model": ErrorBody, "description": "No such shipment."},
        422: {"model": ErrorBody, "description": "Invalid events: every problem, nothing stored."},
    },
)
def post_events(
    shipment_id: str, body: EventIn | list[EventIn], state: NetworkDep, store: StoreDep
) -> dict[str, int]:
    """Add one event or a batch: stored whole or not at all; known event ids are skipped.

    After the batch, the arrival is forecast again from the latest actual event.
    """
    container = _container(shipment_id)
    items = body if isinstance(body, list) else [body]
    records = [{**e.model_dump(), "container": e.container or container} for e in items]
    try:
        store.shipment(container)
        events = events_from_records(records, state.net, source="body", first_row=0)
        wrong = [i for i, e in enumerate(events) if e.container != container]
        if wrong:
            msg = f"body.{wrong[0]}.container: events must be of shipment {container}"
            raise ApiError(422, "invalid_event", msg, field=f"body.{wrong[0]}.container")
        result = ingest_events(store, events, state.net, source="body")
    except UnknownShipmentError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    except ShipmentDataError as exc:
        raise _problems(exc, "") from exc
    return result.to_dict()


@router.get(
    "/{shipment_id}",
    response_model=ShipmentOut,
    summary="A shipment's events, position and forecast",
    dependencies=[ReadAccess],
    responses={**_AUTH, 404: {"model": ErrorBody, "description": "No such shipment."}},
)
def get_shipment(
    shipment_id: str,
    store: StoreDep,
    slip_hours: float = Query(LATE_SLIP_HOURS, ge=0, le=24 * 365),
) -> dict[str, Any]:
    """Return events (by event time), position, latest forecast, its history and late flags."""
    container = _container(shipment_id)
    try:
        return shipment_status(store, container, slip_hours=slip_hours).to_dict()
    except UnknownShipmentError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc


@router.get(
    "",
    response_model=ShipmentList,
    summary="List shipments",
    dependencies=[ReadAccess],
    responses=_AUTH,
)
def list_shipments(
    store: StoreDep,
    late: bool | None = Query(None, description="true: only late; false: only on time."),
    slip_hours: float = Query(LATE_SLIP_HOURS, ge=0, le=24 * 365),
) -> dict[str, Any]:
    """List shipments, optionally only the late ones (p50 slip or an overdue event)."""
    rows = late_shipments(store, slip_hours=slip_hours, late=late)
    return {"shipments": [r.to_dict() for r in rows]}
