"""``GET /countries``: the countries the network touches (for avoid-country choices)."""

from __future__ import annotations

from collections import Counter

import pycountry
from fastapi import APIRouter

from silkrail.service.deps import NetworkDep  # noqa: TC001 - FastAPI reads it at runtime
from silkrail.service.schemas import CountryList, CountryOut, ErrorBody

__all__ = ["router"]

router = APIRouter(prefix="/countries", tags=["countries"])


@router.get(
    "",
    response_model=CountryList,
    summary="Countries of the network",
    responses={503: {"model": ErrorBody}},
)
def list_countries(state: NetworkDep) -> CountryList:
    """List every country with a node in the network, with its name and node count."""
    counts = Counter(str(c) for c in state.net.node_country)
    out = []
    for code in sorted(counts):
        entry = pycountry.countries.get(alpha_2=code)
        name = code if entry is None else getattr(entry, "common_name", entry.name)
        numeric = None if entry is None else str(entry.numeric)
        out.append(CountryOut(code=code, numeric=numeric, name=name, nodes=counts[code]))
    return CountryList(countries=out)
