"""One ``APIRouter`` per resource; :func:`silkrail.service.create_app` mounts them."""

from __future__ import annotations

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

__all__ = [
    "basemap",
    "countries",
    "flows",
    "health",
    "locations",
    "network",
    "plan",
    "shipments",
    "simulations",
    "web",
]
