"""Build a :class:`SimulationModel` from the corridor network and train services on routes.

A train's route is an explicit sequence of node ids and link ids (:class:`CorridorRoute`).
Routes come from the route planner (:func:`silkrail.plan`, the best route by generalized cost
over rail and ferry links): :func:`planner_route` plans one, :func:`route_from_plan` converts
a planned :class:`~silkrail.Route`, :func:`services_from_plan` turns a plan into services, and
:func:`corridor_model` plans the route of every service that has none (``router="planner"``).
``router="fastest"`` uses :func:`corridor_path` instead: the fastest path over open links by
mean running time plus border processing and half the sailing interval of water links.

The default services (:func:`default_services`) are the packaged 2024 demand table
(``silkrail/datasets/demand``, built by ``scripts/build_demand.py`` from sourced train counts),
each with the route the planner chose for it.

Stations come from the network, one per operation a route uses:

* a border node the train passes (not its origin or destination): ``"<node>:border"``, a
  FIFO queue with ``border_servers`` servers and lognormal times of mean ``border_hours``
  and CV ``border_cv``;
* a gauge break (rail links of different gauges meet): ``"<node>:gauge"``, a yard whose
  tracks are ``max(1, round(feu_per_day * gauge_change_hours / (24 * train_feu)))`` and
  whose service time is the train's FEU over one track's rate (``feu_per_day / 24 /
  tracks`` FEU/h), so the yard's FEU/day capacity holds whatever the train length;
* a mode change between rail and ferry/sea: ``"<node>:port"``, a rail–water transfer of
  mean ``port_transfer_hours`` (unlimited parallel handling unless ``port_servers`` is set);
* a mode change between road and another mode: ``"<node>:lift"``, a truck lift of mean
  ``road_transfer_hours``, handled like a port transfer;
* a rail link in one direction: ``"<link>:<from>><to>"``, a :class:`Section` with the
  link's trains/day as capacity and a lognormal running time of mean
  ``distance_km / speed_kmh`` and CV ``time_cv``;
* a ferry or sea link in one direction: a :class:`Ferry` sailing ``sailings_per_week``
  times a week with vessels of the link's ``vessel_feu``, or where the network leaves it
  empty, of `vessel_feu` FEU (ferry) or `sea_vessel_feu` FEU (sea); a
  sea leg continuing a voyage (water on both sides of a node without transfer) is a pure
  delay, the train stays on board.

Node stations are shared by both directions; sections and ferries are per direction.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from silkrail.errors import DatasetError, NoRouteError
from silkrail.graph import CSRGraph
from silkrail.network import LinkMode, locate
from silkrail.network._schema import Status
from silkrail.routing import dijkstra_one_to_all, plan
from silkrail.simulation._demand import DEMAND_DATE, demand_services
from silkrail.simulation.model import (
    Ferry,
    FerryPolicy,
    Route,
    Section,
    ServerStation,
    SimulationModel,
    Station,
    TrainService,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail.network import CorridorNetwork
    from silkrail.routing import Route as PlannedRoute
    from silkrail.routing import RoutePlan

__all__ = [
    "DEFAULT_TRAIN_FEU",
    "DEFAULT_VESSEL_FEU",
    "PLANNER_MODES",
    "ROUTERS",
    "CorridorRoute",
    "CorridorService",
    "Router",
    "corridor_model",
    "corridor_path",
    "default_services",
    "planner_route",
    "route_from_plan",
    "services_from_plan",
]

#: FEU per block train when a service does not say (DESIGN §5: about 41–55 FEU).
DEFAULT_TRAIN_FEU = 50.0
#: Caspian/Black Sea rail-ferry capacity in FEU (assumption: about 52 wagons of one FEU).
DEFAULT_VESSEL_FEU = 52.0
#: Deep-sea vessel FEU available to the corridor's containers (never binding).
DEFAULT_SEA_VESSEL_FEU = 5000.0

_WATER = (int(LinkMode.FERRY), int(LinkMode.SEA))

#: How :func:`corridor_model` finds the route of a service that has none.
Router = Literal["planner", "fastest"]
ROUTERS: tuple[Router, ...] = ("planner", "fastest")
#: Modes a planned block-train route may use: rail, and the Caspian/Black Sea rail ferries.
PLANNER_MODES = ("rail", "ferry")


@dataclass(frozen=True)
class CorridorRoute:
    """A path through the network: node ids and the link ids between them.

    Parameters
    ----------
    node_ids
        Nodes in travel order.
    link_ids
        ``len(node_ids) - 1`` links; link ``k`` joins nodes ``k`` and ``k + 1``.

    Raises
    ------
    ValueError
        If the lengths do not fit.

    Examples
    --------
    >>> CorridorRoute(("A", "B"), ("A~B",)).origin
    'A'
    """

    node_ids: tuple[str, ...]
    link_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "node_ids", tuple(self.node_ids))
        object.__setattr__(self, "link_ids", tuple(self.link_ids))
        if len(self.node_ids) < 2 or len(self.link_ids) != len(self.node_ids) - 1:
            msg = (
                f"a route needs at least two nodes and one link fewer than nodes, got "
                f"{len(self.node_ids)} nodes and {len(self.link_ids)} links"
            )
            raise ValueError(msg)

    @property
    def origin(self) -> str:
        """First node id."""
        return self.node_ids[0]

    @property
    def destination(self) -> str:
        """Last node id."""
        return self.node_ids[-1]


@dataclass(frozen=True)
class CorridorService:
    """Block trains between two nodes of the network.

    Parameters
    ----------
    origin, destination
        Node ids, names or aliases (resolved with :func:`silkrail.locate`).
    trains_per_week
        Mean number of trains a week.
    feu
        FEU per train.
    random_share
        Share of trains arriving at random (the rest run to an evenly spaced timetable).
    jitter_hours
        Standard deviation of a scheduled train's deviation from its slot.
    via
        Nodes the path must pass, in order (ignored when `route` is given).
    route
        An explicit path (e.g. :func:`route_from_plan` of a planned route); when ``None``,
        :func:`corridor_model` finds one with its `router`.
    name
        Service name (default ``"<origin id>><destination id>"``).

    Examples
    --------
    >>> CorridorService("Xi'an", "Duisburg", trains_per_week=20).feu
    50.0
    """

    origin: str
    destination: str
    _: KW_ONLY
    trains_per_week: float
    feu: float = DEFAULT_TRAIN_FEU
    random_share: float = 0.5
    jitter_hours: float = 6.0
    via: tuple[str, ...] = ()
    route: CorridorRoute | None = None
    name: str = ""


def _node(net: CorridorNetwork, name: str) -> int:
    try:
        return net.index_of(name)
    except KeyError:
        return locate(net, name).index


def _link_hours(net: CorridorNetwork) -> np.ndarray:
    hours = net.distance_km / net.speed_kmh
    water = np.isin(net.link_mode, _WATER)
    wait = np.where(water & (net.sailings_per_week > 0), 0.5 * 168.0 / net.sailings_per_week, 0.0)
    return np.asarray(hours + np.nan_to_num(wait), dtype=np.float64)


def corridor_path(
    net: CorridorNetwork,
    origin: str,
    destination: str,
    *,
    via: Sequence[str] = (),
    include_planned: bool = False,
) -> CorridorRoute:
    """Find the fastest open path between two nodes (a stand-in for the route planner).

    The weight of a link is its mean running time (plus half the sailing interval on water
    links) plus the mean border processing at the node it enters. Planned links and nodes
    are not used unless `include_planned`.

    Parameters
    ----------
    net
        The network.
    origin, destination
        Node ids, names or aliases.
    via
        Nodes to pass in order.
    include_planned
        Also use planned links and nodes (to simulate infrastructure before it opens).

    Returns
    -------
    CorridorRoute
        Node and link ids.

    Raises
    ------
    silkrail.UnknownLocationError
        If a name matches no node.
    silkrail.NoRouteError
        If no open path joins the nodes.

    Examples
    --------
    >>> from silkrail import load_network
    >>> path = corridor_path(load_network(), "Xi'an", "Duisburg")
    >>> path.node_ids[0], path.node_ids[-1]
    ('CN-XIAN', 'DE-DUISBURG')
    """
    stops = [_node(net, origin), *(_node(net, v) for v in via), _node(net, destination)]
    n = net.n_nodes
    usable = (
        (net.link_status == int(Status.OPEN))
        & (net.node_status[net.link_from] == int(Status.OPEN))
        & (net.node_status[net.link_to] == int(Status.OPEN))
    ) | include_planned
    hours = _link_hours(net)
    entry = np.nan_to_num(net.border_hours)
    k = np.flatnonzero(usable & np.isfinite(hours))
    # Both directions; keep the fastest link per ordered node pair.
    src = np.concatenate([net.link_from[k], net.link_to[k]])
    dst = np.concatenate([net.link_to[k], net.link_from[k]])
    w = np.concatenate([hours[k], hours[k]]) + entry[dst] + 1e-9
    lid = np.concatenate([k, k])
    order = np.lexsort((w, dst, src))
    src, dst, w, lid = src[order], dst[order], w[order], lid[order]
    first = np.ones(src.shape[0], dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst, w, lid = src[first], dst[first], w[first], lid[first]
    # The one shared Dijkstra kernel; a vertex's predecessor is the tail of its CSR edge.
    graph = CSRGraph.from_edges(src, dst, w, n_vertices=n)
    edge_tail = src[graph.link_ids]
    best = {(int(a), int(b)): int(c) for a, b, c in zip(src, dst, lid, strict=True)}
    nodes = [stops[0]]
    for a, b in itertools.pairwise(stops):
        _, edge = dijkstra_one_to_all(graph, a)
        pred = np.where(edge >= 0, edge_tail[np.maximum(edge, 0)], -1)
        if a != b and pred[b] < 0:
            msg = (
                f"no open path from {net.node_id[a]!r} to {net.node_id[b]!r} "
                f"(from {net.node_id[stops[0]]!r} to {net.node_id[stops[-1]]!r})"
            )
            raise NoRouteError(msg)
        leg = [b]
        while leg[-1] != a:
            leg.append(int(pred[leg[-1]]))
        nodes.extend(reversed(leg[:-1]))
    links = [str(net.link_id[best[(u, v)]]) for u, v in itertools.pairwise(nodes)]
    return CorridorRoute(tuple(str(net.node_id[i]) for i in nodes), tuple(links))


def route_from_plan(route: PlannedRoute) -> CorridorRoute:
    """Convert a route of the planner (:func:`silkrail.plan`) to a :class:`CorridorRoute`.

    Parameters
    ----------
    route
        One of ``RoutePlan.routes``: its nodes in travel order and the ``link_id`` of each
        travel leg (gauge changes and transfers are operations at a node, not links).

    Returns
    -------
    CorridorRoute
        The same path as node and link ids.

    Raises
    ------
    ValueError
        If the route's travel legs do not join its nodes.

    Examples
    --------
    >>> from silkrail import load_network, plan
    >>> p = plan(load_network(), "Xi'an", "Duisburg", modes=["rail"], max_routes=1)
    >>> r = route_from_plan(p.routes[0])
    >>> r.node_ids == p.routes[0].nodes, len(r.link_ids) == len(r.node_ids) - 1
    (True, True)
    """
    legs = [leg for leg in route.legs if leg.kind == "travel"]
    nodes = tuple(route.nodes)
    joined = len(legs) == len(nodes) - 1 and all(
        (leg.from_id, leg.to_id) == (a, b)
        for leg, (a, b) in zip(legs, itertools.pairwise(nodes), strict=False)
    )
    if not joined:
        msg = f"planned route {route.label!r}: its travel legs do not join its nodes {nodes}"
        raise ValueError(msg)
    return CorridorRoute(nodes, tuple(leg.link_id for leg in legs))


def planner_route(
    net: CorridorNetwork,
    origin: str,
    destination: str,
    *,
    via: Sequence[str] = (),
    modes: Sequence[str] = PLANNER_MODES,
    include_planned: bool = False,
) -> CorridorRoute:
    """Plan a block train's route: the planner's best route by generalized cost.

    Calls :func:`silkrail.plan` with `via` and `modes` (by default rail and rail ferries: a
    block train takes no deep-sea or road leg) and converts its first route, the one of least
    generalized cost (cost plus the packaged value of time times the expected hours).

    Parameters
    ----------
    net
        The network.
    origin, destination
        Node ids, names or aliases.
    via
        Nodes to pass in order.
    modes
        Allowed modes among ``rail``, ``ferry``, ``sea``, ``road``.
    include_planned
        Also use planned links and nodes (to simulate infrastructure before it opens).

    Returns
    -------
    CorridorRoute
        Node and link ids.

    Raises
    ------
    silkrail.UnknownLocationError
        If a name matches no node.
    silkrail.NoRouteError
        If no route satisfies the constraints.

    Examples
    --------
    >>> from silkrail import load_network
    >>> r = planner_route(load_network(), "Xi'an", "Baku", via=["Khorgos (China)", "Aktau"])
    >>> r.origin, r.destination, "KZ-AKTAU" in r.node_ids
    ('CN-XIAN', 'AZBAK', True)
    """
    route_plan = plan(
        net,
        origin,
        destination,
        via=via,
        modes=modes,
        max_routes=1,
        include_planned=include_planned,
        depart=DEMAND_DATE,
    )
    return route_from_plan(route_plan.routes[0])


def services_from_plan(
    net: CorridorNetwork,
    route_plan: RoutePlan,
    *,
    trains_per_week: float,
    route: int = 0,
    both_directions: bool = False,
    feu: float = DEFAULT_TRAIN_FEU,
    random_share: float = 0.5,
    jitter_hours: float = 6.0,
    name: str = "",
) -> tuple[CorridorService, ...]:
    """Turn a planned route into train services on that route.

    Parameters
    ----------
    net
        The network the plan was made on (its links are checked).
    route_plan
        The planner's result (:func:`silkrail.plan`).
    trains_per_week
        Trains a week, each way.
    route
        Index of the route in ``route_plan.routes`` (0: the best by generalized cost).
    both_directions
        Also run the same number of trains back on the reversed route.
    feu, random_share, jitter_hours
        As in :class:`CorridorService`.
    name
        Service name (default ``"<origin id>><destination id>"``; the return service gets
        ``" (return)"`` appended when a name is given).

    Returns
    -------
    tuple of CorridorService
        One service, or two with `both_directions`.

    Raises
    ------
    IndexError
        If `route` is not an index of ``route_plan.routes``.
    ValueError
        If the route uses links or nodes that `net` does not have, or links that are not
        open.

    Examples
    --------
    >>> from silkrail import load_network, plan
    >>> net = load_network()
    >>> p = plan(net, "Chengdu", "Łódź", modes=["rail"])
    >>> out, back = services_from_plan(net, p, trains_per_week=10, both_directions=True)
    >>> out.route.node_ids == back.route.node_ids[::-1]
    True
    >>> [r.node_ids[-1] for r in corridor_model(net, [out, back]).routes]
    ['PL-LODZ', 'CNCTU']
    """
    if not -len(route_plan.routes) <= route < len(route_plan.routes):
        msg = f"route {route} is not an index of the plan's {len(route_plan.routes)} route(s)"
        raise IndexError(msg)
    path = route_from_plan(route_plan.routes[route])
    _check_route(net, path, open_only=True)
    ends = [(path, name)]
    if both_directions:
        back = CorridorRoute(path.node_ids[::-1], path.link_ids[::-1])
        ends.append((back, f"{name} (return)" if name else ""))
    return tuple(
        CorridorService(
            r.origin,
            r.destination,
            trains_per_week=trains_per_week,
            feu=feu,
            random_share=random_share,
            jitter_hours=jitter_hours,
            route=r,
            name=n,
        )
        for r, n in ends
    )


def default_services(
    *, scale: float = 1.0, feu: float = DEFAULT_TRAIN_FEU
) -> tuple[CorridorService, ...]:
    """Return the default train services: the packaged 2024 demand table, both directions.

    The table (``silkrail/datasets/demand/services_2024.csv``) holds the 19,392 China–Europe
    Railway Express trains of 2024 by origin, border gateway, destination and direction,
    derived from published counts by ``scripts/build_demand.py`` (see its README and
    ``docs/simulation.md``). Each service carries the route the planner chose for it on the
    packaged network (``routes_2024.csv``), so the routes refer to that network's ids.

    Parameters
    ----------
    scale
        Multiplies every service's trains per week.
    feu
        FEU per train.

    Returns
    -------
    tuple of CorridorService
        One service per table row with trains, named ``"<origin id>><destination id> via
        <gateway id>"``, with its planned route.

    Raises
    ------
    ValueError
        If `scale` is negative or `feu` not positive.

    Examples
    --------
    >>> svc = default_services()
    >>> round(sum(s.trains_per_week for s in svc) * 365.25 / 7)
    19392
    >>> svc[0].name
    'CN-XIAN>DE-DUISBURG via CN-ALASHANKOU'
    """
    if not (scale >= 0 and math.isfinite(scale)):
        msg = f"scale must be >= 0, got {scale!r}"
        raise ValueError(msg)
    if not (feu > 0 and math.isfinite(feu)):
        msg = f"feu must be > 0, got {feu!r}"
        raise ValueError(msg)
    return tuple(
        CorridorService(
            row.origin_id,
            row.destination_id,
            trains_per_week=scale * row.trains_per_year * 7.0 / 365.25,
            feu=feu,
            via=row.via,
            route=CorridorRoute(row.node_ids, row.link_ids),
            name=row.service,
        )
        for row in demand_services()
        if row.trains_per_year > 0
    )


def _link_index(net: CorridorNetwork) -> dict[str, int]:
    return {str(k): i for i, k in enumerate(net.link_id)}


def _check_route(
    net: CorridorNetwork,
    path: CorridorRoute,
    *,
    open_only: bool,
    link_index: dict[str, int] | None = None,
) -> list[int]:
    """Return the link indexes of `path`, checking that they join its nodes.

    `link_index` (:func:`_link_index` of `net`) saves rebuilding it for every route.
    """
    if link_index is None:
        link_index = _link_index(net)
    nodes = [_node(net, n) for n in path.node_ids]
    links = []
    for j, lid in enumerate(path.link_ids):
        if lid not in link_index:
            msg = f"route {path.origin}>{path.destination}: unknown link {lid!r}"
            raise ValueError(msg)
        k = link_index[lid]
        ends = {int(net.link_from[k]), int(net.link_to[k])}
        if ends != {nodes[j], nodes[j + 1]}:
            msg = (
                f"link {lid!r} does not join {net.node_id[nodes[j]]!r} and "
                f"{net.node_id[nodes[j + 1]]!r}"
            )
            raise ValueError(msg)
        if open_only and net.link_status[k] != int(Status.OPEN):
            msg = f"route {path.origin}>{path.destination}: link {lid!r} is not open"
            raise ValueError(msg)
        links.append(k)
    return links


def _yard(net: CorridorNetwork, i: int, train_feu: float, cv: float) -> ServerStation:
    nid = str(net.node_id[i])
    per_day = float(net.gauge_change_feu_per_day[i])
    hours = float(net.gauge_change_hours[i])
    tracks = max(1, round(per_day * hours / (24.0 * train_feu)))
    return ServerStation(
        f"{nid}:gauge",
        servers=tracks,
        hours=0.0,
        hours_per_feu=24.0 * tracks / per_day,
        cv=cv,
        category="gauge",
        node=nid,
        usd_per_feu=float(np.nan_to_num(net.gauge_change_usd_per_feu[i])),
    )


def corridor_model(
    net: CorridorNetwork,
    services: Sequence[CorridorService],
    *,
    vessel_feu: float = DEFAULT_VESSEL_FEU,
    sea_vessel_feu: float = DEFAULT_SEA_VESSEL_FEU,
    ferry_policy: FerryPolicy = "schedule",
    ferry_max_wait_hours: float = math.inf,
    yard_cv: float = 0.3,
    port_cv: float = 0.3,
    port_servers: int = 0,
    section_share: float = 1.0,
    router: Router = "planner",
    include_planned: bool = False,
    name: str = "corridor",
) -> SimulationModel:
    """Build the simulation model of train services on the corridor network.

    See the module docstring for the stations each route gets.

    Parameters
    ----------
    net
        The network.
    services
        Train services; each runs on its own route, or on the one `router` finds.
    vessel_feu
        FEU per ferry sailing, on ferry links whose ``vessel_feu`` the network leaves empty.
    sea_vessel_feu
        FEU per deep-sea sailing, on sea links whose ``vessel_feu`` the network leaves empty.
    ferry_policy
        ``"schedule"`` or ``"full"`` for ferries (see :class:`Ferry`).
    ferry_max_wait_hours
        Longest wait to fill a vessel under the ``"full"`` policy.
    yard_cv, port_cv
        CV of gauge-change and port-transfer times.
    port_servers
        Parallel rail–water transfers per port (0 = unlimited).
    section_share
        Share of each rail section's trains/day available to the simulated trains.
    router
        How a service without a route gets one: ``"planner"`` (:func:`planner_route`, the
        planner's best route over rail and ferry links through the service's `via`) or
        ``"fastest"`` (:func:`corridor_path`).
    include_planned
        Let the router use planned links and nodes, e.g. to simulate a line before it opens.
    name
        Model name.

    Returns
    -------
    SimulationModel
        Stations, one route per service, the services.

    Raises
    ------
    silkrail.UnknownLocationError
        If a service names an unknown node.
    silkrail.NoRouteError
        If a service has no open path.
    ValueError
        If an explicit route names unknown nodes or links, or links that do not join its
        nodes, or `router` is unknown.

    Examples
    --------
    >>> from silkrail import load_network
    >>> m = corridor_model(load_network(), [CorridorService("Xi'an", "Duisburg",
    ...                                                    trains_per_week=20)])
    >>> m.routes[0].origin, m.routes[0].destination
    ('CN-XIAN', 'DE-DUISBURG')
    >>> sorted({s.category for s in m.stations} & {"border", "gauge", "section"})
    ['border', 'gauge', 'section']
    """
    if not 0 < section_share <= 1:
        msg = f"section_share must be in (0, 1], got {section_share!r}"
        raise ValueError(msg)
    if router not in ROUTERS:
        msg = f"unknown router {router!r}; choose one of {ROUTERS}"
        raise ValueError(msg)
    find = planner_route if router == "planner" else corridor_path
    link_co2e = _link_co2e(net)
    stations: dict[str, Station] = {}
    routes: list[Route] = []
    train_services: list[TrainService] = []
    used_names: set[str] = set()
    link_index = _link_index(net)
    for sv in services:
        path = sv.route or find(
            net, sv.origin, sv.destination, via=sv.via, include_planned=include_planned
        )
        nodes = [_node(net, n) for n in path.node_ids]
        links = _check_route(net, path, open_only=False, link_index=link_index)
        seq: list[str] = []
        for j, i in enumerate(nodes):
            if 0 < j < len(nodes) - 1:
                seq.extend(
                    _node_stations(
                        net,
                        i,
                        links[j - 1],
                        links[j],
                        stations,
                        train_feu=sv.feu,
                        yard_cv=yard_cv,
                        port_cv=port_cv,
                        port_servers=port_servers,
                    )
                )
            if j < len(links):
                prev_water = (
                    j > 0
                    and int(net.link_mode[links[j - 1]]) in _WATER
                    and (f"{net.node_id[i]}:port" not in seq)
                )
                seq.append(
                    _link_station(
                        net,
                        links[j],
                        nodes[j],
                        nodes[j + 1],
                        stations,
                        vessel_feu=vessel_feu,
                        sea_vessel_feu=sea_vessel_feu,
                        policy=ferry_policy,
                        max_wait=ferry_max_wait_hours,
                        share=section_share,
                        continued=prev_water,
                    )
                )
        o, d = str(net.node_id[nodes[0]]), str(net.node_id[nodes[-1]])
        label = sv.name or f"{o}>{d}"
        base, n = label, 2
        while label in used_names:
            label = f"{base}#{n}"
            n += 1
        used_names.add(label)
        routes.append(
            Route(
                label,
                tuple(seq),
                origin=o,
                destination=d,
                node_ids=tuple(str(net.node_id[i]) for i in nodes),
                link_ids=tuple(str(net.link_id[k]) for k in links),
                co2e_kg_per_feu_wtw=float(link_co2e[links].sum()),
            )
        )
        train_services.append(
            TrainService(
                label,
                trains_per_week=sv.trains_per_week,
                feu=sv.feu,
                random_share=sv.random_share,
                jitter_hours=sv.jitter_hours,
                name=label,
            )
        )
    return SimulationModel(
        stations=tuple(stations.values()),
        routes=tuple(routes),
        services=tuple(train_services),
        name=name,
    )


def _node_stations(
    net: CorridorNetwork,
    i: int,
    l_in: int,
    l_out: int,
    stations: dict[str, Station],
    *,
    train_feu: float,
    yard_cv: float,
    port_cv: float,
    port_servers: int,
) -> list[str]:
    nid = str(net.node_id[i])
    m_in, m_out = int(net.link_mode[l_in]), int(net.link_mode[l_out])
    rail = int(LinkMode.RAIL)
    out: dict[str, Station] = {}
    road = int(LinkMode.ROAD)
    # As in the planner's graph: road <-> ship is a truck lift, not a rail-water transfer.
    port = (
        m_in != m_out
        and (m_in in _WATER or m_out in _WATER)
        and road not in (m_in, m_out)
        and bool(net.offers_port_transfer[i])
    )
    if port:
        out["port"] = ServerStation(
            f"{nid}:port",
            servers=port_servers,
            hours=float(net.port_transfer_hours[i]),
            cv=port_cv,
            category="port",
            node=nid,
            usd_per_feu=float(np.nan_to_num(net.port_usd_per_feu[i])),
        )
    if m_in != m_out and road in (m_in, m_out) and bool(net.offers_road_transfer[i]):
        out["lift"] = ServerStation(
            f"{nid}:lift",
            servers=port_servers,
            hours=float(net.road_transfer_hours[i]),
            cv=port_cv,
            category="lift",
            node=nid,
            usd_per_feu=float(np.nan_to_num(net.road_usd_per_feu[i])),
        )
    if net.is_border[i]:
        out["border"] = ServerStation(
            f"{nid}:border",
            servers=max(1, int(net.border_servers[i])),
            hours=float(net.border_hours[i]),
            cv=float(net.border_cv[i]),
            category="border",
            node=nid,
        )
    if (
        m_in == rail
        and m_out == rail
        and net.link_gauge_mm[l_in] != net.link_gauge_mm[l_out]
        and bool(net.offers_gauge_change[i])
    ):
        out["gauge"] = _yard(net, i, train_feu, yard_cv)
    water = ("port", "border", "gauge") if m_in in _WATER else ("border", "gauge", "port")
    # A truck is lifted off before any other operation at the node and onto one after them.
    order = ("lift", *water) if m_in == road else (*water, "lift")
    names = []
    for key in order:
        if key in out:
            st = out[key]
            stations.setdefault(st.name, st)
            names.append(st.name)
    return names


def _link_co2e(net: CorridorNetwork) -> np.ndarray:
    """Well-to-wheel kg CO2e of one FEU per link, as the planner counts it (NaN if unknown)."""
    from silkrail.routing._defaults import default_cargo_tonnes, default_emissions

    try:
        return default_emissions(net, default_cargo_tonnes("40")).link_wtw
    except DatasetError:  # e.g. a user network electrified where no grid factor is packaged
        return np.full(net.n_links, np.nan)


def _link_station(
    net: CorridorNetwork,
    k: int,
    a: int,
    b: int,
    stations: dict[str, Station],
    *,
    vessel_feu: float,
    sea_vessel_feu: float,
    policy: FerryPolicy,
    max_wait: float,
    share: float,
    continued: bool,
) -> str:
    lid, aid, bid = str(net.link_id[k]), str(net.node_id[a]), str(net.node_id[b])
    name = f"{lid}:{aid}>{bid}"
    if name in stations:
        return name
    mode = int(net.link_mode[k])
    hours = float(net.distance_km[k] / net.speed_kmh[k])
    cv = float(np.nan_to_num(net.time_cv[k]))
    dist = float(net.distance_km[k])
    st: Station
    if mode in _WATER and not continued:
        sea = mode == int(LinkMode.SEA)
        # The link's own vessel size where the network gives one (its sailings were counted
        # with it); the model's default otherwise.
        own = float(net.vessel_feu[k])
        st = Ferry(
            name,
            vessel_feu=own if math.isfinite(own) else (sea_vessel_feu if sea else vessel_feu),
            hours=hours,
            cv=cv,
            policy=policy,
            interval_hours=168.0 / float(net.sailings_per_week[k]),
            max_wait_hours=max_wait,
            distance_km=dist,
            link=lid,
            tags=(aid, bid),
            category="sea" if sea else "ferry",
        )
    elif mode == int(LinkMode.RAIL):
        st = Section(
            name,
            trains_per_day=float(net.capacity_trains_per_day[k]) * share,
            hours=hours,
            cv=cv,
            distance_km=dist,
            link=lid,
        )
    else:
        # Road links and voyage continuations: a pure delay.
        st = Section(
            name,
            trains_per_day=math.inf,
            hours=hours,
            cv=cv,
            distance_km=dist,
            link=lid,
            category="sea" if mode in _WATER else "section",
        )
    stations[name] = st
    return name
