"""Build planner routes from search paths: legs cached per graph edge, numbers for every path.

A plan's search finds ~10-30 Pareto paths but shows a few rows. Building a :class:`Route`
(its legs, label, countries) cost more than the search, so the planner ranks every path on
:func:`paths_numbers` (the same sums a route would hold) and builds routes, in that order, only
until its rows are full; a leg is the same for every path through its edge, so legs are made
once per graph edge and kept as long as the graph.
"""

from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from silkrail.graph import CLASS_NAMES, EDGE_TRAVEL, N_RAIL_CLASSES, CorridorGraph
from silkrail.network._geo import great_circle_km
from silkrail.network._schema import LinkMode
from silkrail.routing._cache import network_cache
from silkrail.routing.labels import corridor_label
from silkrail.routing.results import _Z95, HOURS_PER_DAY, Leg, Route, lognormal_quantile

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail._typing import IntArray
    from silkrail.network.model import CorridorNetwork
    from silkrail.routing.search import ParetoPath

__all__ = [
    "PathNumbers",
    "build_route",
    "edge_legs",
    "legs_label",
    "paths_numbers",
]

_MODE_NAMES = tuple(m.name.lower() for m in LinkMode)
# Origin-destination pairs whose great-circle distance is remembered per network.
_MAX_PAIRS = 4096


def edge_legs(net: CorridorNetwork, graph: CorridorGraph, edges: IntArray) -> list[Leg]:
    """Return the legs of `edges` (graph edge indices), made once per edge of `graph`.

    Parameters
    ----------
    net
        The network `graph` was compiled from.
    graph
        The compiled graph.
    edges
        Edge indices, in path order.

    Returns
    -------
    list of Leg
        One leg per edge.

    Examples
    --------
    >>> import numpy as np
    >>> from silkrail.graph import compile_graph
    >>> from silkrail.network import load_network
    >>> net = load_network()
    >>> g = compile_graph(net)
    >>> legs = edge_legs(net, g, np.array([0, 0]))
    >>> legs[0] is legs[1]
    True
    """
    store = _leg_store(net, graph)
    keys = edges.tolist()  # Python ints
    todo = [k for k in dict.fromkeys(keys) if k not in store]
    if todo:
        store.update(
            zip(todo, _make_legs(net, graph, np.asarray(todo, dtype=np.int64)), strict=True)
        )
    return [store[k] for k in keys]


def _leg_store(net: CorridorNetwork, graph: CorridorGraph) -> dict[int, Leg]:
    return _graph_cache(net, graph).legs


@dataclass(frozen=True)
class _GraphCache:
    # Legs made so far, by edge: about 1 kB each, 2 MB for every edge of the packaged graph.
    legs: dict[int, Leg]
    # The columns a route sums, edge by edge (one gather per path): time mean and variance,
    # cost, CO2e WTW and TTW, km, transfers (`_segment_sums`).
    columns: np.ndarray


def _graph_cache(net: CorridorNetwork, graph: CorridorGraph) -> _GraphCache:
    # Graphs compare by value (numpy columns), so they are not hashable: keyed by identity in
    # the network's cache, and dropped when the graph is.
    cache = network_cache(net)
    key = ("route_building", id(graph))
    hit = cache.get(key)
    if isinstance(hit, tuple) and hit[0]() is graph:
        out: _GraphCache = hit[1]
        return out
    columns = np.stack(
        [graph.time_mean, graph.time_var, graph.cost, graph.co2_wtw, graph.co2_ttw,
         graph.distance_km, graph.transship]
    ).astype(np.float64)  # fmt: skip
    out = _GraphCache(legs={}, columns=np.ascontiguousarray(columns.T))
    cache[key] = (weakref.ref(graph, partial(_forget, cache, key)), out)
    return out


def _sums(net: CorridorNetwork, graph: CorridorGraph, e: IntArray) -> list[float]:
    """Sum a route's columns over edges `e` (see :class:`_GraphCache`) in one operation."""
    sums: list[float] = _segment_sums(net, graph, e, np.zeros(1, dtype=np.int64))[0].tolist()
    return sums


