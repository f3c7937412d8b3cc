"""The packaged default demand (``silkrail/datasets/demand``), read once and cached.

``services_2024.csv`` holds the trains a year of each service (origin, border gateway,
destination, direction) and ``routes_2024.csv`` the route the planner chose for each pair of
services, from the Chinese end (inbound services run it reversed); both are written by
``scripts/build_demand.py`` from the sourced figures in ``figures.csv``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from silkrail.errors import DatasetError

__all__ = ["DEMAND_FOLDER", "ROUTES_FILE", "SERVICES_FILE", "DemandService", "demand_services"]

DEMAND_FOLDER = "demand"
#: The date the packaged 2024 services are routed on: the planner's dated conditions (the Red
#: Sea, border closures) of the demand year apply, whatever today's date.
DEMAND_DATE = "2024-07-01"
SERVICES_FILE = "services_2024.csv"
ROUTES_FILE = "routes_2024.csv"


@dataclass(frozen=True)
class DemandService:
    """One row of the packaged demand table joined with its planned route.

    Attributes
    ----------
    service
        Service name, ``"<origin id>><destination id> via <gateway id>"``.
    segment
        ``eu``, ``titr`` or ``ru_by`` (see the dataset README).
    origin_id, destination_id
        Node ids in travel order.
    via
        Node ids the route was planned through, in travel order.
    trains_per_year
        Mean trains a year in this direction.
    node_ids, link_ids
        The planned route.
    """

    service: str
    segment: str
    origin_id: str
    destination_id: str
    via: tuple[str, ...]
    trains_per_year: float
    node_ids: tuple[str, ...]
    link_ids: tuple[str, ...]


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("silkrail.datasets") / DEMAND_FOLDER / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"the packaged demand file {DEMAND_FOLDER}/{name} is missing"
        raise DatasetError(msg) from None
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _ids(cell: str) -> tuple[str, ...]:
    return tuple(x for x in cell.split(";") if x)


@cache
def demand_services() -> tuple[DemandService, ...]:
    """Read the packaged services and their routes, in file order.

    Returns
    -------
    tuple of DemandService
        One per row of ``services_2024.csv``.

    Raises
    ------
    DatasetError
        If a file is missing or a service has no route.

    Examples
    --------
    >>> rows = demand_services()
    >>> round(sum(r.trains_per_year for r in rows))
    19392
    """
    routes = {r["route_id"]: r for r in _rows(ROUTES_FILE)}
    out = []
    for row in _rows(SERVICES_FILE):
        route = routes.get(row["route_id"])
        if route is None:
            msg = f"{SERVICES_FILE}: service {row['service']!r} has no route in {ROUTES_FILE}"
            raise DatasetError(msg)
        nodes, links = _ids(route["node_ids"]), _ids(route["link_ids"])
        if row["direction"] == "inbound":
            nodes, links = nodes[::-1], links[::-1]
        out.append(
            DemandService(
                service=row["service"],
                segment=row["segment"],
                origin_id=row["origin_id"],
                destination_id=row["destination_id"],
                via=_ids(row["via"]),
                trains_per_year=float(row["trains_per_year"]),
                node_ids=nodes,
                link_ids=links,
            )
        )
    return tuple(out)
