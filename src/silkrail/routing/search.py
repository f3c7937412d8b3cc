"""Search engines over compiled graphs: one-to-all Dijkstra and the multi-criteria Pareto search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from silkrail._memo import IdentityMemo
from silkrail.errors import SearchBudgetError
from silkrail.graph import _kernels as graph_kernels
from silkrail.routing._kernels import N_CRIT, jit, pareto_kernel

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail._typing import BoolArray, FloatArray, IntArray
    from silkrail.graph import CorridorGraph, CSRGraph

__all__ = ["CRITERIA", "LabelBudget", "ParetoPath", "dijkstra_one_to_all", "pareto_paths"]

# Criteria the Pareto search can minimise, by name -> CorridorGraph column.
CRITERIA = {
    "time": "time_mean",
    "cost": "cost",
    "co2e": "co2_wtw",
    "co2e_ttw": "co2_ttw",
    "distance": "distance_km",
    "transshipments": "transship",
    "borders": "border",
}
_INITIAL_LABELS = 1 << 13
# Below this many (layered) edges the Pareto kernel runs uncompiled: faster than loading numba.
COMPILE_ABOVE_EDGES = 20_000
_MAX_LABELS = 1 << 24
# Node bits per int64 word of a label's visited set in elementary mode (63 keeps words >= 0).
_BITS = 63


def _check_array(name: str, a: np.ndarray, dtype: type) -> None:
    if a.dtype != dtype:
        msg = f"{name} must be {np.dtype(dtype)}, got {a.dtype}"
        raise TypeError(msg)
    if not a.flags.c_contiguous:
        msg = f"{name} must be C-contiguous"
        raise ValueError(msg)


def dijkstra_one_to_all(graph: CSRGraph, source: int) -> tuple[FloatArray, IntArray]:
    """Shortest-path distances and predecessor edges from one vertex to all others.

    Parameters
    ----------
    graph
        A CSR graph with non-negative float64 costs.
    source
        The start vertex.

    Returns
    -------
    dist : numpy.ndarray
        Distance to each vertex (``inf`` where unreachable).
    pred : numpy.ndarray
        CSR edge index used to reach each vertex (``-1`` at the source and unreachable ones).

    Raises
    ------
    TypeError
        If the arrays have the wrong dtype.
    ValueError
        If `source` is out of range or a cost is negative.

    Examples
    --------
    >>> import numpy as np
    >>> from silkrail.graph import CSRGraph
    >>> g = CSRGraph.from_edges(np.array([0, 1, 0]), np.array([1, 2, 2]),
    ...                         np.array([1.0, 1.0, 5.0]), n_vertices=3)
    >>> dist, pred = dijkstra_one_to_all(g, 0)
    >>> dist.tolist()
    [0.0, 1.0, 2.0]
    """
    _check_array("indptr", graph.indptr, np.int64)
    _check_array("indices", graph.indices, np.int64)
    _check_array("cost", graph.cost, np.float64)
    n = graph.n_vertices
    if not 0 <= source < n:
        msg = f"source {source} out of range; the graph has {n} vertices"
        raise ValueError(msg)
    if graph.cost.size and graph.cost.min() < 0:
        msg = f"costs must be >= 0, found {graph.cost.min()}"
        raise ValueError(msg)
    dist = np.empty(n, dtype=np.float64)
    pred = np.empty(n, dtype=np.int64)
    order, heap, hpos = (np.empty(n, dtype=np.int64) for _ in range(3))
    dijkstra = graph_kernels.jit("dijkstra")
    # link=None: CSR position k is edge k, so pred holds CSR edge indices.
    dijkstra(int(source), graph.indptr, None, graph.indices, graph.cost, 0, dist, pred, order,
             heap, np.empty(n, dtype=np.float64), hpos)  # fmt: skip
    return dist, pred


class LabelBudget:
    """Labels that the searches of one request may still create, shared by all of them.

    The Pareto search does work superlinear in its labels (each new label is compared with
    the labels at its state), so a label count bounds a request's search time; unlike a
    clock, it gives the same answer on a busy and an idle machine. A search run that fills
    its arrays counts in full, since its work was done.

    Parameters
    ----------
    limit
        Labels allowed in total.

    Examples
    --------
    >>> b = LabelBudget(100)
    >>> b.spend(30)
    >>> b.remaining
    70
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            msg = f"the label budget must be >= 1, got {limit}"
            raise ValueError(msg)
        self.limit = limit
        self.used = 0

    @property
    def remaining(self) -> int:
        """Labels still allowed."""
        return max(self.limit - self.used, 0)

    def spend(self, labels: int) -> None:
        """Count `labels` as created."""
        self.used += labels

    def exceeded(self) -> SearchBudgetError:
        """Return the error of a search that needed more labels than the budget allows."""
        msg = (
            f"the route search needs more than its budget of {self.limit:,} labels "
            "(max_labels); ask for fewer via places or fewer routes, or add constraints"
        )
        return SearchBudgetError(msg, limit=self.limit)


