"""``GET /``: the web UI page (its scripts and styles are under ``/static/``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

__all__ = ["STATIC_DIR", "router"]

STATIC_DIR = Path(str(files("silkrail.service") / "static"))

router = APIRouter(tags=["web"])


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    """Return the single page of the web map."""
    return FileResponse(STATIC_DIR / "index.html", headers={"cache-control": "no-cache"})
