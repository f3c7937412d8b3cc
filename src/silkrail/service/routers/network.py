"""``GET /network``: the served network as GeoJSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from silkrail.service.deps import NetworkDep  # noqa: TC001 - FastAPI reads it at runtime
from silkrail.service.schemas import ErrorBody, NetworkGeoJSON

__all__ = ["GeoJSONResponse", "router"]

router = APIRouter(prefix="/network", tags=["network"])


class GeoJSONResponse(JSONResponse):
    """A JSON response with the GeoJSON media type (RFC 7946); bytes pass through as they are."""

    media_type = "application/geo+json"

    def render(self, content: Any) -> bytes:
        """Return `content` encoded, or unchanged if it is already bytes."""
        if isinstance(content, bytes):
            return content
        return super().render(content)


@router.get(
    "",
    response_model=NetworkGeoJSON,
    response_class=GeoJSONResponse,
    summary="The network as GeoJSON",
    responses={503: {"model": ErrorBody}},
)
def get_network(state: NetworkDep, request: Request) -> GeoJSONResponse:
    """Return nodes (``Point``) and links (``LineString``) with every property of the files.

    The layout is that of ``silkrail network export --format geojson``: each feature's
    ``properties`` holds ``layer`` (``node`` or ``link``) and every column (mode, gauge_mm,
    status, ...); the sources table is in the top-level ``silkrail`` member.
    """
    body, headers = state.geojson.pick(request)
    return GeoJSONResponse(body, headers={"cache-control": "no-cache", **headers})
