"""Numba kernels of the assignment engine.

Every kernel is ``@njit(cache=True)``, takes contiguous arrays, writes into arrays the caller
allocated and uses no Python objects. Callers in this package check dtypes and shapes first
(:func:`check_float`, :func:`check_int`).

Graph layout: links are numbered ``0..m-1`` with ``tail``/``head`` node indices ``0..n-1``;
``fs_ptr``/``fs_link`` is the forward star (out-links of node ``v`` are
``fs_link[fs_ptr[v]:fs_ptr[v + 1]]``) and ``bs_ptr``/``bs_link`` the backward star. Nodes
``0..n_blocked-1`` are zones that a path may start or end at but never pass through (the TNTP
``<FIRST THRU NODE>`` rule).

Parallelism: the per-origin and per-bush kernels are serial ``nogil`` kernels that handle a
strided share ``w, w + workers, ...`` of the items; :func:`in_threads` runs ``workers`` of
them in threads. numba's ``parallel=True`` would do the same, but compiling its parfor passes
took most of the engine's first-use compilation (docs/benchmarks.md), and its threading layer
starts in every process that loads such a kernel, even with one core.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from numba import njit
from numba.core import config as numba_config
from numba.core import event as numba_event

from silkrail._numba_setup import load_lightly, prepare
from silkrail.graph import _kernels as graph_kernels

if TYPE_CHECKING:
    from collections.abc import Callable

    from silkrail._typing import FloatArray, IntArray

UInt8Array = npt.NDArray[np.uint8]
# Workspace of the bush label passes: lmin, lmax, pmin, pmax, fmin (see _bush_labels).
Labels = tuple["FloatArray", "FloatArray", "IntArray", "IntArray", "FloatArray"]

__all__ = [
    "UInt8Array",
    "aon_share",
    "aon_workspace",
    "beckmann_integral",
    "bush_shift_share",
    "bush_update_share",
    "check_float",
    "check_int",
    "in_threads",
    "line_search",
    "link_time",
    "skim_share",
]

# Before the first @njit: the cache folder is chosen when a kernel is decorated. The kernels
# load from the cache without numba's CPU target (load_lightly at the end of the module).
prepare(numba_config, numba_event, __file__, load_target=False)

_INF = np.inf


def check_float(name: str, arr: FloatArray, ndim: int = 1) -> None:
    """Raise ``TypeError`` unless ``arr`` is a C-contiguous float64 array of ``ndim`` dims."""
    if arr.dtype != np.float64:
        msg = f"{name} must be float64, got {arr.dtype}"
        raise TypeError(msg)
    if arr.ndim != ndim or not arr.flags.c_contiguous:
        msg = f"{name} must be a C-contiguous {ndim}-d array, got {arr.ndim}-d"
        raise TypeError(msg)


def in_threads(kernel: Callable[..., None], workers: int, *args: Any) -> None:
    """Run ``kernel(w, workers, *args)`` for ``w`` in ``0..workers-1``, one thread each.

    The kernels are ``nogil``, so the threads run at once; each writes only its own items.
    With one worker the kernel runs in the calling thread.
    """
    if workers <= 1:
        kernel(0, 1, *args)
        return
    errors: list[BaseException] = []

    def run(w: int) -> None:
        try:
            kernel(w, workers, *args)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(1, workers)]
    for t in threads:
        t.start()
    run(0)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def aon_workspace(workers: int, n: int) -> tuple[FloatArray, IntArray]:
    """Scratch arrays of :func:`aon_share` for ``workers`` workers on ``n`` nodes."""
    return np.empty((workers, 3, n), np.float64), np.empty((workers, 4, n), np.int64)


def check_int(name: str, arr: IntArray, ndim: int = 1) -> None:
    """Raise ``TypeError`` unless ``arr`` is a C-contiguous int64 array of ``ndim`` dims."""
    if arr.dtype != np.int64:
        msg = f"{name} must be int64, got {arr.dtype}"
        raise TypeError(msg)
    if arr.ndim != ndim or not arr.flags.c_contiguous:
        msg = f"{name} must be a C-contiguous {ndim}-d array, got {arr.ndim}-d"
        raise TypeError(msg)


# --------------------------------------------------------------------------------------------
# BPR link performance function t = fftt * (1 + b * (v / cap) ** power)
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _bpr(fftt: float, b: float, cap: float, power: float, v: float) -> float:
    if b == 0.0:
        return fftt
    x = v if v > 0.0 else 0.0
    if power == 4.0:
        r = x / cap
        r2 = r * r
        return fftt * (1.0 + b * r2 * r2)
    return fftt * (1.0 + b * float((x / cap) ** power))


@njit(cache=True)
def _bpr_der(fftt: float, b: float, cap: float, power: float, v: float) -> float:
    if b == 0.0 or power == 0.0:
        return 0.0
    x = v if v > 0.0 else 0.0
    if power == 4.0:
        r = x / cap
        return 4.0 * fftt * b * r * r * r / cap
    if power == 1.0:
        return fftt * b / cap
    if x == 0.0:
        return 0.0
    return fftt * b * power * float((x / cap) ** (power - 1.0)) / cap


@njit(cache=True)
def _bpr_int(fftt: float, b: float, cap: float, power: float, v: float) -> float:
    x = v if v > 0.0 else 0.0
    if b == 0.0:
        return fftt * x
    return fftt * (x + b * cap * float((x / cap) ** (power + 1.0)) / (power + 1.0))


@njit(cache=True)
def link_time(
    fftt: FloatArray,
    b: FloatArray,
    cap: FloatArray,
    power: FloatArray,
    flow: FloatArray,
    out: FloatArray,
    dout: FloatArray,
) -> None:
    """Write the BPR travel time of every link at ``flow`` into ``out``.

    When ``dout`` has a slot per link (not length 0), also write d t / d v into it: one kernel
    for both, as each compiled kernel costs first-use compile time (docs/benchmarks.md).
    """
    derivative = dout.shape[0] > 0
    for a in range(flow.shape[0]):
        out[a] = _bpr(fftt[a], b[a], cap[a], power[a], flow[a])
        if derivative:
            dout[a] = _bpr_der(fftt[a], b[a], cap[a], power[a], flow[a])


@njit(cache=True)
def beckmann_integral(
    fftt: FloatArray, b: FloatArray, cap: FloatArray, power: FloatArray, flow: FloatArray
) -> float:
    """Return sum over links of the integral of the BPR time from 0 to ``flow``."""
    s = 0.0
    for a in range(flow.shape[0]):
        s += _bpr_int(fftt[a], b[a], cap[a], power[a], flow[a])
    return s


# --------------------------------------------------------------------------------------------
# Line search along a direction (Frank-Wolfe family)
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _ls_derivative(
    lam: float,
    fftt: FloatArray,
    b: FloatArray,
    cap: FloatArray,
    power: FloatArray,
    flow: FloatArray,
    direction: FloatArray,
    const: float,
) -> float:
    s = const
    for a in range(flow.shape[0]):
        d = direction[a]
        if d != 0.0:
            s += _bpr(fftt[a], b[a], cap[a], power[a], flow[a] + lam * d) * d
    return s


@njit(cache=True)
def line_search(
    fftt: FloatArray,
    b: FloatArray,
    cap: FloatArray,
    power: FloatArray,
    flow: FloatArray,
    direction: FloatArray,
    const: float,
    tol: float,
) -> float:
    """Return the step in [0, 1] that minimises the Beckmann objective along ``direction``.

    The derivative of the objective along the direction is ``sum t(v + s d) d + const``
    (``const`` holds the fixed-cost term); it is increasing in ``s``, so a safeguarded
    regula falsi (Illinois variant) on [0, 1] finds its root. Returns 0 when the direction
    is not a descent direction and 1 when the objective still decreases at the far end.
    """
    g0 = _ls_derivative(0.0, fftt, b, cap, power, flow, direction, const)
    if g0 >= 0.0:
        return 0.0
    g1 = _ls_derivative(1.0, fftt, b, cap, power, flow, direction, const)
    if g1 <= 0.0:
        return 1.0
    lo, hi = 0.0, 1.0
    glo, ghi = g0, g1
    side = 0
    for _ in range(200):
        mid = (lo * ghi - hi * glo) / (ghi - glo)
        if not (lo < mid < hi):
            mid = 0.5 * (lo + hi)
        gm = _ls_derivative(mid, fftt, b, cap, power, flow, direction, const)
        if gm > 0.0:
            hi, ghi = mid, gm
            if side == 1:
                glo *= 0.5
            side = 1
        elif gm < 0.0:
            lo, glo = mid, gm
            if side == -1:
                ghi *= 0.5
            side = -1
        else:
            return mid
        if hi - lo < tol:
            break
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------------------------
# Shortest paths: all-or-nothing loads and skims
# --------------------------------------------------------------------------------------------


# The one Dijkstra (and its indexed heap) of silkrail, shared with routing. Compiled into
# each kernel below that calls it; see graph/_kernels.py about numba's cache.
_dijkstra = graph_kernels.jit("dijkstra")


@njit(cache=True, nogil=True)
def aon_share(
    w: int,
    workers: int,
    origins: IntArray,
    demand: FloatArray,
    fs_ptr: IntArray,
    fs_link: IntArray,
    tail: IntArray,
    head: IntArray,
    cost: FloatArray,
    n_blocked: int,
    load: bool,
    per_origin: bool,
    flow_out: FloatArray,
    tree_out: UInt8Array,
    sptt_out: FloatArray,
    unreachable_out: IntArray,
    fwork: FloatArray,
    iwork: IntArray,
) -> None:
    """All-or-nothing loading of ``demand[i, :]`` from ``origins[i]`` on shortest paths.

    Worker ``w`` of ``workers`` (see :func:`in_threads`) loads the origins ``w, w + workers,
    ...`` into its own row ``w`` of ``flow_out`` (the caller sums the rows); with
    ``per_origin``, origin ``i`` loads into row ``i`` instead and marks the links of its
    shortest-path tree with 1 in ``tree_out[i]`` (the start of an Algorithm B bush; else
    ``tree_out`` may have no rows). ``sptt_out[i]`` gets the shortest-path total cost of
    origin ``i``, ``unreachable_out[i]`` the first unreachable destination zone with demand
    (or -1). With ``load=False`` only the costs are computed. ``fwork`` and ``iwork`` are
    the workers' scratch arrays, from :func:`aon_workspace`.
    """
    n = fs_ptr.shape[0] - 1
    nz = demand.shape[1]
    n_orig = origins.shape[0]
    # Caller-allocated (no np.empty here): a cached kernel that allocates makes every warm
    # process import numba's array implementations when it loads (docs/benchmarks.md).
    dist = fwork[w, 0]
    hkey = fwork[w, 1]
    node_flow = fwork[w, 2]
    pred = iwork[w, 0]
    order = iwork[w, 1]
    heap = iwork[w, 2]
    hpos = iwork[w, 3]
    for i in range(w, n_orig, workers):
        o = origins[i]
        count = _dijkstra(
            o, fs_ptr, fs_link, head, cost, n_blocked, dist, pred, order, heap, hkey, hpos
        )
        s = 0.0
        bad = -1
        for v in range(n):
            node_flow[v] = 0.0
        for z in range(nz):
            d = demand[i, z]
            if d > 0.0 and z != o:
                if dist[z] == _INF:
                    if bad < 0:
                        bad = z
                else:
                    s += d * dist[z]
                    node_flow[z] += d
        sptt_out[i] = s
        unreachable_out[i] = bad
        if not load:
            continue
        row = i if per_origin else w
        for k in range(count - 1, 0, -1):
            v = order[k]
            a = pred[v]
            if per_origin:
                tree_out[i, a] = 1
            f = node_flow[v]
            if f != 0.0:
                flow_out[row, a] += f
                node_flow[tail[a]] += f


@njit(cache=True, nogil=True)
def skim_share(
    w: int,
    workers: int,
    origins: IntArray,
    nz: int,
    fs_ptr: IntArray,
    fs_link: IntArray,
    tail: IntArray,
    head: IntArray,
    cost: FloatArray,
    n_blocked: int,
    attrs: FloatArray,
    out: FloatArray,
) -> None:
    """Skim ``attrs`` (k x m) along shortest paths: ``out[j, i, z]`` sums attr ``j``.

    ``out`` has shape (k + 1, len(origins), nz); slice 0 is the path cost itself.
    Unreachable pairs get ``inf``. Worker ``w`` of ``workers`` skims the origins ``w, w +
    workers, ...`` (see :func:`in_threads`).
    """
    n = fs_ptr.shape[0] - 1
    k_attr = attrs.shape[0]
    n_orig = origins.shape[0]
    dist = np.empty(n, np.float64)
    pred = np.empty(n, np.int64)
    order = np.empty(n, np.int64)
    heap = np.empty(n, np.int64)
    hkey = np.empty(n, np.float64)
    hpos = np.empty(n, np.int64)
    acc = np.empty((k_attr, n), np.float64)
    for i in range(w, n_orig, workers):
        acc[:] = 0.0
        o = origins[i]
        count = _dijkstra(
            o, fs_ptr, fs_link, head, cost, n_blocked, dist, pred, order, heap, hkey, hpos
        )
        for k in range(1, count):
            v = order[k]
            a = pred[v]
            u = tail[a]
            for j in range(k_attr):
                acc[j, v] = acc[j, u] + attrs[j, a]
        for z in range(nz):
            out[0, i, z] = dist[z]
            for j in range(k_attr):
                out[j + 1, i, z] = acc[j, z] if dist[z] < _INF else _INF


# --------------------------------------------------------------------------------------------
# Algorithm B (Dial 2006): one acyclic bush per (class, origin)
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _bush_topo(
    bb: int,
    origin: int,
    mask: UInt8Array,
    fs_ptr: IntArray,
    fs_link: IntArray,
    bs_ptr: IntArray,
    bs_link: IntArray,
    head: IntArray,
    indeg: IntArray,
    order: IntArray,
    in_ptr: IntArray,
    in_link: IntArray,
) -> int:
    """Topological order of bush ``bb`` from its origin (Kahn); return the node count.

    Also lists the bush's in-links node by node in that order: those of ``order[i]`` are
    ``in_link[in_ptr[i]:in_ptr[i + 1]]`` (in backward-star order), so label passes touch
    only bush links instead of testing the mask of every link.
    """
    n = fs_ptr.shape[0] - 1
    for v in range(n):
        cnt = 0
        for k in range(bs_ptr[v], bs_ptr[v + 1]):
            if mask[bb, bs_link[k]]:
                cnt += 1
        indeg[v] = cnt
    order[0] = origin
    count = 1
    i = 0
    while i < count:
        u = order[i]
        i += 1
        for k in range(fs_ptr[u], fs_ptr[u + 1]):
            a = fs_link[k]
            if mask[bb, a]:
                v = head[a]
                indeg[v] -= 1
                if indeg[v] == 0:
                    order[count] = v
                    count += 1
    p = 0
    in_ptr[0] = 0
    for i in range(count):
        v = order[i]
        for k in range(bs_ptr[v], bs_ptr[v + 1]):
            a = bs_link[k]
            if mask[bb, a]:
                in_link[p] = a
                p += 1
        in_ptr[i + 1] = p
    return count


@njit(cache=True)
def _bush_labels(
    bb: int,
    origin: int,
    in_ptr: IntArray,
    in_link: IntArray,
    flow: FloatArray,
    min_flow: float,
    tail: IntArray,
    time: FloatArray,
    fc: FloatArray,
    order: IntArray,
    count: int,
    rel: IntArray,
    nrel: int,
    labels: Labels,
) -> None:
    """Min and max path cost labels over the bush, in topological order.

    Link costs are ``time + fc`` (the class's fixed costs), read as they are now; the bush
    links come from the lists :func:`_bush_topo` made with ``order``. With ``nrel >= 0``,
    only the nodes at the positions ``rel[:nrel]`` of the order (increasing) get labels,
    and only they are reset: a set that holds every bush ancestor of its nodes (the
    ancestors of the bush's merge nodes, see :func:`_bush_merge_ancestors`), so their
    labels are the same as over the whole bush. ``nrel < 0`` labels every node.

    Max labels run over the bush links with flow above ``min_flow``: ``0.0`` for the used
    links (nodes without a used in-link keep ``-inf``), ``-inf`` for every bush link (a
    float, not a flag: numba compiles a constant ``True`` and ``False`` separately).
    ``labels`` is the workspace ``(lmin, lmax, pmin, pmax, fmin)`` of node arrays: min and max
    labels, the links they come by, and the smallest bush flow along each longest path.
    """
    lmin, lmax, pmin, pmax, fmin = labels
    full = nrel < 0
    if full:
        # Every node, not only the bush's: the bush update reads labels of nodes outside it.
        for v in range(lmin.shape[0]):
            lmin[v] = _INF
            lmax[v] = -_INF
            pmin[v] = -1
            pmax[v] = -1
            fmin[v] = _INF
    else:
        for k in range(nrel):
            v = order[rel[k]]
            lmin[v] = _INF
            lmax[v] = -_INF
            pmin[v] = -1
            pmax[v] = -1
            fmin[v] = _INF
        pmin[origin] = -1
        pmax[origin] = -1
        fmin[origin] = _INF
    lmin[origin] = 0.0
    lmax[origin] = 0.0
    for k in range(count - 1 if full else nrel):
        i = k + 1 if full else rel[k]
        v = order[i]
        bestmin = _INF
        bestmax = -_INF
        amin = -1
        amax = -1
        for p in range(in_ptr[i], in_ptr[i + 1]):
            a = in_link[p]
            u = tail[a]
            c = time[a] + fc[a]
            x = lmin[u] + c
            if x < bestmin:
                bestmin = x
                amin = a
            if flow[bb, a] > min_flow:
                lu = lmax[u]
                if lu > -_INF:
                    y = lu + c
                    if y > bestmax:
                        bestmax = y
                        amax = a
        lmin[v] = bestmin
        pmin[v] = amin
        lmax[v] = bestmax
        pmax[v] = amax
        if amax >= 0:
            fu = fmin[tail[amax]]
            fa = flow[bb, amax]
            fmin[v] = fa if fa < fu else fu


@njit(cache=True)
def _bush_merge_ancestors(
    order: IntArray,
    count: int,
    in_ptr: IntArray,
    in_link: IntArray,
    tail: IntArray,
    mark: UInt8Array,
    rel: IntArray,
) -> int:
    """List the positions (in ``order``) of the bush's merge nodes and all their ancestors.

    A merge node has two or more bush in-links; only there can the shortest and the longest
    bush path part, so only there do flow shifts start, and they walk back over ancestors
    only. On a bush that is nearly a tree (ChicagoSketch: about 9 % of the nodes are such
    ancestors) the flow-shift passes then label a small part of the bush. Writes the
    positions, increasing and without the origin's 0, into ``rel``; returns their number.
    ``mark`` is a node-sized scratch array.
    """
    for i in range(count):
        mark[order[i]] = 0
    for i in range(count - 1, 0, -1):
        v = order[i]
        if in_ptr[i + 1] - in_ptr[i] >= 2:
            mark[v] = 1
        if mark[v]:
            for p in range(in_ptr[i], in_ptr[i + 1]):
                mark[tail[in_link[p]]] = 1
    nrel = 0
    for i in range(1, count):
        if mark[order[i]]:
            rel[nrel] = i
            nrel += 1
    return nrel


@njit(cache=True)
def _bush_reaches(
    bb: int,
    src: int,
    dst: int,
    mask: UInt8Array,
    fs_ptr: IntArray,
    fs_link: IntArray,
    head: IntArray,
    pos: IntArray,
    bound: int,
    stack: IntArray,
    seen: IntArray,
    stamp: int,
) -> bool:
    """Whether bush ``bb`` has a path from ``src`` to ``dst`` (iterative depth-first).

    ``pos`` holds the nodes' positions in a topological order of the bush (-1: not in it);
    with ``bound >= 0`` (the position of ``dst``) nodes placed after ``bound`` are not
    entered, as no path from them leads back to ``dst``. ``seen[v] == stamp`` marks the
    nodes reached in this search (a new stamp per search: no clearing of ``seen``).
    """
    top = 0
    stack[top] = src
    top += 1
    seen[src] = stamp
    while top > 0:
        top -= 1
        u = stack[top]
        if u == dst:
            return True
        for k in range(fs_ptr[u], fs_ptr[u + 1]):
            a = fs_link[k]
            if mask[bb, a]:
                w = head[a]
                if seen[w] != stamp:
                    seen[w] = stamp
                    if bound >= 0 and pos[w] > bound:
                        continue
                    stack[top] = w
                    top += 1
    return False


@njit(cache=True, nogil=True)
def bush_update_share(
    w: int,
    workers: int,
    bush_origin: IntArray,
    bush_class: IntArray,
    mask: UInt8Array,
    flow: FloatArray,
    fs_ptr: IntArray,
    fs_link: IntArray,
    bs_ptr: IntArray,
    bs_link: IntArray,
    tail: IntArray,
    head: IntArray,
    time: FloatArray,
    fixed: FloatArray,
    n_blocked: int,
    orders: IntArray,
    counts: IntArray,
    in_ptr: IntArray,
    in_link: IntArray,
    rel: IntArray,
    nrels: IntArray,
    zero_flow: FloatArray,
) -> None:
    """Update the link set and topological order of bushes ``w, w + workers, ...``.

    Bushes are independent (see :func:`in_threads`). For each bush:

    1. Links without flow (``<= zero_flow``, rounding residue) leave the bush, except each
       node's shortest-path in-link.
    2. Links that shorten the shortest bush path to their head join if they run forward in
       the current topological order (any order of an acyclic graph is a potential every
       link respects, so no cycle can form), or else if no bush path leads from their head
       back to their tail.
    3. Links with ``U_i + c_ij < U_j``, ``U`` the longest-path labels over the bush, join
       (Dial 2006): every bush link has ``U_tail <= U_head`` and every new one ``U_i < U_j``.
       Links dropped in step 1 are not re-added in the same update.

    ``counts[bb]`` gets the node count of the new topological order ``orders[bb]``, and
    ``in_ptr[bb]``/``in_link[bb]`` the bush's in-links in that order (see
    :func:`_bush_topo`), and ``rel[bb, :nrels[bb]]`` the positions of its merge nodes and
    their ancestors (:func:`_bush_merge_ancestors`), which :func:`bush_shift_share` reads. (One
    kernel, not a per-bush function called from a loop: numba re-optimises every callee in
    each caller, so nesting costs compile time.)
    """
    n = fs_ptr.shape[0] - 1
    m = tail.shape[0]
    nb = bush_origin.shape[0]
    cost = np.empty(m, np.float64)
    indeg = np.empty(n, np.int64)
    lmin = np.empty(n, np.float64)
    lmax = np.empty(n, np.float64)
    pmin = np.empty(n, np.int64)
    pmax = np.empty(n, np.int64)
    fmin = np.empty(n, np.float64)
    labels = (lmin, lmax, pmin, pmax, fmin)
    dropped = np.empty(m, np.uint8)
    seen = np.zeros(n, np.int64)
    stamp = 0
    mark = np.empty(n, np.uint8)
    no_rel = np.empty(0, np.int64)
    for bb in range(w, nb, workers):
        c = bush_class[bb]
        for a in range(m):
            cost[a] = time[a] + fixed[c, a]
            dropped[a] = 0
        origin = bush_origin[bb]
        order = orders[bb]
        ip = in_ptr[bb]
        il = in_link[bb]
        # Phase 0: sort, label, steps 1-2; phase 1: sort again if the bush changed, label,
        # step 3; phase 2: sort again if step 3 added links. (One call site each of the sort
        # and the labels: numba and LLVM compile a copy of a callee at every call site.)
        # Phase 0 sorts only a bush never sorted: the flow shifts change no bush's links, so
        # the order and in-link lists of the last update still hold (Kahn's sort of the same
        # links would give the same order).
        count = counts[bb]
        changed = count == 0
        for phase in range(3):
            if changed:
                count = _bush_topo(
                    bb, origin, mask, fs_ptr, fs_link, bs_ptr, bs_link, head, indeg, order, ip, il
                )
            if phase == 2:
                break
            _bush_labels(
                bb,
                origin,
                ip,
                il,
                flow,
                -_INF,
                tail,
                time,
                fixed[c],
                order,
                count,
                no_rel,
                -1,
                labels,
            )
            if phase == 1:
                # Step 3.
                added3 = 0
                for a in range(m):
                    if mask[bb, a] or dropped[a]:
                        continue
                    u = tail[a]
                    v = head[a]
                    if v == origin or (u < n_blocked and u != origin):
                        continue
                    lu = lmax[u]
                    if lu == -_INF or lmin[u] == _INF:
                        continue
                    if lu + cost[a] < lmax[v]:
                        mask[bb, a] = 1
                        added3 += 1
                changed = added3 > 0
                continue
            # Step 1.
            removed = 0
            for a in range(m):
                if mask[bb, a] and flow[bb, a] <= zero_flow[bb] and pmin[head[a]] != a:
                    mask[bb, a] = 0
                    flow[bb, a] = 0.0
                    dropped[a] = 1
                    removed += 1
            # Step 2, with the positions of the (still valid) order in pmax.
            for v in range(n):
                pmax[v] = -1
            for i in range(count):
                pmax[order[i]] = i
            added = 0
            for a in range(m):
                if mask[bb, a]:
                    continue
                u = tail[a]
                v = head[a]
                if v == origin or (u < n_blocked and u != origin) or lmin[u] == _INF:
                    continue
                if pmax[u] >= 0 and pmax[u] < pmax[v] and lmin[u] + cost[a] < lmin[v]:
                    mask[bb, a] = 1
                    added += 1
            # Step 2b: improving links against the order join when no bush path leads from
            # their head back to their tail (a depth-first search; such links are few). Until
            # the first of them joins, the order (pmax) still holds for the bush, so a search
            # need not enter nodes placed after the tail.
            stack = indeg  # free until the next topological sort
            checked = 0
            in_order = True
            for a in range(m):
                if mask[bb, a] or checked >= 64:
                    continue
                u = tail[a]
                v = head[a]
                if v == origin or (u < n_blocked and u != origin) or lmin[u] == _INF:
                    continue
                if not lmin[u] + cost[a] < lmin[v]:
                    continue
                checked += 1
                stamp += 1
                bound = pmax[u] if in_order else -1
                if not _bush_reaches(
                    bb, v, u, mask, fs_ptr, fs_link, head, pmax, bound, stack, seen, stamp
                ):
                    mask[bb, a] = 1
                    added += 1
                    in_order = False
            changed = added > 0 or removed > 0
        counts[bb] = count
        nrels[bb] = _bush_merge_ancestors(order, count, ip, il, tail, mark, rel[bb])


@njit(cache=True)
def _move_link_flow(
    a: int,
    delta: float,
    w: int,
    vol: FloatArray,
    dvol: FloatArray,
    time: FloatArray,
    dtime: FloatArray,
    fftt: FloatArray,
    b: FloatArray,
    cap: FloatArray,
    power: FloatArray,
) -> None:
    """Add ``delta`` to link ``a``'s volume and set its time and derivative at the new volume.

    With no rows in ``dvol`` (one worker) the change goes into ``vol`` itself. Otherwise it
    goes into worker ``w``'s row, and the volume is ``vol[a]`` plus every worker's change:
    another worker may change its row while this one computes and write its time first, so
    a time written here can miss a change made a moment before; it holds until the link's
    next shift or the caller's recomputation after the pass. (Reading the volume again after
    the write and recomputing until it held made no difference to the iterations and cost a
    little time: docs/benchmarks.md.)
    """
    if dvol.shape[0] == 0:
        vol[a] += delta
    else:
        dvol[w, a] += delta
    v = vol[a]
    for k in range(dvol.shape[0]):
        v += dvol[k, a]
    time[a] = _bpr(fftt[a], b[a], cap[a], power[a], v)
    dtime[a] = _bpr_der(fftt[a], b[a], cap[a], power[a], v)


@njit(cache=True, nogil=True)
def bush_shift_share(
    w: int,
    workers: int,
    bush_list: IntArray,
    bounds: IntArray,
    bush_origin: IntArray,
    bush_class: IntArray,
    flow: FloatArray,
    tail: IntArray,
    fixed: FloatArray,
    orders: IntArray,
    counts: IntArray,
    in_ptr: IntArray,
    in_link: IntArray,
    rel: IntArray,
    nrels: IntArray,
    vol: FloatArray,
    dvol: FloatArray,
    time: FloatArray,
    dtime: FloatArray,
    fftt: FloatArray,
    b: FloatArray,
    cap: FloatArray,
    power: FloatArray,
    passes: int,
    rel_tol: float,
    flow_eps: FloatArray,
    idle: IntArray,
    moved_out: IntArray,
    work: IntArray,
) -> None:
    """Sweep worker ``w``'s share of the bushes ``passes`` times with Newton flow shifts.

    In each bush, nodes are visited from last to first in topological order; at node ``j``
    the used longest and the shortest bush paths are walked back to where they meet, and
    ``min(flow on the long segment, cost difference / sum of derivatives)`` moves from the
    long to the short segment. Link times and derivatives are updated at once
    (Gauss-Seidel). Bush flows at or below ``flow_eps[bb]`` move whole. A bush that two
    passes in a row leave unchanged is skipped for the rest of the sweep (as TAP-B skips
    bushes near equilibrium): on ChicagoSketch this cut the solve's CPU to 0.67 (1e-6) and
    0.81 (1e-10) of sweeping every bush every pass (docs/benchmarks.md). The sweeps stop
    early after a pass that moves nothing. (One kernel, not a per-bush function: see
    :func:`bush_update_share`.) The bushes' links are the lists ``in_ptr``/``in_link`` of
    :func:`bush_update_share`; only the merge nodes and their ancestors, ``rel``/``nrels``,
    are labelled and visited, since a shift can start only at a merge node and walks back
    over ancestors (the same shifts, in the same order, as over the whole bush).

    With one worker (and ``dvol`` with no rows), ``vol`` is updated in place and the result
    depends on nothing but the inputs. With ``workers > 1`` (see :func:`in_threads`; ``dvol``
    with a row per worker) the workers shift their own bushes at the same time and see each
    other's shifts as they happen (asynchronous Gauss-Seidel; TAP-B's parallel build does the
    same with a lock per link): worker ``w`` adds its shifts to its own row ``dvol[w]``
    (zeros on entry; no two threads add to the same float, so no shift is lost), the volume
    of a link is ``vol`` (left unchanged) plus every row of ``dvol``, and each worker writes
    the link times and derivatives it recomputes into the shared ``time``/``dtime``
    (:func:`_move_link_flow`). A worker may read another's row or time a moment before or
    after it changes, so the shifts then depend on thread timing; the caller recomputes the
    link volumes and times from the bush flows afterwards, so the stale reads cannot
    accumulate.

    The workers take the bushes ``bush_list[bounds[w]:bounds[w + 1]]`` (one run each, in
    order). ``idle`` counts each bush's passes in a row without a shift (zeros at an
    iteration's start), ``moved_out[w]`` gets whether worker ``w``'s last pass moved flow,
    and ``work[bb]`` the links a bush's last pass scanned and walked (for the caller to
    split the next pass evenly).
    """
    n = orders.shape[1]
    lmin = np.empty(n, np.float64)
    lmax = np.empty(n, np.float64)
    pmin = np.empty(n, np.int64)
    pmax = np.empty(n, np.int64)
    pos = np.empty(n, np.int64)
    fmin = np.empty(n, np.float64)
    labels = (lmin, lmax, pmin, pmax, fmin)
    # A bush two passes in a row leave unchanged (``idle``, zeros at the iteration's start)
    # sits out the iteration's later passes: the other bushes' shifts move its costs only a
    # little, and the next iteration scans it again.
    moved_out[w] = 0
    for _ in range(passes):
        any_moved = False
        for i in range(bounds[w], bounds[w + 1]):
            bb = bush_list[i]
            if idle[bb] >= 2:
                continue
            moved = False
            origin = bush_origin[bb]
            c = bush_class[bb]
            order = orders[bb]
            count = counts[bb]
            eps = flow_eps[bb]
            fc = fixed[c]
            ip = in_ptr[bb]
            il = in_link[bb]
            rl = rel[bb]
            nrel = nrels[bb]
            _bush_labels(
                bb, origin, ip, il, flow, 0.0, tail, time, fc, order, count, rl, nrel, labels
            )
            pos[origin] = 0
            steps = nrel
            for k in range(nrel):
                pos[order[rl[k]]] = rl[k]
                steps += ip[rl[k] + 1] - ip[rl[k]]
            for k in range(nrel - 1, -1, -1):
                j = order[rl[k]]
                amax = pmax[j]
                if amax < 0 or amax == pmin[j]:
                    continue
                if lmax[j] - lmin[j] <= rel_tol * lmax[j] and fmin[j] > eps:
                    continue
                # Walk both paths back to their last common node, with current costs.
                p = j
                q = j
                cmin = 0.0
                cmax = 0.0
                dsum = 0.0
                mflow = _INF
                a = pmin[p]
                cmin += time[a] + fc[a]
                dsum += dtime[a]
                p = tail[a]
                a = pmax[q]
                cmax += time[a] + fc[a]
                dsum += dtime[a]
                if flow[bb, a] < mflow:
                    mflow = flow[bb, a]
                q = tail[a]
                while p != q:
                    steps += 1
                    if pos[p] > pos[q]:
                        a = pmin[p]
                        cmin += time[a] + fc[a]
                        dsum += dtime[a]
                        p = tail[a]
                    else:
                        a = pmax[q]
                        cmax += time[a] + fc[a]
                        dsum += dtime[a]
                        if flow[bb, a] < mflow:
                            mflow = flow[bb, a]
                        q = tail[a]
                meet = p
                diff = cmax - cmin
                if diff <= 0.0 or mflow <= 0.0:
                    continue
                if mflow <= eps:
                    # Leftover flow this small would keep a link (and a cycle-blocking order) in
                    # the bush for ever: move all of it.
                    delta = mflow
                elif diff <= rel_tol * cmax:
                    continue
                elif dsum > 0.0:
                    delta = diff / dsum
                    if delta > mflow:
                        delta = mflow
                else:
                    delta = mflow
                # Apply the shift.
                moved = True
                steps += 4
                p = j
                while p != meet:
                    a = pmin[p]
                    flow[bb, a] += delta
                    _move_link_flow(a, delta, w, vol, dvol, time, dtime, fftt, b, cap, power)
                    p = tail[a]
                q = j
                while q != meet:
                    a = pmax[q]
                    f = flow[bb, a] - delta
                    if f <= 1e-12 * delta:
                        f = 0.0  # rounding residue of a full move
                    flow[bb, a] = f
                    _move_link_flow(a, -delta, w, vol, dvol, time, dtime, fftt, b, cap, power)
                    q = tail[a]
            idle[bb] = 0 if moved else idle[bb] + 1
            any_moved = any_moved or moved
            work[bb] = steps
        moved_out[w] = 1 if any_moved else 0
        if not any_moved:
            # Nothing moved, so the costs are as the pass found them and a further pass
            # would find the same labels and move nothing again (TAP-B stops here too).
            break


# Every kernel above works on arrays and scalars: a warm process loads them without numba's
# CPU target (0.2-0.3 s of start-up; silkrail._numba_setup says why).
load_lightly(v for v in list(globals().values()) if hasattr(v, "py_func"))
