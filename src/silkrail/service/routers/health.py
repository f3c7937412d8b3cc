"""``GET /health``: liveness and the state of the served network."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

import silkrail
from silkrail.service._errors import ApiError
from silkrail.service._state import load_state
from silkrail.service.deps import SettingsDep  # noqa: TC001 - FastAPI reads it at runtime
from silkrail.service.schemas import Health, NetworkInfo

__all__ = ["router"]

router = APIRouter(prefix="/health", tags=["health"])


@router.get(
    "",
    response_model=Health,
    summary="Service health",
    responses={503: {"model": Health, "description": "The network cannot be loaded."}},
)
def get_health(settings: SettingsDep) -> Health | JSONResponse:
    """Report whether the service runs and its network is loaded (503 if it cannot be)."""
    try:
        state = load_state(settings.data, plan_cache_size=settings.plan_cache_size)
    except ApiError as exc:
        body = Health(status="unavailable", version=silkrail.__version__, error=exc.message)
        return JSONResponse(body.model_dump(mode="json"), status_code=503)
    net = state.net
    info = NetworkInfo(name=state.name, nodes=int(net.n_nodes), links=int(net.n_links))
    return Health(status="ok", version=silkrail.__version__, network=info)