def _segment_sums(
    net: CorridorNetwork, graph: CorridorGraph, edges: IntArray, starts: IntArray
) -> np.ndarray:
    """Sum the columns over each segment of `edges` that begins at `starts` (one row each).

    One ``add.reduceat`` adds each segment's edges in path order, whatever the segments
    around it, so a path's sums are the same bits alone (:func:`build_route`) or among
    others (:func:`paths_numbers`).
    """
    cols = _graph_cache(net, graph).columns
    out: np.ndarray = np.add.reduceat(cols[edges], starts, axis=0)
    return out


def _forget(cache: dict[object, object], key: object, _ref: object) -> None:
    cache.pop(key, None)


def _make_legs(net: CorridorNetwork, graph: CorridorGraph, e: IntArray) -> list[Leg]:
    # Gather every column at once: indexing numpy arrays one scalar at a time is what made
    # building routes cost more than finding them.
    tail_state, head_state = graph.edge_tail[e], graph.edge_head[e]
    a_nodes = graph.state_node[tail_state]
    b_nodes = graph.state_node[head_state]
    travel = (graph.edge_kind[e] == EDGE_TRAVEL).tolist()
    safe_links = np.maximum(graph.edge_link[e], 0)
    link_modes = net.link_mode[safe_links].tolist()
    gauges = net.link_gauge_mm[safe_links].tolist()
    link_ids = net.link_id[safe_links].tolist()
    from_cls = graph.state_class[tail_state].tolist()
    to_cls = graph.state_class[head_state].tolist()
    border_at_head = np.nan_to_num(net.border_hours[b_nodes]).tolist()
    ids_a, ids_b = net.node_id[a_nodes].tolist(), net.node_id[b_nodes].tolist()
    names_a, names_b = net.node_name[a_nodes].tolist(), net.node_name[b_nodes].tolist()
    lon_a, lon_b = net.node_lon[a_nodes].tolist(), net.node_lon[b_nodes].tolist()
    lat_a, lat_b = net.node_lat[a_nodes].tolist(), net.node_lat[b_nodes].tolist()
    dist = graph.distance_km[e].tolist()
    hours = graph.time_mean[e].tolist()
    waits = graph.wait_mean[e].tolist()
    costs = graph.cost[e].tolist()
    wtws = graph.co2_wtw[e].tolist()
    ttws = graph.co2_ttw[e].tolist()
    legs: list[Leg] = []
    for k in range(len(e)):
        if travel[k]:
            kind, mode, gauge = "travel", _MODE_NAMES[link_modes[k]], int(gauges[k])
        else:
            f, t = from_cls[k], to_cls[k]
            kind = "gauge change" if f < N_RAIL_CLASSES and t < N_RAIL_CLASSES else "transfer"
            mode, gauge = ("rail" if t < N_RAIL_CLASSES else CLASS_NAMES[t].split()[0]), 0
        legs.append(
            Leg(
                kind=kind,
                from_id=ids_a[k],
                to_id=ids_b[k],
                from_name=names_a[k],
                to_name=names_b[k],
                mode=mode,
                gauge_mm=gauge,
                distance_km=dist[k],
                hours=hours[k],
                wait_hours=waits[k],
                border_hours=border_at_head[k] if travel[k] else 0.0,
                cost_usd=costs[k],
                co2e_wtw_kg=wtws[k],
                co2e_ttw_kg=ttws[k],
                link_id=link_ids[k] if travel[k] else "",
                lon=(lon_a[k], lon_b[k]),
                lat=(lat_a[k], lat_b[k]),
            )
        )
    return legs


@dataclass(frozen=True)
class PathNumbers:
    """What ranking needs of one path, summed exactly as :func:`build_route` sums it.

    Attributes
    ----------
    hours_mean, cost_usd_per_feu, co2e_kg_per_feu_wtw
        The route's expected hours, cost and well-to-wheel CO2e per FEU.
    generalized_cost
        ``cost + value_of_time × hours_mean``, bit for bit the route's.
    sea_voyages
        Separate deep-sea voyages (runs of sea links between land links).
    distance_km
        The route's km, bit for bit.
    """

    hours_mean: float
    cost_usd_per_feu: float
    co2e_kg_per_feu_wtw: float
    generalized_cost: float
    sea_voyages: int
    distance_km: float


