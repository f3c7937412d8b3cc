"""The one indexed binary heap and the one Dijkstra kernel, shared by routing and assignment.

Routing (:func:`silkrail.dijkstra_one_to_all` on a :class:`~silkrail.graph.CSRGraph`) and the
assignment engine (all-or-nothing loads, skims and the first tree of every Algorithm B bush)
run the same :func:`dijkstra`, with the heap primitives :func:`sift_up` and :func:`sift_down`.
The simulation's event heap is a different structure (events are never re-keyed) and stays in
``simulation/_kernels.py``; the Pareto search in ``routing/_kernels.py`` pops labels in
lexicographic order of four criteria and never decreases a key, so it keeps its tuple heap.

The kernels are plain functions, compiled with ``numba.njit(cache=True, nogil=True)`` on first
use through :func:`jit`, so that importing this module does not import numba (the planner
does not need it). Compiled kernels of other modules call :func:`jit`'s dispatchers.

numba's cache of a kernel in another module that calls :func:`dijkstra` is keyed by that
module's own source file only: after editing this file in a source checkout, clear the
``__pycache__`` folders of ``assignment/`` (installed releases get fresh files).

Heap layout: ``heap[:size]`` holds vertices, ``hkey[i]`` the key of ``heap[i]`` (kept beside
it, so a sift step reads keys in heap order, not scattered over the vertices), and
``hpos[v]`` the slot of vertex ``v``: ``-1`` never queued, ``-2`` settled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from silkrail._typing import FloatArray, IntArray

__all__ = ["dijkstra", "jit", "sift_down", "sift_up"]

# Called by compiled kernels through this module's globals: they must be dispatchers by the
# time a caller compiles, so jit() turns all of them into dispatchers together.
_KERNELS = ("sift_up", "sift_down", "dijkstra")
_compiled: dict[str, Any] = {}


def jit(name: str) -> Any:
    """Return the numba-compiled kernel `name` (compiled and cached on first use).

    Parameters
    ----------
    name
        ``"dijkstra"``, ``"sift_up"`` or ``"sift_down"``.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        The dispatcher; compiled kernels may call it too.
    """
    if not _compiled:
        import numba
        from numba.core import config as numba_config
        from numba.core import event as numba_event

        from silkrail._numba_setup import load_lightly, prepare

        # The kernels work on arrays and scalars: they load from the cache without numba's
        # CPU target (silkrail._numba_setup says why).
        prepare(numba_config, numba_event, __file__, load_target=False)
        module = globals()
        for kernel in _KERNELS:
            # nogil: a server runs plans in threads, the assignment engine runs workers.
            _compiled[kernel] = numba.njit(cache=True, nogil=True)(module[kernel])
            module[kernel] = _compiled[kernel]
        load_lightly(_compiled.values())
    return _compiled[name]


def sift_up(heap: IntArray, hkey: FloatArray, hpos: IntArray, i: int) -> None:
    """Move the entry in slot ``i`` towards the root until its parent's key is not larger."""
    v = heap[i]
    k = hkey[i]
    while i > 0:
        parent = (i - 1) >> 1
        if hkey[parent] <= k:
            break
        u = heap[parent]
        heap[i] = u
        hkey[i] = hkey[parent]
        hpos[u] = i
        i = parent
    heap[i] = v
    hkey[i] = k
    hpos[v] = i


def sift_down(heap: IntArray, hkey: FloatArray, hpos: IntArray, i: int, size: int) -> None:
    """Move the entry in slot ``i`` down until no child of the first ``size`` has a smaller key.

    Of two children with equal keys the left one moves up.
    """
    v = heap[i]
    k = hkey[i]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and hkey[child + 1] < hkey[child]:
            child += 1
        if k <= hkey[child]:
            break
        u = heap[child]
        heap[i] = u
        hkey[i] = hkey[child]
        hpos[u] = i
        i = child
    heap[i] = v
    hkey[i] = k
    hpos[v] = i


def dijkstra(
    origin: int,
    ptr: IntArray,
    link: IntArray | None,
    head: IntArray,
    cost: FloatArray,
    n_blocked: int,
    dist: FloatArray,
    pred: IntArray,
    order: IntArray,
    heap: IntArray,
    hkey: FloatArray,
    hpos: IntArray,
) -> int:
    """One-to-all shortest paths with an indexed binary heap (decrease-key).

    The out-edges of vertex ``u`` are positions ``k`` in ``ptr[u]:ptr[u + 1]``; position ``k``
    is edge ``a = link[k]`` (a forward star over numbered links), or ``a = k`` when ``link``
    is ``None`` (a CSR graph, numba compiles that case separately without the look-up). Edge
    ``a`` leads to ``head[a]`` at cost ``cost[a] >= 0``. Vertices ``0..n_blocked-1`` other
    than the origin are reached but not passed through (zones of a TNTP network).

    Writes ``dist`` (``inf`` where unreachable), ``pred`` (the edge ``a`` into each vertex,
    ``-1`` at the origin and where unreachable) and ``order[:count]``, the settled vertices by
    increasing distance (a topological order of the tree); returns ``count``. ``heap``,
    ``hkey``, ``hpos`` and ``order`` are work arrays of the vertex count.

    Examples
    --------
    >>> import numpy as np
    >>> n = 3
    >>> ptr, head = np.array([0, 2, 3, 3]), np.array([1, 2, 2])
    >>> dist, pred = np.empty(n), np.empty(n, np.int64)
    >>> work = [np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n), np.empty(n, np.int64)]
    >>> dijkstra(0, ptr, None, head, np.array([1.0, 5.0, 1.0]), 0, dist, pred, *work)
    3
    >>> dist.tolist(), pred.tolist()
    ([0.0, 1.0, 2.0], [-1, 0, 2])
    """
    n = dist.shape[0]
    for v in range(n):
        dist[v] = np.inf
        pred[v] = -1
        hpos[v] = -1
    dist[origin] = 0.0
    heap[0] = origin
    hkey[0] = 0.0
    hpos[origin] = 0
    size = 1
    count = 0
    while size > 0:
        u = heap[0]
        du = hkey[0]
        size -= 1
        if size > 0:
            w = heap[size]
            heap[0] = w
            hkey[0] = hkey[size]
            hpos[w] = 0
            sift_down(heap, hkey, hpos, 0, size)
        hpos[u] = -2
        order[count] = u
        count += 1
        if u < n_blocked and u != origin:
            continue
        for k in range(ptr[u], ptr[u + 1]):
            a = k if link is None else link[k]
            v = head[a]
            nd = du + cost[a]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = a
                p = hpos[v]
                if p == -1:
                    heap[size] = v
                    hkey[size] = nd
                    hpos[v] = size
                    size += 1
                    sift_up(heap, hkey, hpos, size - 1)
                elif p >= 0:  # (a settled vertex cannot improve: costs are >= 0)
                    hkey[p] = nd
                    sift_up(heap, hkey, hpos, p)
    return count
