"""``POST /flows`` and ``GET /flows/{id}``: corridor-flow equilibrium jobs.

A job solves the packaged 2024 base year and, with a scenario, the scenario
(:func:`silkrail.studies.flow_study.run_flow_study`), in one worker thread of the server
process; the answer is the JSON of ``silkrail flows --json``. Jobs and their results are kept
in memory (the last :data:`KEEP` of them): a restart forgets them. At most :data:`MAX_QUEUED`
jobs wait or run at once; beyond that the answer is 429.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

import silkrail
from silkrail.service._errors import ApiError
from silkrail.service._jobs import _invalid_scenario
from silkrail.service.deps import NetworkDep  # noqa: TC001 - FastAPI reads it at runtime
from silkrail.service.schemas import ErrorBody

__all__ = ["router"]

router = APIRouter(prefix="/flows", tags=["flows"])

#: Jobs waiting or running at once.
MAX_QUEUED = 4
#: Finished jobs remembered.
KEEP = 32


class FlowRequest(BaseModel):
    """A flows job: the base year, and a scenario against it."""

    model_config = ConfigDict(extra="forbid")

    scenario: dict[str, Any] | None = Field(
        default=None,
        description=(
            "A scenario in the JSON form of a YAML scenario file (docs/flows.md): closures, "
            "capacity, demand growth and a `flows` section (sea_rate_factor, "
            "rail_tariff_factor, through_disruptions, depart)."
        ),
    )


class FlowJob(BaseModel):
    """A flows job's status and, once done, its result."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    created_at: str
    finished_at: str | None = None
    error: str | None = None
    result: dict[str, Any] | None = Field(
        default=None,
        description="As `silkrail flows --json`: `baseline` and `scenario` markets, corridors, "
        "stations, the relative gap per iteration and warnings.",
    )


class _Registry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="silkrail-flows")

    def active(self) -> int:
        return sum(1 for j in self.jobs.values() if j["status"] in ("queued", "running"))

    def trim(self) -> None:
        done = [k for k, j in self.jobs.items() if j["status"] in ("done", "failed")]
        for k in done[: max(0, len(done) - KEEP)]:
            del self.jobs[k]


_REGISTRY = _Registry()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _run(job_id: str, net: silkrail.CorridorNetwork, spec: Any) -> None:
    from silkrail.studies.flow_study import run_flow_study
    from silkrail.studies.flow_tables import study_json

    reg = _REGISTRY
    with reg.lock:
        reg.jobs[job_id]["status"] = "running"
    try:
        study = run_flow_study(net, spec)
        result, status, error = study_json(study, net), "done", None
    except silkrail.SilkrailError as exc:
        result, status, error = None, "failed", str(exc)
    except Exception as exc:  # a bug: the job fails with a one-line reason, the server lives
        result, status, error = None, "failed", f"internal error: {type(exc).__name__}"
    with reg.lock:
        reg.jobs[job_id].update(status=status, result=result, error=error, finished_at=_now())
        reg.trim()


@router.post(
    "",
    status_code=202,
    response_model=FlowJob,
    summary="Start a corridor-flows job",
    responses={
        202: {"description": "Accepted: the job, queued or running; poll its `Location`."},
        400: {"model": ErrorBody, "description": "The body is not UTF-8 JSON."},
        413: {"model": ErrorBody, "description": "The body is larger than the limit."},
        422: {"model": ErrorBody, "description": "An invalid field or scenario."},
        429: {"model": ErrorBody, "description": "Too many flows jobs waiting or running."},
        503: {"model": ErrorBody, "description": "The network cannot be loaded."},
    },
)
async def post_flows(
    req: FlowRequest, state: NetworkDep, request: Request, response: Response
) -> dict[str, Any]:
    """Solve the corridor equilibrium of the 2024 base year and, with a scenario, of it.

    The scenario is checked before the answer (422 naming every problem); the job then runs in
    the background.
    """
    from silkrail.simulation import scenario_from_dict

    spec = None
    if req.scenario is not None:
        try:
            spec = scenario_from_dict(req.scenario, source="scenario")
        except silkrail.ScenarioError as exc:
            raise _invalid_scenario(exc) from None
    reg = _REGISTRY
    with reg.lock:
        if reg.active() >= MAX_QUEUED:
            raise ApiError(
                429,
                "too_many_jobs",
                f"{MAX_QUEUED} flows jobs are waiting or running; try again later",
                headers={"Retry-After": "30"},
            )
        job_id = uuid.uuid4().hex
        reg.jobs[job_id] = {
            "id": job_id,
            "status": "queued",
            "created_at": _now(),
            "finished_at": None,
            "error": None,
            "result": None,
        }
        view = dict(reg.jobs[job_id])
    reg.pool.submit(_run, job_id, state.net, spec)
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{job_id}"
    return view


@router.get(
    "/{job_id}",
    response_model=FlowJob,
    summary="Status and result of a corridor-flows job",
    responses={404: {"model": ErrorBody, "description": "No such job (or forgotten)."}},
)
async def get_flows(job_id: str = Path(max_length=64)) -> dict[str, Any]:
    """Return a flows job: its status, and its result once done."""
    with _REGISTRY.lock:
        job = _REGISTRY.jobs.get(job_id)
        if job is None:
            raise ApiError(404, "not_found", f"no flows job {job_id!r} (ids are 32 hex digits)")
        return dict(job)
