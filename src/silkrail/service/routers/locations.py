"""``GET /locations?q=``: find nodes by id, name or alias (autocomplete)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

import silkrail
from silkrail.service.deps import NetworkDep  # noqa: TC001 - FastAPI reads it at runtime
from silkrail.service.schemas import MAX_NAME_CHARS, ErrorBody, LocationList, LocationOut

__all__ = ["router"]

router = APIRouter(prefix="/locations", tags=["locations"])


@router.get(
    "",
    response_model=LocationList,
    summary="Search locations",
    responses={422: {"model": ErrorBody}, 503: {"model": ErrorBody}},
)
def search(
    state: NetworkDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_NAME_CHARS,
            description="What the user typed: part of an id, name or alias, in any script.",
            examples=["khorg"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50, description="Most matches returned.")] = 10,
) -> LocationList:
    """Rank nodes for a partial or misspelt name, best first (empty when nothing is close)."""
    found = silkrail.search_locations(state.net, q, limit=limit)
    return LocationList(
        query=q, locations=[LocationOut.model_validate(loc.to_dict()) for loc in found]
    )