@dataclass(frozen=True)
class ParetoPath:
    """One non-dominated path: its edges in order and its criteria sums."""

    edges: IntArray
    criteria: FloatArray


def _layered(
    graph: CorridorGraph, vias: Sequence[int], require: BoolArray | None
) -> tuple[IntArray, IntArray, IntArray, int, int]:
    """Stack copies of the graph, one per search stage.

    A stage is ``(via_stage, used)``: ``via_stage`` counts the via nodes reached in order
    (entering via ``i`` moves stage ``i`` to ``i + 1``) and ``used`` records whether the path
    has taken one of the `require` edges yet. Copy ``k = via_stage + n_via_stages * used``.
    """
    s, e = graph.n_states, graph.n_edges
    n_via = len(vias) + 1
    n_req = 1 if require is None else 2
    if n_via == 1 and n_req == 1:
        # One stage: the graph itself (the planner's main search).
        return (
            np.ascontiguousarray(graph.indptr, dtype=np.int64),
            np.ascontiguousarray(graph.edge_head, dtype=np.int64),
            np.arange(e, dtype=np.int64),
            1,
            1,
        )
    head_node = graph.state_node[graph.edge_head]
    heads, indptrs = [], []
    for used in range(n_req):
        for stage in range(n_via):
            layer = stage + n_via * used
            nxt_stage = np.full(e, stage)
            if stage < len(vias):
                nxt_stage = np.where(head_node == vias[stage], stage + 1, stage)
            nxt_used = np.full(e, used) if require is None else np.maximum(used, require)
            h = graph.edge_head + (nxt_stage + n_via * nxt_used) * s
            heads.append(h)
            indptrs.append(graph.indptr[:-1] + layer * e)
    layers = n_via * n_req
    indptr = np.append(np.concatenate(indptrs), layers * e)
    edge_ids = np.tile(np.arange(e), layers)
    return (
        np.ascontiguousarray(indptr, dtype=np.int64),
        np.ascontiguousarray(np.concatenate(heads), dtype=np.int64),
        edge_ids.astype(np.int64),
        layers,
        n_via,
    )


