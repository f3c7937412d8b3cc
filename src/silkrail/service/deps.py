"""Dependencies of the routes and their ``Annotated`` aliases.

The configuration comes from the ``lru_cache``'d :func:`get_settings` (the environment). Tests
swap it in any of three ways: ``app.dependency_overrides[get_settings] = lambda: Settings(...)``,
``create_app(Settings(...))``, or the environment and ``get_settings.cache_clear()``. Every other
dependency derives from the settings.

The dependencies are coroutines that do no I/O once the network is loaded, so a request makes
no trip through the thread pool for them (one costs about 0.2 ms under load).
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, cast

from fastapi import Depends, Request

from silkrail import ShipmentStore
from silkrail.service._errors import ApiError
from silkrail.service._jobs import JobManager
from silkrail.service._state import NetworkState, load_state
from silkrail.service.schemas import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

__all__ = [
    "FlowJobsDep",
    "JobsDep",
    "NetworkDep",
    "ReadAccess",
    "SettingsDep",
    "StoreDep",
    "WriteAccess",
    "current_settings",
    "get_flow_jobs",
    "get_jobs",
    "get_network_state",
    "get_settings",
    "get_store",
    "require_read",
    "require_write",
]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings read from the environment (once per process).

    Returns
    -------
    Settings
        The service configuration.
    """
    return Settings()


async def current_settings(request: Request) -> Settings:
    """Return the settings of the app serving `request`.

    An override of :func:`get_settings` in ``app.dependency_overrides`` comes first, then the
    settings given to :func:`~silkrail.service.create_app`, then :func:`get_settings`.

    Parameters
    ----------
    request
        The request.

    Returns
    -------
    Settings
        The service configuration.
    """
    override = request.app.dependency_overrides.get(get_settings)
    if override is not None:
        value = override()
        if inspect.isawaitable(value):
            value = await value
        return cast("Settings", value)
    given = getattr(request.app.state, "settings", None)
    return given if isinstance(given, Settings) else get_settings()


SettingsDep = Annotated[Settings, Depends(current_settings)]


async def get_network_state(settings: SettingsDep) -> NetworkState:
    """Return the served network, loaded on first use.

    The first load blocks the event loop once; the app's startup does it in advance.

    Parameters
    ----------
    settings
        The service configuration.

    Returns
    -------
    NetworkState
        The network and its cached views.

    Raises
    ------
    ApiError
        503 if the network cannot be loaded.
    """
    return load_state(settings.data, plan_cache_size=settings.plan_cache_size)


NetworkDep = Annotated[NetworkState, Depends(get_network_state)]


def _job_queue(attribute: str, what: str) -> Callable[[Request], Awaitable[JobManager]]:
    """Make the dependency that returns the app's job queue stored as ``app.state.<attribute>``."""

    async def get(request: Request) -> JobManager:
        return cast("JobManager", getattr(request.app.state, attribute))

    get.__name__ = get.__qualname__ = f"get_{attribute}_jobs"
    get.__doc__ = (
        f"Return the {what} jobs of the app serving `request` (made by "
        ":func:`~silkrail.service.create_app`)."
    )
    return get


#: The simulation jobs of the app serving a request.
get_jobs = _job_queue("simulations", "simulation")
JobsDep = Annotated[JobManager, Depends(get_jobs)]
#: The corridor-flows jobs of the app serving a request.
get_flow_jobs = _job_queue("flows", "corridor-flows")
FlowJobsDep = Annotated[JobManager, Depends(get_flow_jobs)]


@lru_cache(maxsize=8)
def _store(url: str) -> ShipmentStore:
    try:
        return ShipmentStore(url)
    except Exception as exc:  # a wrong URL, an unreachable server: a 503 naming it
        raise ApiError(503, "database_unavailable", f"shipments store: {exc}") from exc


def get_store(settings: SettingsDep) -> ShipmentStore:
    """Return the shipments store of the settings (opened, and migrated, on first use).

    Parameters
    ----------
    settings
        The service configuration (``database``).

    Returns
    -------
    ShipmentStore
        The store.

    Raises
    ------
    ApiError
        503 if the store cannot be opened.
    """
    url = settings.database
    if url is None:
        import platformdirs

        url = ShipmentStore.default_url(platformdirs.user_data_path("silkrail"))
    return _store(url)


StoreDep = Annotated[ShipmentStore, Depends(get_store)]


def _api_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    if key is None and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    return key or None


def _check(request: Request, store: ShipmentStore, scope: str) -> None:
    key = _api_key(request)
    if key is None:
        raise ApiError(
            401,
            "unauthorized",
            f"an API key with the {scope!r} scope is needed: send it in the X-API-Key header "
            "(create one with `silkrail track key create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    scopes = store.key_scopes(key)
    if not scopes:
        raise ApiError(403, "forbidden", "the API key is not valid")
    if scope not in scopes and not (scope == "read" and "write" in scopes):
        raise ApiError(403, "forbidden", f"the API key lacks the {scope!r} scope")


def require_write(request: Request, store: StoreDep) -> None:
    """Check that the request carries an API key with the ``write`` scope.

    Raises
    ------
    ApiError
        401 without a key, 403 with an invalid key or one without the scope.
    """
    _check(request, store, "write")


def require_read(request: Request, store: StoreDep, settings: SettingsDep) -> None:
    """Check read access: open, unless the service runs ``--private`` (then a key is needed).

    Raises
    ------
    ApiError
        401 without a key, 403 with an invalid key (private service only).
    """
    if settings.private:
        _check(request, store, "read")


WriteAccess = Depends(require_write)
ReadAccess = Depends(require_read)
