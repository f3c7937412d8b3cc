"""``POST /plan``: routes between two places, in the ``silkrail plan --json`` layout."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

import silkrail
from silkrail.service._errors import ApiError
from silkrail.service._payload import Payload
from silkrail.service.deps import (  # noqa: TC001 - FastAPI reads them at runtime
    NetworkDep,
    SettingsDep,
)
from silkrail.service.schemas import ErrorBody, PlanRequest, PlanResponse, Settings

if TYPE_CHECKING:
    from silkrail.service._state import NetworkState

__all__ = ["router"]

router = APIRouter(prefix="/plan", tags=["plan"])

# Words in the planner's ValueError messages that tell which request field is at fault.
_FIELD_HINTS = (
    ("country code", "avoid_countries"),
    ("origin and destination", "destination"),
    ("modes", "modes"),
    ("max_transshipments", "max_transshipments"),
    ("cargo_tonnes", "cargo_tonnes"),
    ("value_of_time", "value_of_time"),
    ("max_routes", "max_routes"),
    ("container", "container"),
    ("unknown disruptions", "through_disruptions"),
    ("depart", "depart"),
    ("unknown service", "service"),
)


# The planner words its messages for the CLI; the API names its own fields instead.
_FLAGS = (
    ("--avoid-country", "avoid_countries"),
    ("--avoid-node", "avoid_nodes"),
    ("--via", "via"),
    ("--modes", "modes"),
    ("--max-transshipments", "max_transshipments"),
    ("--include-planned", "include_planned"),
)


def _api_words(message: str) -> str:
    for flag, field in _FLAGS:
        message = message.replace(flag, field)
    return message


#: Most place names remembered per network (a bound on the memory a client can fill).
MAX_PLACES = 4096


def _resolve(state: NetworkState, name: str, field: str) -> str:
    """Return the node id of `name`, or raise a 422 naming `field`."""
    hit = state.places.get(name)
    if hit is not None:
        return hit
    try:
        node = silkrail.locate(state.net, name).id
    except silkrail.UnknownLocationError as exc:
        raise ApiError(
            422,
            "unknown_location",
            f"{field}: {exc}",
            field=field,
            extra={"suggestions": list(exc.suggestions)},
        ) from exc
    if len(state.places) >= MAX_PLACES:
        state.places.clear()
    state.places[name] = node
    return node


def check_plan_limits(req: PlanRequest, settings: Settings) -> None:
    """Raise a 422 naming the limit if `req` asks for more than this service allows.

    Parameters
    ----------
    req
        The request.
    settings
        The served limits.

    Raises
    ------
    ApiError
        422 ``validation_error`` naming ``via`` or ``max_routes``.
    """
    if len(req.via) > settings.plan_max_via:
        msg = (
            f"via: {len(req.via)} places is over this service's limit of "
            f"{settings.plan_max_via} (each one adds a stage to the route search)"
        )
        raise ApiError(422, "validation_error", msg, field="via")
    if req.max_routes > settings.plan_max_routes:
        msg = (
            f"max_routes: {req.max_routes} is over this service's limit of "
            f"{settings.plan_max_routes}"
        )
        raise ApiError(422, "validation_error", msg, field="max_routes")


def _plan(state: NetworkState, req: PlanRequest, max_labels: int) -> Payload:
    net = state.net
    origin = _resolve(state, req.origin, "origin")
    destination = _resolve(state, req.destination, "destination")
    avoid_nodes = [_resolve(state, n, f"avoid_nodes.{i}") for i, n in enumerate(req.avoid_nodes)]
    via = [_resolve(state, n, f"via.{i}") for i, n in enumerate(req.via)]
    try:
        result = silkrail.plan(
            net,
            origin,
            destination,
            avoid_countries=req.avoid_countries,
            avoid_nodes=avoid_nodes,
            via=via,
            modes=req.modes,
            max_transshipments=req.max_transshipments,
            container=req.container,
            cargo_tonnes=req.cargo_tonnes,
            value_of_time=req.value_of_time,
            include_planned=req.include_planned,
            max_routes=req.max_routes,
            compare=req.compare,
            variants=req.variants,
            service=req.service,
            depart=req.depart,
            through_disruptions=req.through_disruptions,
            seed=req.seed,
            # A long-running server pays numba's start-up once; compiled plans take ~5 ms.
            compiled=True,
            max_labels=max_labels,
        )
    except silkrail.SearchBudgetError as exc:
        msg = (
            f"this request needs more route search than this service allows (a budget of "
            f"{exc.limit:,} labels, SILKRAIL_PLAN_MAX_LABELS); ask for fewer via places or "
            "fewer routes, or add constraints"
        )
        raise ApiError(422, "search_budget", msg, extra={"limit": exc.limit}) from exc
    except silkrail.NoRouteError as exc:
        message = _api_words(str(exc))
        raise ApiError(422, "no_route", message, extra={"blocking": list(exc.blocking)}) from exc
    except silkrail.UnknownLocationError as exc:  # pragma: no cover - resolved above
        raise ApiError(422, "unknown_location", str(exc)) from exc
    except ValueError as exc:
        message = _api_words(str(exc))
        field = next((f for hint, f in _FIELD_HINTS if hint in message), None)
        raise ApiError(422, "invalid_option", message, field=field) from exc
    body = json.dumps(result.to_dict(legs=req.legs), ensure_ascii=False, separators=(",", ":"))
    return Payload.of(body.encode())


def _slots(request: Request, size: int) -> asyncio.Semaphore:
    """Return the app's semaphore of planner slots (made on first use, in the event loop)."""
    slots = getattr(request.app.state, "plan_slots", None)
    if not isinstance(slots, asyncio.Semaphore):
        slots = asyncio.Semaphore(size)
        request.app.state.plan_slots = slots
    return slots