def pareto_paths(
    graph: CorridorGraph,
    origin: int,
    destination: int,
    *,
    criteria: Sequence[str] = ("time", "cost", "co2e"),
    edge_ok: BoolArray | None = None,
    via: Sequence[int] = (),
    max_transshipments: int | None = None,
    eps: float = 0.0,
    require: BoolArray | None = None,
    compile_above: int = COMPILE_ABOVE_EDGES,
    simple: bool = True,
    budget: LabelBudget | None = None,
) -> list[ParetoPath]:
    """Every Pareto-optimal path between two nodes of a state-expanded graph.

    With `simple` (the default) a path visits no node twice, in any state or search stage:
    a required via is never met by going out to it and back. The search first runs without
    that condition; if every path it finds is simple, they are the Pareto set of simple paths
    too (a simple path is a path, so one of them dominates or equals it). Otherwise it runs
    again with the nodes visited twice tracked: a label carries which of them its path has
    visited, may not enter one again, and dominates only labels that have visited all of its
    tracked nodes. This relaxation never discards a simple path that another does not
    dominate, so when its paths are all simple they are exactly the Pareto set of simple
    paths; else the newly repeated nodes join the tracked set and it runs again (decremental
    state-space relaxation). The packaged network needs one or two extra runs for a via.

    Parameters
    ----------
    graph
        The compiled corridor graph.
    origin, destination
        Node indices; a path may start in any state of the origin and end in any state of
        the destination.
    criteria
        Up to four names from :data:`CRITERIA` to minimise together.
    edge_ok
        Edges the path may use (default: the graph's open edges).
    via
        Nodes the path must pass through, in this order.
    max_transshipments
        Cap on gauge changes and rail–water transfers.
    eps
        Relative tolerance of dominance pruning (0 = exact Pareto set).
    require
        Edges of which every path must use at least one (e.g. the sea links).
    compile_above
        Run the numba-compiled kernel when the search graph has more edges than this, the
        same kernel uncompiled otherwise (0: always compiled).
    budget
        Labels this search (every run of it) may create, shared with other searches of the
        same request; default unbounded (up to 2**24 labels a run).
    simple
        Return only paths that visit no node twice (operations at a node, such as a gauge
        change, stay at that node and do not count as a second visit).

    Returns
    -------
    list of ParetoPath
        Non-dominated paths in lexicographic order of the criteria; empty if none exists.

    Raises
    ------
    ValueError
        If a criterion is unknown or more than four are given.
    SearchBudgetError
        If the search needs more labels than `budget` has left.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> from silkrail.graph import compile_graph
    >>> net = load_network()
    >>> g = compile_graph(net)
    >>> paths = pareto_paths(g, net.index_of("CNCKG"), net.index_of("DE-DUISBURG"))
    >>> len(paths) >= 1
    True
    """
    names = list(criteria)
    unknown = [c for c in names if c not in CRITERIA]
    if unknown or not 1 <= len(names) <= N_CRIT:
        msg = f"criteria must be 1 to {N_CRIT} of {list(CRITERIA)}, got {names}"
        raise ValueError(msg)
    limit_col, limit = -1, 0.0
    cols = [np.asarray(getattr(graph, CRITERIA[c]), dtype=np.float64) for c in names]
    if max_transshipments is not None:
        if "transshipments" not in names:
            names.append("transshipments")
            cols.append(graph.transship.astype(np.float64))
            if len(cols) > N_CRIT:
                msg = "max_transshipments needs a free criterion slot; give at most 3 criteria"
                raise ValueError(msg)
        limit_col, limit = names.index("transshipments"), float(max_transshipments)
    crit = np.zeros((graph.n_edges, N_CRIT), dtype=np.float64)
    for k, col in enumerate(cols):
        crit[:, k] = col
    ok = graph.open if edge_ok is None else edge_ok
    indptr, head, edge_ids, layers, _ = _layered(graph, list(via), require)
    crit_l = np.ascontiguousarray(np.tile(crit, (layers, 1))) if layers > 1 else crit
    ok_l = np.ascontiguousarray(np.tile(ok, layers), dtype=np.bool_)
    n_states = graph.n_states
    start_layer = 1 if via and via[0] == origin else 0
    sources = graph.states_of(origin) + start_layer * n_states
    is_target = np.zeros(layers * n_states, dtype=np.bool_)
    is_target[graph.states_of(destination) + (layers - 1) * n_states] = True
    if layers > 1:
        # A path may not pass through the destination before it has met every stage
        # condition: "reach Duisburg, go on to a port, come back" is no route.
        dest_early = np.isin(
            head, graph.states_of(destination)[:, None] + np.arange(layers - 1) * n_states
        )
        ok_l &= ~dest_early
    node_of = np.tile(graph.state_node, layers) if layers > 1 else graph.state_node
    compiled = len(head) > compile_above
    # The kernel in use; an uncompiled search that outgrows its first label arrays goes on
    # compiled (interpreted, a search of 500,000 labels took minutes).
    kernel = jit("pareto_kernel") if compiled else pareto_kernel
    lower = _staged_lower_bounds(graph, crit, ok, list(via), destination, len(cols), layers,
                                 compiled=compiled)  # fmt: skip

    last_n = 0  # labels of the last run

    def run(tracked: list[int]) -> list[ParetoPath]:
        nonlocal kernel, last_n
        # Bit i of a label's visited set stands for tracked node i; other nodes have no bit.
        slot = np.full(graph.n_nodes, -1, dtype=np.int64)
        slot[tracked] = np.arange(len(tracked))
        s_slot = slot[node_of]
        node_word = np.ascontiguousarray(np.maximum(s_slot, 0) // _BITS, dtype=np.int64)
        node_bit = np.where(s_slot >= 0, np.left_shift(1, np.maximum(s_slot, 0) % _BITS), 0)
        node_bit = np.ascontiguousarray(node_bit, dtype=np.int64)
        n_words = -(-len(tracked) // _BITS)
        # A rerun needs at least the labels of the run before: start there, not refill.
        cap = max(_INITIAL_LABELS, 2 << last_n.bit_length())
        if budget is not None:
            cap = min(cap, budget.remaining)
            if cap < 1:
                raise budget.exceeded()
        while True:
            lab_state = np.empty(cap, dtype=np.int64)
            lab_crit = np.empty((cap, N_CRIT), dtype=np.float64)
            lab_pred = np.empty(cap, dtype=np.int64)
            lab_edge = np.empty(cap, dtype=np.int64)
            lab_alive = np.zeros(cap, dtype=np.bool_)
            lab_vis = np.zeros((cap, n_words), dtype=np.int64)
            n = kernel(
                indptr, head, crit_l, ok_l, sources.astype(np.int64), is_target, lower, limit_col,
                limit, float(eps), node_word, node_bit, lab_state, lab_crit, lab_pred, lab_edge,
                lab_alive, lab_vis,
            )  # fmt: skip
            if budget is not None:
                budget.spend(n if n >= 0 else cap)
            if n >= 0:
                last_n = min(int(n), _MAX_LABELS >> 1)
                break
            if kernel is pareto_kernel:
                kernel = jit("pareto_kernel")
            if cap >= _MAX_LABELS:
                msg = f"Pareto search exceeded {_MAX_LABELS} labels; raise eps or add constraints"
                raise MemoryError(msg)
            if budget is not None:
                # The next run must hold more labels than this one did to get further.
                if budget.remaining <= cap:
                    raise budget.exceeded()
                cap = min(cap * 4, budget.remaining)
            else:
                cap *= 4
        return _front(n, len(cols), edge_ids, is_target, lab_state, lab_crit, lab_pred, lab_edge,
                      lab_alive, compiled=kernel is not pareto_kernel)  # fmt: skip

    # Decremental state-space relaxation (Righini & Salani 2008): forbid second visits only to
    # the nodes some path has visited twice so far, and search again until no path does.
    tracked: list[int] = []
    paths = run(tracked)
    while simple:
        if not _repeated_in_any(graph, paths, compiled=compiled):
            break
        # Track where each looping path enters its outermost loop: forbidding that second
        # visit removes the whole out-and-back, where tracking every repeated node (41 for
        # Yiwu-Madrid via Małaszewicze and Irun) weakens dominance so much that the labels
        # grow sevenfold. A tracked node is never visited twice, so each round tracks at
        # least one more node and the loop ends within n_nodes rounds (in practice a few).
        new = sorted(set(_loop_entries(graph, paths)) - set(tracked))
        tracked += new
        paths = run(tracked)
    return paths


def _staged_lower_bounds(
    graph: CorridorGraph,
    crit: FloatArray,
    ok: BoolArray,
    vias: list[int],
    destination: int,
    n_cols: int,
    layers: int,
    *,
    compiled: bool,
) -> FloatArray:
    """Lower bounds for every state of every layer of a search through `vias` in order.

    A state of via stage ``k`` (vias ``0..k-1`` met) must still reach via ``k``, then each
    later via, then the destination, so its bound is its least sum to via ``k`` plus the least
    sum, over via ``k``'s states, of stage ``k + 1``'s bound. Bounding every stage by the
    distance to the destination alone would be admissible too, but it prunes nothing before
    the last via: a via far off the direct line then lets the labels grow without bound
    (Yiwu-Madrid via Irun and Małaszewicze took minutes). These bounds stay consistent: an
    edge into via ``k`` costs at least the state's distance to it, and the next stage's bound
    at the via's state is at least the minimum taken here. A layer for the required edges
    (`require`) shares its via stage's bounds.
    """
    stage = _lower_bounds(graph, crit, ok, graph.states_of(destination), n_cols,
                          compiled=compiled)  # fmt: skip
    stages = [stage]
    for v in reversed(vias):
        # The least sum from any state of v to the end of the remaining stages.
        rest = stage[graph.states_of(v)].min(axis=0)
        stage = _lower_bounds(graph, crit, ok, graph.states_of(v), n_cols, compiled=compiled)
        stage = stage + rest
        stages.append(stage)
    stages.reverse()  # stages[k]: bound of a state that has met vias 0..k-1
    n_via = len(vias) + 1
    if layers == 1:
        return stages[0]
    return np.ascontiguousarray(np.concatenate([stages[k % n_via] for k in range(layers)]))


def _lower_bounds(
    graph: CorridorGraph,
    crit: FloatArray,
    ok: BoolArray,
    targets: IntArray,
    n_cols: int,
    *,
    compiled: bool,
) -> FloatArray:
    """Each state's least sum of each criterion to any of the `targets` states over `ok` edges.

    One Dijkstra per criterion on the reversed graph, from a super-source joined to every
    target state at no cost; ``inf`` where no target is reachable. Columns past `n_cols` are
    zero where a target is reachable (those criteria are all zero). Computed on the graph
    itself, these also bound a search over stacked copies of it (a via or a required edge
    only adds conditions), and they are consistent: no edge costs less than the drop in
    bound along it.
    """
    ptr, into, tail = _REVERSED.get(graph.edge_head, lambda: _reversed(graph))
    n_states = graph.n_states
    link = np.concatenate([into, graph.n_edges + np.arange(len(targets), dtype=np.int64)])
    ptr = np.append(ptr, ptr[-1] + len(targets))
    rhead = np.concatenate([tail, targets.astype(np.int64)])
    n = n_states + 1
    dist, pred = np.empty(n), np.empty(n, dtype=np.int64)
    work = (np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n),
            np.empty(n, dtype=np.int64))  # fmt: skip
    dijkstra = graph_kernels.jit("dijkstra") if compiled else graph_kernels.dijkstra
    out = np.zeros((n_states, N_CRIT), dtype=np.float64)
    zeros = np.zeros(len(targets))
    for k in range(max(n_cols, 1)):
        cost = np.concatenate([np.where(ok, crit[:, k], np.inf), zeros])
        dijkstra(n_states, ptr, link, rhead, cost, 0, dist, pred, *work)
        out[:, k] = dist[:n_states]
    out[np.isinf(out[:, 0])] = np.inf
    return out


def _reversed(graph: CorridorGraph) -> tuple[IntArray, IntArray, IntArray]:
    """Return the graph's in-edges as a forward star: ``ptr`` by state, edge ids, tails."""
    head = graph.edge_head
    into = np.argsort(head, kind="stable").astype(np.int64)
    ptr = np.zeros(graph.n_states + 1, dtype=np.int64)
    np.cumsum(np.bincount(head, minlength=graph.n_states), out=ptr[1:])
    return ptr, into, graph.edge_tail.astype(np.int64)


# Reversed graphs by their edge heads (shared by the copies of a graph with other costs).
_REVERSED: IdentityMemo[IntArray, tuple[IntArray, IntArray, IntArray]] = IdentityMemo(bound=16)


def _repeated_in_any(
    graph: CorridorGraph, paths: Sequence[ParetoPath], *, compiled: bool = False
) -> list[int]:
    """Nodes some path visits twice or more, sorted (:func:`_repeated_nodes` of all at once).

    `compiled` runs the compiled kernel (one pass, no temporary arrays), else NumPy.
    """
    if not paths:
        return []
    edges = np.concatenate([p.edges for p in paths])
    if len(edges) == 0:
        return []
    sizes = [len(p.edges) for p in paths]
    if compiled:
        offsets = np.zeros(len(paths) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        seen = np.full(graph.n_nodes, -1, dtype=np.int64)
        found = np.zeros(graph.n_nodes, dtype=np.bool_)
        jit("repeated_nodes")(
            edges.astype(np.int64, copy=False), offsets, graph.state_node, graph.edge_tail,
            graph.edge_head, seen, found,
        )  # fmt: skip
        return np.flatnonzero(found).tolist()
    which = np.repeat(np.arange(len(paths)), sizes)
    tail = graph.state_node[graph.edge_tail[edges]]
    head = graph.state_node[graph.edge_head[edges]]
    # Each path's visits: its first tail, then every head reached by a move (not an operation).
    start = np.flatnonzero(np.r_[True, which[1:] != which[:-1]])
    moved = head != tail
    nodes = np.concatenate([tail[start], head[moved]])
    owner = np.concatenate([which[start], which[moved]])
    keys, counts = np.unique(owner * graph.n_nodes + nodes, return_counts=True)
    return sorted({int(n) for n in (keys[counts > 1] % graph.n_nodes).tolist()})


def _loop_entries(graph: CorridorGraph, paths: Sequence[ParetoPath]) -> list[int]:
    """For each path that visits a node twice, the first node of its path to be visited again.

    That node opens the path's outermost loop: every other repeated node of an out-and-back
    lies between its two visits.
    """
    out = []
    for p in paths:
        if len(p.edges) == 0:
            continue
        tail = graph.state_node[graph.edge_tail[p.edges]]
        head = graph.state_node[graph.edge_head[p.edges]]
        seq = np.append(tail[:1], head[head != tail])
        nodes, first, counts = np.unique(seq, return_index=True, return_counts=True)
        if (counts > 1).any():
            out.append(int(nodes[counts > 1][np.argmin(first[counts > 1])]))
    return out


def _repeated_nodes(graph: CorridorGraph, edges: IntArray) -> list[int]:
    """Nodes a path visits twice or more (operations at a node are not a second visit)."""
    if len(edges) == 0:
        return []
    tail = graph.state_node[graph.edge_tail[edges]]
    head = graph.state_node[graph.edge_head[edges]]
    nodes, counts = np.unique(np.append(tail[:1], head[head != tail]), return_counts=True)
    return [int(n) for n in nodes[counts > 1]]


def _trace(
    labels: IntArray, edge_ids: IntArray, lab_pred: IntArray, lab_edge: IntArray
) -> list[IntArray]:
    """Follow each label's predecessors back to a source: the edges of its path, in order."""
    out = []
    # ``.item`` reads one element as a Python int, several times faster than ``a[j]``.
    edge_at, pred_at = lab_edge.item, lab_pred.item
    for i in labels.tolist():
        steps = []
        j = i
        e = edge_at(j)
        while e >= 0:
            steps.append(e)
            j = pred_at(j)
            e = edge_at(j)
        out.append(np.asarray(edge_ids[steps[::-1]], dtype=np.int64))
    return out


def _trace_compiled(
    labels: IntArray, edge_ids: IntArray, lab_pred: IntArray, lab_edge: IntArray
) -> list[IntArray]:
    """:func:`_trace` by the compiled kernels: the same paths, without a Python loop per edge."""
    if len(labels) == 0:
        return []
    labels = np.ascontiguousarray(labels, dtype=np.int64)
    lengths = np.empty(len(labels), dtype=np.int64)
    jit("path_lengths")(labels, lab_pred, lab_edge, lengths)
    offsets = np.zeros(len(labels) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.empty(int(offsets[-1]), dtype=np.int64)
    jit("path_edges")(labels, lab_pred, lab_edge, edge_ids, offsets, flat)
    return np.split(flat, offsets[1:-1])


def _front(
    n: int,
    k: int,
    edge_ids: IntArray,
    is_target: BoolArray,
    lab_state: IntArray,
    lab_crit: FloatArray,
    lab_pred: IntArray,
    lab_edge: IntArray,
    lab_alive: BoolArray,
    *,
    compiled: bool = False,
) -> list[ParetoPath]:
    """Read the non-dominated target labels of a finished search back into paths."""
    final = np.flatnonzero(lab_alive[:n] & is_target[lab_state[:n]])
    # Labels at different destination states were not compared with each other: one pairwise
    # comparison of all of them at once (j dominates i: no worse anywhere, better somewhere).
    c = lab_crit[final, :k]
    le = (c[:, None, :] <= c[None, :, :]).all(axis=2)
    lt = (c[:, None, :] < c[None, :, :]).any(axis=2)
    dominated = (le & lt).any(axis=0)
    keep = final[~dominated]
    # Equal criteria reached through different destination states: keep one (the first),
    # before tracing, so that only the paths returned are read back.
    unique: dict[tuple[float, ...], int] = {}
    for i, rounded in zip(keep.tolist(), np.round(lab_crit[keep, :k], 9).tolist(), strict=True):
        unique.setdefault(tuple(rounded), i)
    keep = np.fromiter(unique.values(), dtype=np.int64, count=len(unique))
    trace = _trace_compiled if compiled else _trace
    paths = [
        ParetoPath(edges, crit)
        for edges, crit in zip(
            trace(keep, edge_ids, lab_pred, lab_edge), lab_crit[keep, :k], strict=True
        )
    ]
    return sorted(paths, key=lambda p: tuple(p.criteria.tolist()))
