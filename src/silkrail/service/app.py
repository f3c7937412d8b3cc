"""The application factory: REST API under ``/api/v1`` and the offline web map at ``/``."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

import silkrail
from silkrail.service._errors import ApiError, install_handlers
from silkrail.service._jobs import JobManager
from silkrail.service._middleware import (
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    TrustedHostMiddleware,
)
from silkrail.service._state import load_state
from silkrail.service.deps import get_settings
from silkrail.service.routers import (
    basemap,
    countries,
    flows,
    health,
    locations,
    network,
    plan,
    shipments,
    simulations,
    web,
)
from silkrail.service.routers.web import STATIC_DIR

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from silkrail.service.schemas import Settings

__all__ = ["API_PREFIX", "STATIC_DIR", "create_app"]

API_PREFIX = "/api/v1"

logger = logging.getLogger("silkrail.service")

_DESCRIPTION = """\
Plan container routes on the China–Central Asia–Europe corridors.

`POST /plan` takes the options of `silkrail plan` and answers in its `--json` layout;
`GET /locations?q=` finds places by id, name or alias in any script; `GET /network` returns
the network as GeoJSON; `POST /simulations` starts a Monte Carlo simulation of the
corridor (the options of `silkrail simulate`) and `GET /simulations/{id}` reports its progress
and, once done, its results in the `silkrail simulate --json` layout. `/shipments` tracks
containers by their events (DCSA Track & Trace codes) and forecasts their arrival; writes need
an API key (`X-API-Key`). Every error is JSON with `error` (a message naming the field or
value) and `code`.
"""


def _warm_up(settings: Settings) -> None:
    """Load the network and compile the planner's kernels before the first request."""
    try:
        state = load_state(settings.data, plan_cache_size=settings.plan_cache_size)
        ids = [str(i) for i in state.net.node_id[:2]]
        if len(ids) == 2:
            silkrail.plan(state.net, ids[0], ids[1], max_routes=1, compiled=True)
    except ApiError as exc:
        logger.warning("%s", exc.message)
    except (silkrail.SilkrailError, ValueError):
        pass  # no route between two arbitrary nodes is fine: the kernels are compiled


def _served_limits(schema: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Write the limits this service applies into its OpenAPI schema.

    The request models carry the widest limits any configuration allows; a client (or a
    schema-driven test) must see the ones this server enforces, so that every request the
    schema admits is one the server accepts or refuses for a documented reason.
    """
    models = schema.get("components", {}).get("schemas", {})
    limits = {
        ("PlanRequest", "via", "maxItems"): settings.plan_max_via,
        ("PlanRequest", "max_routes", "maximum"): settings.plan_max_routes,
        ("SimulationRequest", "days", "maximum"): settings.sim_max_days,
        ("SimulationRequest", "warmup_days", "maximum"): settings.sim_max_days,
        ("SimulationRequest", "replications", "maximum"): settings.sim_max_replications,
    }
    for (model, prop, key), value in limits.items():
        field = models.get(model, {}).get("properties", {}).get(prop)
        if field is not None:
            field[key] = value
    return schema


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    settings
        Configuration; default :func:`~silkrail.service.deps.get_settings` (the environment).
        Routes read the settings through :func:`~silkrail.service.deps.current_settings`, so
        tests may also override ``get_settings`` in ``app.dependency_overrides``.

    Returns
    -------
    FastAPI
        The app: the API under ``/api/v1`` (OpenAPI schema at ``/api/v1/openapi.json``), the
        basemap at ``/basemap/countries-50m.json`` and the web UI at ``/`` (its files under
        ``/static/``). Its simulation jobs live in ``app.state.simulations``, its
        corridor-flows jobs in ``app.state.flows``; the app's shutdown stops them.

    Examples
    --------
    >>> from silkrail.service import Settings, create_app
    >>> app = create_app(Settings(data="tests/data/toy"))
    >>> app.openapi()["info"]["title"]
    'silkrail'
    """
    given = settings
    settings = get_settings() if settings is None else settings
    jobs = JobManager(store=settings.sim_jobs_dir, keep=settings.sim_keep_jobs)
    flow_store = None if settings.sim_jobs_dir is None else settings.sim_jobs_dir / "flows"
    flow_jobs = JobManager(store=flow_store, keep=settings.sim_keep_jobs, kind="corridor flows")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _warm_up(settings)
        try:
            yield
        finally:
            jobs.shutdown()
            flow_jobs.shutdown()

    app = FastAPI(
        title="silkrail",
        version=silkrail.__version__,
        description=_DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        # The interactive docs pages load their scripts from a CDN; the service works offline.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    if given is not None:
        # Read by the settings dependency; not a dependency override, which FastAPI would
        # pay for on every request (it re-inspects every dependency once one exists).
        app.state.settings = given
    app.state.simulations = jobs
    app.state.flows = flow_jobs

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _served_limits(FastAPI.openapi(app), settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    install_handlers(app)
    for module in (health, locations, countries, network, plan, simulations, flows, shipments):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(basemap.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Plans and the network come pre-compressed; this covers the rest (basemap, bundle).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost: a request for another host gets no further (DNS rebinding).
    app.add_middleware(TrustedHostMiddleware, allowed=settings.allowed_hosts)
    return app
