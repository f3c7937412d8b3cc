"""``POST /plan``: routes between two places, in the ``silkrail plan --json`` layout."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

import silkrail
from silkrail.service._errors import ApiError
from silkrail.service._payload import Payload
from silkrail.service.deps import NetworkDep  # noqa: TC001 - FastAPI reads it at runtime
from silkrail.service.schemas import ErrorBody, PlanRequest, PlanResponse

if TYPE_CHECKING:
    from silkrail import CorridorNetwork

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


def _resolve(net: CorridorNetwork, name: str, field: str) -> str:
    """Return the node id of `name`, or raise a 422 naming `field`."""
    try:
        return silkrail.locate(net, name).id
    except silkrail.UnknownLocationError as exc:
        raise ApiError(
            422,
            "unknown_location",
            f"{field}: {exc}",
            field=field,
            extra={"suggestions": list(exc.suggestions)},
        ) from exc


def _plan(net: CorridorNetwork, req: PlanRequest) -> Payload:
    origin = _resolve(net, req.origin, "origin")
    destination = _resolve(net, req.destination, "destination")
    avoid_nodes = [_resolve(net, n, f"avoid_nodes.{i}") for i, n in enumerate(req.avoid_nodes)]
    via = [_resolve(net, n, f"via.{i}") for i, n in enumerate(req.via)]
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
        )
    except silkrail.NoRouteError as exc:
        message = _api_words(str(exc))
        raise ApiError(422, "no_route", message, extra={"blocking": list(exc.blocking)}) from exc
    except silkrail.UnknownLocationError as exc:  # pragma: no cover - resolved above
        raise ApiError(422, "unknown_location", str(exc)) from exc
    except ValueError as exc:
        message = _api_words(str(exc))
        field = next((f for hint, f in _FIELD_HINTS if hint in message), None)
        raise ApiError(422, "invalid_option", message, field=field) from exc
    body = json.dumps(result.to_dict(legs=True), ensure_ascii=False, separators=(",", ":"))
    return Payload.of(body.encode())


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
                "An invalid field, an unknown location (with `suggestions`) or no route "
                "satisfying the constraints (`code` = `no_route`, with `blocking`)."
            ),
        },
        503: {"model": ErrorBody, "description": "The network cannot be loaded."},
    },
)
async def post_plan(req: PlanRequest, state: NetworkDep, request: Request) -> Response:
    """Plan container routes: the Pareto set over transit time, cost and CO2e.

    Takes the arguments and options of ``silkrail plan`` and answers in its ``--json``
    layout (docs/cli.md): routes best first by generalized cost, each with transit days
    (p50, p95, mean), cost, CO2e, distance, borders, transshipments, countries, nodes and
    the leg-by-leg breakdown. Places are matched by id, name or alias in any script.
    """
    key = req.model_dump_json()
    payload = state.plans.get(key)
    if payload is None:
        # The planner is CPU work: off the event loop, so that cache hits keep flowing.
        payload = await run_in_threadpool(_plan, state.net, req)
        state.plans.put(key, payload)
    body, headers = payload.pick(request)
    return Response(body, media_type="application/json", headers=headers)
