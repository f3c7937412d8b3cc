"""``POST /simulations``, ``GET /simulations/{id}`` and its ``/report``: simulation jobs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from silkrail.service._errors import ApiError
from silkrail.service._jobs import JobLimits, prepare_job, unknown_job
from silkrail.service.deps import (  # noqa: TC001 - FastAPI reads them at runtime
    JobsDep,
    NetworkDep,
    SettingsDep,
)
from silkrail.service.schemas import ErrorBody, SimulationJob, SimulationRequest

__all__ = ["router"]

router = APIRouter(prefix="/simulations", tags=["simulations"])


@router.post(
    "",
    status_code=202,
    response_model=SimulationJob,
    summary="Start a simulation job",
    responses={
        202: {"description": "Accepted: the job, queued or running; poll its `Location`."},
        400: {"model": ErrorBody, "description": "The body is not UTF-8 JSON."},
        413: {"model": ErrorBody, "description": "The body is larger than the limit."},
        422: {
            "model": ErrorBody,
            "description": (
                "An invalid field or a value over the service's limits (`validation_error`), "
                "or a scenario that breaks a rule or does not fit the network "
                "(`invalid_scenario`, every problem in `errors`, `field` like "
                "`scenario.closures[0].end`), or a job whose estimated work (trains × "
                "replications × runs) is over the service's budget (`job_too_large`)."
            ),
        },
        429: {
            "model": ErrorBody,
            "description": "Too many jobs running and queued (`too_many_jobs`); see Retry-After.",
        },
        503: {"model": ErrorBody, "description": "The network cannot be loaded."},
    },
)
async def post_simulation(
    req: SimulationRequest,
    state: NetworkDep,
    settings: SettingsDep,
    jobs: JobsDep,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    """Start a Monte Carlo simulation of train services through the corridor.

    Takes the options of ``silkrail simulate``: `days` of train releases, `replications`,
    `seed`, `warmup_days`, `baseline`, `top` and an optional `scenario` (the JSON form of a
    YAML scenario file: closures, capacity, ferries, demand, services, model options). Without
    a scenario, the packaged 2024 services run as they are. The request is checked and the
    model built before the answer (202 with the job and a `Location` to poll); the job then
    runs in the background, in its own process.
    """
    limits = JobLimits.of(settings)
    jobs.check_capacity(limits)  # before the work of building the model
    spec = await run_in_threadpool(prepare_job, state, req, settings)
    view = jobs.submit(spec, limits)
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{view['id']}"
    return view


@router.get(
    "/{job_id}",
    response_model=SimulationJob,
    summary="Status and results of a simulation job",
    responses={404: {"model": ErrorBody, "description": "No such job (or it was forgotten)."}},
)
async def get_simulation(
    jobs: JobsDep,
    settings: SettingsDep,
    job_id: str = Path(description="The job's `id`, from `POST /simulations`."),
) -> dict[str, Any]:
    """Report a job's status (queued, running, done, failed) and progress; its results once done.

    `progress` counts finished replications (a baseline's included). A done job has `result`
    in the ``silkrail simulate --json`` layout: per-route p50/p95 transit days with confidence
    intervals, the top bottlenecks and the CAREC border-crossing indicators. A failed job has
    `error`. The service keeps the last ``SILKRAIL_SIM_KEEP_JOBS`` finished jobs.
    """
    view = jobs.get(job_id)
    if view is None:
        why = (
            "the id is unknown, or the job finished long ago "
            f"(this service keeps the last {settings.sim_keep_jobs} finished jobs)"
            + ("" if settings.sim_jobs_dir is not None else " or before the service restarted")
        )
        raise unknown_job("simulation", job_id, why)
    return view


@router.get(
    "/{job_id}/report",
    response_model=None,
    summary="The study report of a finished simulation job",
    responses={
        200: {
            "content": {"text/html": {"schema": {"type": "string"}}},
            "description": "One self-contained HTML file.",
        },
        404: {"model": ErrorBody, "description": "No such job, or it has no report."},
        409: {
            "model": ErrorBody,
            "description": "The job is still queued or running (`not_ready`), or it failed "
            "(`job_failed`).",
        },
    },
)
async def get_simulation_report(
    jobs: JobsDep,
    settings: SettingsDep,
    job_id: str = Path(description="The job's `id`, from `POST /simulations`."),
) -> HTMLResponse:
    """Return the job's study report, the page ``silkrail report`` writes.

    A summary of what the scenario changes against its baseline, the network map, the charts,
    the route, border and bottleneck tables, the assumptions and a reproducibility block; it
    loads nothing from the network, so it can be saved and sent on.
    """
    found = jobs.report(job_id)
    if found is None:
        why = (
            "the id is unknown, or the job finished long ago "
            f"(this service keeps the last {settings.sim_keep_jobs} finished jobs)"
        )
        raise unknown_job("simulation", job_id, why)
    status, html = found
    if status in ("queued", "running"):
        msg = f"job {job_id!r} is {status}; its report is ready once the job is done"
        raise ApiError(409, "not_ready", msg, field="job_id", headers={"Retry-After": "5"})
    if status == "failed":
        msg = f"job {job_id!r} failed, so it has no report; see the job's error"
        raise ApiError(409, "job_failed", msg, field="job_id")
    if html is None:
        msg = f"job {job_id!r} has no report (it could not be made; the service logged why)"
        raise ApiError(404, "not_found", msg, field="job_id")
    name = f"silkrail-study-{job_id[:8]}.html"
    return HTMLResponse(html, headers={"Content-Disposition": f'inline; filename="{name}"'})
