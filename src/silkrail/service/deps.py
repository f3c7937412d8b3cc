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
from typing import Annotated, cast

from fastapi import Depends, Request

from silkrail.service._jobs import JobManager
from silkrail.service._state import NetworkState, load_state
from silkrail.service.schemas import Settings

__all__ = [
    "JobsDep",
    "NetworkDep",
    "SettingsDep",
    "current_settings",
    "get_jobs",
    "get_network_state",
    "get_settings",
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


async def get_jobs(request: Request) -> JobManager:
    """Return the simulation jobs of the app serving `request`.

    Parameters
    ----------
    request
        The request.

    Returns
    -------
    JobManager
        The app's job queue (made by :func:`~silkrail.service.create_app`).
    """
    return cast("JobManager", request.app.state.simulations)


JobsDep = Annotated[JobManager, Depends(get_jobs)]
