"""Build a :class:`SimulationModel` from the corridor network and train services on routes.

A train's route is an explicit sequence of node ids and link ids (:class:`CorridorRoute`).
Until the route planner (:mod:`silkrail.routing`) feeds the simulator, :func:`corridor_path`
finds one: the fastest path over open links by mean running time plus border processing and
half the sailing interval of water links, through optional via nodes. Pass the planner's
routes as ``CorridorRoute(route.nodes, link_ids)`` to replace it.

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
* a rail link in one direction: ``"<link>:<from>><to>"``, a :class:`Section` with the
  link's trains/day as capacity and a lognormal running time of mean
  ``distance_km / speed_kmh`` and CV ``time_cv``;
* a ferry or sea link in one direction: a :class:`Ferry` sailing ``sailings_per_week``
  times a week with vessels of `vessel_feu` FEU (ferry) or `sea_vessel_feu` FEU (sea); a
  sea leg continuing a voyage (water on both sides of a node without transfer) is a pure
  delay, the train stays on board.

Node stations are shared by both directions; sections and ferries are per direction.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from silkrail.errors import NoRouteError
from silkrail.network import LinkMode, locate
from silkrail.network._schema import Status
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

__all__ = [
    "DEFAULT_OD_2024",
    "DEFAULT_TRAIN_FEU",
    "DEFAULT_VESSEL_FEU",
    "CorridorRoute",
    "CorridorService",
    "corridor_model",
    "corridor_path",
    "default_services",
]

#: FEU per block train when a service does not say (DESIGN §5: about 41–55 FEU).
DEFAULT_TRAIN_FEU = 50.0
#: Caspian/Black Sea rail-ferry capacity in FEU (assumption: about 52 wagons of one FEU).
DEFAULT_VESSEL_FEU = 52.0
#: Deep-sea vessel FEU available to the corridor's containers (never binding).
DEFAULT_SEA_VESSEL_FEU = 5000.0

_WATER = (int(LinkMode.FERRY), int(LinkMode.SEA))

#: Default demand: about 19,000 China–Europe trains a year (2024 order of magnitude, both
#: directions, split evenly) as ``(origin, destination, via, trains per year)``, by place
#: name. The split over origins, destinations and border gateways is an assumption chosen to
#: be plausible and to fit the packaged network's capacities, not a published OD matrix;
#: replace it with the planner's and the assignment's OD flows (or a scenario's
#: ``services``) when they are available.
DEFAULT_OD_2024: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    # Alashankou / Dostyk
    ("Xi'an", "Duisburg", ("Alashankou",), 1100),
    ("Chengdu", "Łódź", ("Alashankou",), 800),
    ("Chongqing", "Moscow", ("Alashankou",), 1600),
    ("Zhengzhou", "Minsk", ("Alashankou",), 1000),
    ("Chongqing", "Almaty", ("Alashankou",), 650),
    ("Chengdu", "Tbilisi", ("Alashankou", "Aktau port"), 250),
    # Khorgos / Altynkol
    ("Xi'an", "Moscow", ("Khorgos (China)",), 2000),
    ("Yiwu", "Duisburg", ("Khorgos (China)",), 800),
    ("Wuhan", "Moscow", ("Khorgos (China)",), 1500),
    ("Chongqing", "Budapest", ("Khorgos (China)",), 400),
    ("Yiwu", "Tashkent", ("Khorgos (China)",), 1400),
    ("Xi'an", "Tehran", ("Khorgos (China)",), 200),
    ("Xi'an", "Istanbul", ("Khorgos (China)", "Aktau port"), 350),
    # Manzhouli / Zabaikalsk
    ("Harbin", "Moscow", ("Manzhouli",), 1850),
    ("Suzhou", "Warsaw", ("Manzhouli",), 500),
    ("Shenyang", "Saint Petersburg", ("Manzhouli",), 950),
    # Erenhot / Zamyn-Üüd
    ("Beijing", "Moscow", ("Erenhot",), 1850),
    ("Hefei", "Minsk", ("Erenhot",), 1150),
    ("Zhengzhou", "Hamburg", ("Erenhot",), 600),
)


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
        An explicit path (e.g. from the route planner); found with :func:`corridor_path`
        when ``None``.
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
    net: CorridorNetwork, origin: str, destination: str, *, via: Sequence[str] = ()
) -> CorridorRoute:
    """Find the fastest open path between two nodes (a stand-in for the route planner).

    The weight of a link is its mean running time (plus half the sailing interval on water
    links) plus the mean border processing at the node it enters. Planned links and nodes
    are not used.

    Parameters
    ----------
    net
        The network.
    origin, destination
        Node ids, names or aliases.
    via
        Nodes to pass in order.

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
    )
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
    graph = csr_matrix((w, (src, dst)), shape=(n, n))
    best = {(int(a), int(b)): int(c) for a, b, c in zip(src, dst, lid, strict=True)}
    nodes = [stops[0]]
    for a, b in itertools.pairwise(stops):
        _, preds = dijkstra(graph, directed=True, indices=[a], return_predecessors=True)
        pred = preds[0]
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


def default_services(
    *, scale: float = 1.0, feu: float = DEFAULT_TRAIN_FEU
) -> tuple[CorridorService, ...]:
    """Return the default 2024 train services (:data:`DEFAULT_OD_2024`), both directions.

    Parameters
    ----------
    scale
        Multiplies every service's trains per week.
    feu
        FEU per train.

    Returns
    -------
    tuple of CorridorService
        Two services per OD pair, one each way, with the via gateways reversed on the way
        back.

    Examples
    --------
    >>> svc = default_services()
    >>> round(sum(s.trains_per_week for s in svc) * 365.25 / 7)
    18950
    """
    out: list[CorridorService] = []
    for o, d, via, per_year in DEFAULT_OD_2024:
        per_week = scale * per_year / 2.0 * 7.0 / 365.25
        out.append(CorridorService(o, d, trains_per_week=per_week, feu=feu, via=via))
        out.append(
            CorridorService(d, o, trains_per_week=per_week, feu=feu, via=tuple(reversed(via)))
        )
    return tuple(out)


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
    name: str = "corridor",
) -> SimulationModel:
    """Build the simulation model of train services on the corridor network.

    See the module docstring for the stations each route gets.

    Parameters
    ----------
    net
        The network.
    services
        Train services; each gets a route (its own, or :func:`corridor_path`).
    vessel_feu
        FEU per ferry sailing.
    sea_vessel_feu
        FEU per deep-sea sailing.
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
        nodes.

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
    link_index = {str(k): i for i, k in enumerate(net.link_id)}
    stations: dict[str, Station] = {}
    routes: list[Route] = []
    train_services: list[TrainService] = []
    used_names: set[str] = set()
    for sv in services:
        path = sv.route or corridor_path(net, sv.origin, sv.destination, via=sv.via)
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
            links.append(k)
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
    port = (
        m_in != m_out and (m_in in _WATER or m_out in _WATER) and bool(net.offers_port_transfer[i])
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
    order = ("port", "border", "gauge") if m_in in _WATER else ("border", "gauge", "port")
    names = []
    for key in order:
        if key in out:
            st = out[key]
            stations.setdefault(st.name, st)
            names.append(st.name)
    return names


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
        st = Ferry(
            name,
            vessel_feu=sea_vessel_feu if sea else vessel_feu,
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
