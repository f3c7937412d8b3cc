"""``POST /flows`` and ``GET /flows/{id}``: corridor-flow equilibrium jobs.

A job solves the packaged 2024 base year and, with a scenario, the scenario
(:func:`silkrail.studies.flow_study.run_flow_study`); the answer is the JSON of
``silkrail flows --json``. The jobs run in the queue the simulations use, with its bounds,
in a process of their own (:class:`~silkrail.service._jobs.JobManager`, kind ``"corridor
flows"``): the server's event loop stays free, a job can be stopped at the time limit, and
with a job folder (``SILKRAIL_SIM_JOBS_DIR``, its ``flows`` subfolder) every worker of
``silkrail serve --workers N`` answers for every job, also after a restart.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - pydantic reads it at runtime
from typing import Any, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

import silkrail
from silkrail.service._jobs import FlowJobSpec, JobLimits, _invalid_scenario, unknown_job
from silkrail.service.deps import (  # noqa: TC001 - FastAPI reads them at runtime
    FlowJobsDep,
    NetworkDep,
    SettingsDep,
)
from silkrail.service.schemas import ErrorBody

__all__ = ["router"]

router = APIRouter(prefix="/flows", tags=["flows"])


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
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    result: dict[str, Any] | None = Field(
        default=None,
        description="As `silkrail flows --json`: `baseline` and `scenario` markets, corridors, "
        "stations, the relative gap per iteration and warnings.",
    )


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
        429: {
            "model": ErrorBody,
            "description": "Too many jobs running and queued (`too_many_jobs`); see Retry-After.",
        },
        503: {"model": ErrorBody, "description": "The network cannot be loaded."},
    },
)
async def post_flows(
    req: FlowRequest,
    state: NetworkDep,
    settings: SettingsDep,
    jobs: FlowJobsDep,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    """Solve the corridor equilibrium of the 2024 base year and, with a scenario, of it.

    The scenario is checked before the answer (422 naming every problem); the job then runs in
    the background, in its own process.
    """
    from silkrail.simulation import scenario_from_dict

    limits = JobLimits.of(settings)
    jobs.check_capacity(limits)
    spec = None
    if req.scenario is not None:
        try:
            spec = scenario_from_dict(req.scenario, source="scenario")
        except silkrail.ScenarioError as exc:
            raise _invalid_scenario(exc) from None
    label = spec.scenario.name or "scenario" if spec is not None else "base year"
    view = jobs.submit(FlowJobSpec(net=state.net, scenario=spec, label=label), limits)
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{view['id']}"
    return view


@router.get(
    "/{job_id}",
    response_model=FlowJob,
    summary="Status and result of a corridor-flows job",
    responses={404: {"model": ErrorBody, "description": "No such job (or forgotten)."}},
)
async def get_flows(
    jobs: FlowJobsDep, job_id: str = Path(description="The job's `id`, from `POST /flows`.")
) -> dict[str, Any]:
    """Return a flows job: its status, and its result once done."""
    view = jobs.get(job_id)
    if view is None:
        raise unknown_job("flows", job_id, "the id is unknown, or the job finished long ago")
    return view