def paths_numbers(
    net: CorridorNetwork,
    graph: CorridorGraph,
    paths: Sequence[ParetoPath],
    value_of_time: float,
) -> list[PathNumbers]:
    """Return the ranking numbers of paths without building their routes.

    A plan ranks every path its searches find: summing them all in one operation costs
    about what one path's sums did, and each path's numbers are its route's, bit for bit.

    Parameters
    ----------
    net
        The network `graph` was compiled from.
    graph
        The compiled graph.
    paths
        Search paths (each with at least one edge).
    value_of_time
        USD per FEU-hour of the generalized cost.

    Returns
    -------
    list of PathNumbers
        Their numbers, in the order of `paths`.

    Examples
    --------
    >>> from silkrail.graph import compile_graph
    >>> from silkrail.network import load_network
    >>> from silkrail.routing.search import pareto_paths
    >>> net = load_network()
    >>> g = compile_graph(net)
    >>> ps = pareto_paths(g, net.index_of("CNCKG"), net.index_of("DE-DUISBURG"))
    >>> [n.generalized_cost for n in paths_numbers(net, g, ps, 10.0)] == [
    ...     build_route(net, g, p, 10.0).generalized_cost for p in ps]
    True
    """
    if not paths:
        return []
    sizes = np.array([len(p.edges) for p in paths], dtype=np.int64)
    if not sizes.all():
        msg = "every path needs at least one edge"
        raise ValueError(msg)
    edges = np.concatenate([p.edges for p in paths])
    starts = np.zeros(len(paths), dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    sums = _segment_sums(net, graph, edges, starts)
    # Separate deep-sea voyages: a sea link whose path's previous link (operations between
    # them aside) is not a sea link, or that is its path's first link.
    owner = np.repeat(np.arange(len(paths)), sizes)
    travel = graph.edge_kind[edges] == EDGE_TRAVEL
    links, owners = graph.edge_link[edges][travel], owner[travel]
    sea = net.link_mode[links] == LinkMode.SEA
    first = np.r_[True, owners[1:] != owners[:-1]]
    begins = sea & (first | ~np.r_[False, sea[:-1]])
    voyages = np.bincount(owners[begins], minlength=len(paths)).tolist()
    hours, _, cost, wtw, _, km, _ = sums.T.tolist()
    return [
        PathNumbers(
            hours_mean=h,
            cost_usd_per_feu=c,
            co2e_kg_per_feu_wtw=w,
            generalized_cost=c + value_of_time * h,
            sea_voyages=v,
            distance_km=d,
        )
        for h, c, w, v, d in zip(hours, cost, wtw, voyages, km, strict=True)
    ]


def legs_label(net: CorridorNetwork, legs: Sequence[Leg], *, via: Sequence[int] = ()) -> str:
    """Return the corridor label :func:`build_route` gives a route with these legs.

    The planner reads it from a path's cached legs (:func:`edge_legs`) before it decides to
    build the route.

    Parameters
    ----------
    net
        The network the legs belong to.
    legs
        A route's legs, in order.
    via
        Node indices the route was required to pass (named in its label).

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> from silkrail.graph import compile_graph
    >>> from silkrail.network import load_network
    >>> from silkrail.routing.search import pareto_paths
    >>> net = load_network()
    >>> g = compile_graph(net)
    >>> p = pareto_paths(g, net.index_of("CNCKG"), net.index_of("DE-DUISBURG"))[0]
    >>> legs_label(net, edge_legs(net, g, p.edges)) == build_route(net, g, p, 10.0).label
    True
    """
    return corridor_label(legs, net.country_of, via=tuple(net.node_id[list(via)].tolist()))


def build_route(
    net: CorridorNetwork,
    graph: CorridorGraph,
    path: ParetoPath,
    value_of_time: float,
    *,
    container: str = "40",
    via: Sequence[int] = (),
    label: str | None = None,
) -> Route:
    """Build the route of one search path: legs, label, totals and time statistics.

    Parameters
    ----------
    net
        The network `graph` was compiled from.
    graph
        The compiled graph.
    path
        A search path.
    value_of_time
        USD per FEU-hour of the generalized cost.
    container
        ``"40"`` or ``"20"``: the container size ``cost_usd_per_container`` prices.
    via
        Node indices the route was required to pass (named in its label).
    label
        The route's :func:`legs_label` with the same `via`, if already known.

    Returns
    -------
    Route
        The route, with lognormal time percentiles (the planner replaces them by draws).

    Examples
    --------
    >>> from silkrail.graph import compile_graph
    >>> from silkrail.network import load_network
    >>> from silkrail.routing.search import pareto_paths
    >>> net = load_network()
    >>> g = compile_graph(net)
    >>> p = pareto_paths(g, net.index_of("CNCKG"), net.index_of("DE-DUISBURG"))[0]
    >>> build_route(net, g, p, 10.0).nodes[0]
    'CNCKG'
    """
    e = path.edges
    legs = edge_legs(net, graph, e)
    hours_mean, hours_var, cost, wtw, ttw, distance, transship_f = _sums(net, graph, e)
    transship = int(transship_f)
    nodes = [legs[0].from_id] + [leg.to_id for leg in legs if leg.to_id != leg.from_id]
    # Borders and countries count where cargo stops, not the straits and canals ships pass.
    tail = graph.state_node[graph.edge_tail[e]]
    head = graph.state_node[graph.edge_head[e]]
    visited = np.concatenate([tail[:1], head[head != tail]])
    stops = net.node_country[visited[~net.is_sea_waypoint[visited]]].tolist()
    countries = list(dict.fromkeys(stops))
    borders = sum(a != b for a, b in itertools.pairwise(stops))
    crow = _crow_km(net, legs[0], legs[-1])
    return Route(
        label=legs_label(net, legs, via=via) if label is None else label,
        hours_mean=hours_mean,
        hours_var=hours_var,
        transit_days_p50=lognormal_quantile(hours_mean, hours_var, 0.0) / HOURS_PER_DAY,
        transit_days_p95=lognormal_quantile(hours_mean, hours_var, _Z95) / HOURS_PER_DAY,
        cost_usd_per_feu=cost,
        co2e_kg_per_feu_wtw=wtw,
        co2e_kg_per_feu_ttw=ttw,
        distance_km=distance,
        borders=borders,
        transshipments=transship,
        countries=tuple(countries),
        nodes=tuple(nodes),
        legs=tuple(legs),
        generalized_cost=cost + value_of_time * hours_mean,
        detour_index=distance / crow if crow > 0 else float("nan"),
        container=container,
        cost_usd_per_container=cost if container == "40" else _teu_cost(net, graph, e),
    )


def _crow_km(net: CorridorNetwork, first: Leg, last: Leg) -> float:
    """Great-circle km from the first leg's start to the last leg's end (cached per pair)."""
    cache = network_cache(net)
    known = cache.setdefault("crow_km", {})
    assert isinstance(known, dict)
    key = (first.from_id, last.to_id)
    hit = known.get(key)
    if isinstance(hit, float):
        return hit
    ends = np.array([[first.lat[0], first.lon[0], last.lat[1], last.lon[1]]])
    crow = float(great_circle_km(ends[:, 0], ends[:, 1], ends[:, 2], ends[:, 3])[0])
    if len(known) >= _MAX_PAIRS:  # a server sees many pairs; keep the memory bounded
        known.clear()
    known[key] = crow
    return crow


def _teu_cost(net: CorridorNetwork, graph: CorridorGraph, e: IntArray) -> float:
    """Price one 20-ft container over edges `e`.

    Each leg's per-FEU cost times the TEU/FEU price ratio of its mode (sea and ferry; rail and
    road) or of handling (gauge changes and transfers).
    """
    from silkrail.routing._defaults import teu_price_ratios

    ratio = teu_price_ratios()
    travel = graph.edge_kind[e] == EDGE_TRAVEL
    mode = net.link_mode[np.maximum(graph.edge_link[e], 0)]
    water = np.isin(mode, [LinkMode.SEA, LinkMode.FERRY])
    factor = np.where(travel, np.where(water, ratio["sea"], ratio["rail"]), ratio["handling"])
    return float((graph.cost[e] * factor).sum())
