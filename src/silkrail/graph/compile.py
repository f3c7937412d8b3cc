"""Compile a corridor network into a state-expanded CSR graph (DESIGN.md §3).

A *state* is a node together with the gauge or mode a train or ship arrives in: ``(Dostyk, rail
1520)``, ``(Aktau, ferry)``. Travel edges join states of one class along a link (both ways);
transfer edges join two states of one node and exist only where the node offers that operation
(gauge change between rail gauges; rail–water transfer between rail and ferry/sea or ferry and
sea; a truck lift between road and any other class). So a route can never change gauge or mode
silently, and every transshipment is an edge with its own time, cost and emissions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from silkrail.network._schema import LinkMode, Status

if TYPE_CHECKING:
    from silkrail._typing import BoolArray, FloatArray, IntArray
    from silkrail.network.model import CorridorNetwork

__all__ = [
    "CLASS_NAMES",
    "EDGE_TRANSFER",
    "EDGE_TRAVEL",
    "N_RAIL_CLASSES",
    "CSRGraph",
    "CorridorGraph",
    "LegEmissions",
    "compile_graph",
]

# Arrival classes of a state. Rail is split by gauge; water and road by mode.
# "road (lifted)" is a container just lifted onto a truck from a train or ship: it may only
# leave by road, so that two lifts at one node (train -> truck -> train) cannot stand in for a
# gauge change or a port transfer.
CLASS_NAMES = (
    "rail 1435",
    "rail 1520",
    "rail 1668",
    "rail 1676",
    "ferry",
    "sea",
    "road",
    "road (lifted)",
)
_RAIL_CLASS = {1435: 0, 1520: 1, 1668: 2, 1676: 3}
#: The rail classes come first: a class number below this is a rail gauge.
N_RAIL_CLASSES = len(_RAIL_CLASS)
_MODE_CLASS = {LinkMode.FERRY: 4, LinkMode.SEA: 5, LinkMode.ROAD: 6}
_WATER = (4, 5)
_ROAD = 6
_LIFTED = 7
EDGE_TRAVEL = 0
EDGE_TRANSFER = 1
HOURS_PER_WEEK = 168.0


@dataclass(frozen=True)
class CSRGraph:
    """A directed graph in compressed sparse row form.

    Attributes
    ----------
    indptr
        ``indptr[v]:indptr[v+1]`` are the out-edges of vertex ``v`` (length ``n + 1``).
    indices
        Head vertex of each edge.
    link_ids
        The edge's id in the graph it was compiled from (here: the state-graph edge number).
    cost
        Edge weight, float64.
    """

    indptr: IntArray
    indices: IntArray
    link_ids: IntArray
    cost: FloatArray

    @property
    def n_vertices(self) -> int:
        """Number of vertices."""
        return len(self.indptr) - 1

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.indices)

    @classmethod
    def from_edges(
        cls, tail: IntArray, head: IntArray, cost: FloatArray, *, n_vertices: int
    ) -> CSRGraph:
        """Build a CSR graph from edge lists (edges keep their order within a tail).

        Parameters
        ----------
        tail, head
            Vertex numbers of each edge.
        cost
            Edge weights.
        n_vertices
            Number of vertices.

        Returns
        -------
        CSRGraph
            The graph; ``link_ids`` maps each CSR edge back to its position in the input.

        Examples
        --------
        >>> import numpy as np
        >>> g = CSRGraph.from_edges(np.array([1, 0]), np.array([0, 1]), np.array([2.0, 3.0]),
        ...                         n_vertices=2)
        >>> g.indptr.tolist(), g.indices.tolist(), g.link_ids.tolist()
        ([0, 1, 2], [1, 0], [1, 0])
        """
        order = np.argsort(tail, kind="stable")
        counts = np.bincount(tail, minlength=n_vertices)
        indptr = np.zeros(n_vertices + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(
            indptr=indptr,
            indices=np.ascontiguousarray(head[order], dtype=np.int64),
            link_ids=order.astype(np.int64),
            cost=np.ascontiguousarray(cost[order], dtype=np.float64),
        )


@dataclass(frozen=True)
class LegEmissions:
    """Emissions of one FEU per link traversal and per transfer, in kg CO2e.

    Attributes
    ----------
    link_wtw, link_ttw
        Per link of the network, well-to-wheel and tank-to-wheel.
    gauge_change_wtw, gauge_change_ttw, port_transfer_wtw, port_transfer_ttw
        Per node, for one gauge change or one rail–water transfer.
    """

    link_wtw: FloatArray
    link_ttw: FloatArray
    gauge_change_wtw: FloatArray
    gauge_change_ttw: FloatArray
    port_transfer_wtw: FloatArray
    port_transfer_ttw: FloatArray

    @classmethod
    def zeros(cls, net: CorridorNetwork) -> LegEmissions:
        """No emissions anywhere (for tests of time and cost alone)."""
        z_l, z_n = np.zeros(net.n_links), np.zeros(net.n_nodes)
        return cls(z_l, z_l, z_n, z_n, z_n, z_n)


@dataclass(frozen=True)
class CorridorGraph:
    """The state-expanded corridor graph with every criterion on every edge.

    Each edge ``e`` leads from state ``edge_tail[e]`` to ``edge_head[e]``; states are
    ``(state_node, state_class)``. A travel edge carries the link (``edge_link``) and its
    direction; a transfer edge carries the node (``edge_node``) where the operation happens.
    Times are hours; ``time_var`` is the variance of the edge's time (h²) so that route times
    add in mean and variance. Edges are stored sorted by tail, with ``indptr`` as in CSR.
    """

    n_nodes: int
    state_node: IntArray
    state_class: IntArray
    indptr: IntArray
    edge_tail: IntArray
    edge_head: IntArray
    edge_kind: IntArray
    edge_link: IntArray
    edge_node: IntArray
    time_mean: FloatArray
    time_var: FloatArray
    cost: FloatArray
    co2_wtw: FloatArray
    co2_ttw: FloatArray
    distance_km: FloatArray
    border: IntArray
    transship: IntArray
    wait_mean: FloatArray
    open: BoolArray

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

    @property
    def n_states(self) -> int:
        """Number of states."""
        return len(self.state_node)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.edge_head)

    def states_of(self, node: int) -> IntArray:
        """Return the states of a node (one per arrival class)."""
        return np.flatnonzero(self.state_node == node)

    def to_csr(self, weight: FloatArray) -> CSRGraph:
        """Return a single-criterion CSR view with the given edge weights."""
        return CSRGraph(self.indptr, self.edge_head, np.arange(self.n_edges), weight)

    def edges_frame(self) -> pd.DataFrame:
        """Return every edge and its criteria as a table."""
        return pd.DataFrame(
            {
                "tail": self.edge_tail,
                "head": self.edge_head,
                "kind": np.where(self.edge_kind == EDGE_TRAVEL, "travel", "transfer"),
                "link": self.edge_link,
                "node": self.edge_node,
                "time_mean_h": self.time_mean,
                "time_var_h2": self.time_var,
                "cost_usd": self.cost,
                "co2e_wtw_kg": self.co2_wtw,
                "co2e_ttw_kg": self.co2_ttw,
                "distance_km": self.distance_km,
                "border": self.border,
                "transship": self.transship,
                "open": self.open,
            }
        )


def _link_class(net: CorridorNetwork) -> IntArray:
    cls = np.full(net.n_links, -1, dtype=np.int64)
    rail = net.link_mode == LinkMode.RAIL
    for gauge, c in _RAIL_CLASS.items():
        cls[rail & (net.link_gauge_mm == gauge)] = c
    for mode, c in _MODE_CLASS.items():
        cls[net.link_mode == mode] = c
    return cls


def compile_graph(
    net: CorridorNetwork,
    *,
    emissions: LegEmissions | None = None,
    include_planned: bool = False,
) -> CorridorGraph:
    """Build the state-expanded graph of a network with time, cost and emissions per edge.

    Time on a travel edge is running time (``distance_km / speed_kmh``, variance from
    ``time_cv``), plus for ferry and sea links the expected wait for a sailing (half the headway
    ``168 / sailings_per_week``, uniform arrival: variance headway²/12), plus border processing
    (``border_hours``, variance from ``border_cv``) when the edge enters a node that processes
    border crossings. Cost is the link tariff. A transfer edge costs the node's gauge-change,
    rail–water transfer or truck-lift (``road_transfer_hours``, ``road_usd_per_feu``) time and
    fee.

    Parameters
    ----------
    net
        The network.
    emissions
        kg CO2e per FEU of each link and transfer; zero if not given.
    include_planned
        Whether links and nodes with status ``planned`` may be used (their edges are marked
        ``open=False`` otherwise, and kept so that the planner can say what a planned link
        would change).

    Returns
    -------
    CorridorGraph
        The graph.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> g = compile_graph(load_network())
    >>> g.n_states > 0 and g.n_edges > g.n_states
    True
    """
    em = emissions if emissions is not None else LegEmissions.zeros(net)
    link_cls = _link_class(net)
    n = net.n_nodes
    n_cls = len(CLASS_NAMES)
    present = np.zeros((n, n_cls), dtype=bool)
    present[net.link_from, link_cls] = True
    present[net.link_to, link_cls] = True
    other_mode = present[:, :_ROAD].any(axis=1)
    present[:, _LIFTED] = present[:, _ROAD] & other_mode & ~np.isnan(net.road_transfer_hours)
    state_of = np.full((n, n_cls), -1, dtype=np.int64)
    state_node, state_class = np.nonzero(present)
    state_of[state_node, state_class] = np.arange(len(state_node))

    # Travel edges, both directions.
    links = np.arange(net.n_links)
    both = np.concatenate([links, links])
    tail_node = np.concatenate([net.link_from, net.link_to])
    head_node = np.concatenate([net.link_to, net.link_from])
    cls = link_cls[both]
    run = net.distance_km[both] / net.speed_kmh[both]
    run_var = (net.time_cv[both] * run) ** 2
    water = np.isin(cls, _WATER)
    with np.errstate(divide="ignore", invalid="ignore"):
        headway = np.where(water, HOURS_PER_WEEK / net.sailings_per_week[both], 0.0)
    # A lane that leaves or enters a port waits for that lane's sailing; a lane between two
    # strait or canal waypoints is the same voyage sailing on, with no wait of its own. (A
    # voyage port -> waypoint -> port so waits at both ends: its rarer lane sets the wait.)
    between_waypoints = net.is_sea_waypoint[tail_node] & net.is_sea_waypoint[head_node]
    headway = np.where(between_waypoints, 0.0, np.nan_to_num(headway))
    wait = headway / 2.0
    wait_var = headway**2 / 12.0
    border_h = np.nan_to_num(net.border_hours[head_node])
    border_var = (np.nan_to_num(net.border_cv[head_node]) * border_h) ** 2
    crosses = (net.node_country[tail_node] != net.node_country[head_node]).astype(np.int64)
    link_open = net.link_status[both] == Status.OPEN
    link_open &= net.node_status[tail_node] == Status.OPEN
    link_open &= net.node_status[head_node] == Status.OPEN
    travel = {
        "tail": state_of[tail_node, cls],
        "head": state_of[head_node, cls],
        "kind": np.full(len(both), EDGE_TRAVEL),
        "link": both,
        "node": np.full(len(both), -1),
        "time_mean": run + wait + border_h,
        "time_var": run_var + wait_var + border_var,
        "cost": net.tariff_usd_per_feu[both],
        "co2_wtw": em.link_wtw[both],
        "co2_ttw": em.link_ttw[both],
        "distance_km": net.distance_km[both],
        "border": crosses,
        "transship": np.zeros(len(both), dtype=np.int64),
        "wait_mean": wait,
        "open": link_open,
    }

    # Road links also leave from the lifted state of their tail (into the ordinary road state).
    from_lifted = (cls == _ROAD) & (state_of[tail_node, _LIFTED] >= 0)
    lifted_travel = {key: v[from_lifted] for key, v in travel.items()}
    lifted_travel["tail"] = state_of[tail_node[from_lifted], _LIFTED]

    # Transfer edges between the states of one node, where the node offers the operation.
    parts: list[dict[str, np.ndarray]] = [travel, lifted_travel]
    # No hub emission factor is sourced (see graph.emissions), so a truck lift emits 0 as well.
    no_hub_factor = np.zeros(n)
    for a in range(n_cls):
        for b in range(n_cls):
            if a == b:
                continue
            both_rail = a < N_RAIL_CLASSES and b < N_RAIL_CLASSES
            # Lifts go onto a truck into the lifted state and off a truck from the road state.
            if a == _LIFTED or b == _ROAD or (a == _ROAD and b == _LIFTED):
                continue
            road_change = a == _ROAD or b == _LIFTED
            water_change = (a in _WATER or b in _WATER) and not road_change
            if both_rail:
                hours, fee = net.gauge_change_hours, net.gauge_change_usd_per_feu
                wtw, ttw = em.gauge_change_wtw, em.gauge_change_ttw
            elif water_change:
                hours, fee = net.port_transfer_hours, net.port_usd_per_feu
                wtw, ttw = em.port_transfer_wtw, em.port_transfer_ttw
            elif road_change:
                hours, fee = net.road_transfer_hours, net.road_usd_per_feu
                wtw, ttw = no_hub_factor, no_hub_factor
            else:
                continue
            nodes = np.flatnonzero(present[:, a] & present[:, b] & ~np.isnan(hours))
            k = len(nodes)
            parts.append(
                {
                    "tail": state_of[nodes, a],
                    "head": state_of[nodes, b],
                    "kind": np.full(k, EDGE_TRANSFER),
                    "link": np.full(k, -1),
                    "node": nodes,
                    "time_mean": hours[nodes],
                    "time_var": np.zeros(k),
                    "cost": np.nan_to_num(fee[nodes]),
                    "co2_wtw": wtw[nodes],
                    "co2_ttw": ttw[nodes],
                    "distance_km": np.zeros(k),
                    "border": np.zeros(k, dtype=np.int64),
                    "transship": np.ones(k, dtype=np.int64),
                    "wait_mean": np.zeros(k),
                    "open": net.node_status[nodes] == Status.OPEN,
                }
            )
    cols = {key: np.concatenate([p[key] for p in parts]) for key in travel}
    order = np.argsort(cols["tail"], kind="stable")
    cols = {key: np.ascontiguousarray(v[order]) for key, v in cols.items()}
    n_states = len(state_node)
    indptr = np.zeros(n_states + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols["tail"], minlength=n_states), out=indptr[1:])
    if include_planned:
        cols["open"] = np.ones_like(cols["open"])
    return CorridorGraph(
        n_nodes=n,
        state_node=state_node.astype(np.int64),
        state_class=state_class.astype(np.int64),
        indptr=indptr,
        edge_tail=cols["tail"].astype(np.int64),
        edge_head=cols["head"].astype(np.int64),
        edge_kind=cols["kind"].astype(np.int64),
        edge_link=cols["link"].astype(np.int64),
        edge_node=cols["node"].astype(np.int64),
        time_mean=cols["time_mean"].astype(np.float64),
        time_var=cols["time_var"].astype(np.float64),
        cost=cols["cost"].astype(np.float64),
        co2_wtw=cols["co2_wtw"].astype(np.float64),
        co2_ttw=cols["co2_ttw"].astype(np.float64),
        distance_km=cols["distance_km"].astype(np.float64),
        border=cols["border"].astype(np.int64),
        transship=cols["transship"].astype(np.int64),
        wait_mean=cols["wait_mean"].astype(np.float64),
        open=cols["open"].astype(bool),
    )
