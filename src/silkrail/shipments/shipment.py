"""A shipment: one container, its origin, destination, planned departure and route."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from silkrail.errors import Problem, ShipmentDataError
from silkrail.network.lookup import locate
from silkrail.routing import DEFAULT_SERVICE, Leg, Route, plan
from silkrail.shipments.events import parse_time, validate_container

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail.network.model import CorridorNetwork

__all__ = ["Shipment", "plan_shipment", "route_from_json", "route_to_json"]


@dataclass(frozen=True)
class Shipment:
    """One container on one journey.

    Attributes
    ----------
    container
        ISO 6346 container number; it is the shipment's id.
    origin, destination
        Node ids.
    depart
        Planned departure, timezone-aware UTC.
    service
        The service class the route was planned for.
    route
        The route (planned by :func:`~silkrail.plan`, possibly through given nodes).
    """

    container: str
    origin: str
    destination: str
    depart: dt.datetime
    service: str
    route: Route

    def to_dict(self) -> dict[str, Any]:
        """Return the shipment as a JSON-ready dict (the route without its legs)."""
        return {
            "id": self.container,
            "container": self.container,
            "origin": self.origin,
            "destination": self.destination,
            "depart": self.depart.isoformat(),
            "service": self.service,
            "route": {
                "label": self.route.label,
                "nodes": list(self.route.nodes),
                "transit_days_p50": round(self.route.transit_days_p50, 2),
            },
        }


def route_to_json(route: Route) -> str:
    """Return a route as JSON text, legs included, for storage (variants are dropped).

    Examples
    --------
    >>> import silkrail
    >>> r = silkrail.plan(silkrail.load_network(), "Xi'an", "Almaty").routes[0]
    >>> route_from_json(route_to_json(r)) == replace(r, variants=())
    True
    """
    data = {f.name: getattr(route, f.name) for f in fields(route) if f.name != "variants"}
    data["legs"] = [asdict(leg) for leg in route.legs]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def route_from_json(text: str) -> Route:
    """Return the route stored by :func:`route_to_json`."""
    data = json.loads(text)
    legs = tuple(
        Leg(**{**leg, "lon": tuple(leg["lon"]), "lat": tuple(leg["lat"])}) for leg in data["legs"]
    )
    return Route(
        **{
            **data,
            "legs": legs,
            "nodes": tuple(data["nodes"]),
            "countries": tuple(data["countries"]),
        }
    )


def plan_shipment(
    net: CorridorNetwork,
    container: str,
    origin: str,
    destination: str,
    *,
    depart: dt.datetime | str,
    via: Sequence[str] = (),
    service: str = DEFAULT_SERVICE,
) -> Shipment:
    """Plan a shipment's route with :func:`~silkrail.plan` (best route, through `via` in order).

    A route given as a list of nodes is ``origin``, ``via`` and ``destination``.

    Parameters
    ----------
    net
        The corridor network.
    container
        ISO 6346 container number.
    origin, destination
        Node ids, names, aliases or UN/LOCODEs.
    depart
        Planned departure (ISO 8601 text or a datetime; naive times are UTC).
    via
        Nodes the route must pass, in order.
    service
        Service class of the plan.

    Returns
    -------
    Shipment
        The shipment.

    Raises
    ------
    ShipmentDataError
        If the container number or departure is invalid (every problem named).
    UnknownLocationError
        If a place matches no node.
    NoRouteError
        If no route passes the given nodes.

    Examples
    --------
    >>> import silkrail
    >>> s = plan_shipment(silkrail.load_network(), "CSQU3054383", "Xi'an", "Duisburg",
    ...                   depart="2025-03-01T08:00Z")
    >>> s.route.nodes[0], s.route.nodes[-1]
    ('CN-XIAN', 'DE-DUISBURG')
    """
    problems = []
    try:
        number = validate_container(container)
    except ValueError as exc:
        problems.append(Problem("<shipment>", None, "container", container, str(exc)))
    try:
        when = depart if isinstance(depart, dt.datetime) else parse_time(depart)
        when = (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except ValueError:
        problems.append(Problem("<shipment>", None, "depart", str(depart), "an ISO 8601 date-time"))
    if problems:
        raise ShipmentDataError(problems, source="<shipment>")
    a, b = locate(net, origin).id, locate(net, destination).id
    through = [locate(net, n).id for n in via]
    result = plan(net, a, b, via=through, service=service, depart=when.date(), max_routes=1)
    route = replace(result.routes[0], variants=())
    return Shipment(number, a, b, when, service, route)
