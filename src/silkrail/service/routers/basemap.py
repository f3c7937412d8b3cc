"""``GET /basemap/countries-50m.json``: the packaged Natural Earth countries for the web map."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import Response

from silkrail.service._payload import Payload

__all__ = ["router"]

router = APIRouter(prefix="/basemap", tags=["web"])


@lru_cache(maxsize=1)
def _countries() -> Payload:
    return Payload.of((files("silkrail.datasets") / "basemap" / "countries-50m.json").read_bytes())


@router.get("/countries-50m.json", include_in_schema=False)
def countries(request: Request) -> Response:
    """Return Natural Earth 1:50m countries as TopoJSON (world-atlas 2.0.2) from the package."""
    body, headers = _countries().pick(request)
    return Response(
        body,
        media_type="application/json",
        headers={"cache-control": "public, max-age=86400", **headers},
    )