@router.post(
    "",
    response_model=PlanResponse,
    summary="Plan routes",
    responses={
        400: {"model": ErrorBody, "description": "The body is not UTF-8 JSON."},
        413: {"model": ErrorBody, "description": "The body is larger than the limit."},
        422: {
            "model": ErrorBody,
            "description": (
                "An invalid field or a value over the service's limits, an unknown location "
                "(with `suggestions`), no route satisfying the constraints (`code` = "
                "`no_route`, with `blocking`), or a request whose route search would exceed "
                "the service's budget (`code` = `search_budget`)."
            ),
        },
        503: {"model": ErrorBody, "description": "The network cannot be loaded."},
    },
)
async def post_plan(
    req: PlanRequest, state: NetworkDep, settings: SettingsDep, request: Request
) -> Response:
    """Plan container routes: the Pareto set over transit time, cost and CO2e.

    Takes the arguments and options of ``silkrail plan`` and answers in its ``--json``
    layout (docs/cli.md): routes best first by generalized cost, each with transit days
    (p50, p95, mean), cost, CO2e, distance, borders, transshipments, countries, nodes and
    the leg-by-leg breakdown. Places are matched by id, name or alias in any script.
    Each request has a search budget (``SILKRAIL_PLAN_MAX_*``, docs/service.md), so that no
    plan takes more than about a second of server time.
    """
    check_plan_limits(req, settings)
    key = req.model_dump_json()
    payload = state.plans.get(key)
    if payload is None:
        # The planner is CPU work: off the event loop, so that cache hits keep flowing, and
        # at most `plan_max_concurrent` at a time, so that the loop keeps its share of the CPU.
        async with _slots(request, settings.plan_max_concurrent):
            payload = await run_in_threadpool(_plan, state, req, settings.plan_max_labels)
        state.plans.put(key, payload)
    body, headers = payload.pick(request)
    return Response(body, media_type="application/json", headers=headers)
