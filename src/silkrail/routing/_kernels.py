"""numba kernels of the routing engines. Callers allocate every output array.

The kernels are written as plain functions and compiled with ``numba.njit(cache=True)`` on
first use through :func:`jit`; numba itself is imported only then. The planner runs the Pareto
kernel uncompiled on small graphs (the packaged corridor network), which saves the 0.5–1 s that
loading numba's compiler costs a command-line process, and compiled on large ones. Both run the
same function, and the tests check both against brute-force enumeration.

The one-to-all Dijkstra and its indexed heap are shared with the assignment engine and live
in ``graph/_kernels.py``. The Pareto search keeps a heap of its own: it pops labels in
lexicographic order of four criteria (a tuple key, not one float) and never decreases a key
(a dominated label is only marked dead), so it needs no slot index, and Python's ``heapq``
(C in the interpreter, numba's typed list when compiled) serves both ways it runs.
"""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np

__all__ = ["N_CRIT", "jit", "pareto_kernel", "path_edges", "path_lengths", "repeated_nodes"]

N_CRIT = 4  # criteria columns in the multi-criteria search (unused ones are zero)
_compiled: dict[str, Any] = {}


def jit(name: str) -> Any:
    """Return the numba-compiled version of kernel `name` (compiled and cached on first use)."""
    if name not in _compiled:
        import numba
        from numba.core import config as numba_config
        from numba.core import event as numba_event

        from silkrail._numba_setup import prepare

        prepare(numba_config, numba_event, __file__)
        # nogil: a server runs plans in threads, and its event loop must get the CPU too.
        _compiled[name] = numba.njit(cache=True, nogil=True)(globals()[name])
    return _compiled[name]


def pareto_kernel(
    indptr: np.ndarray,
    head: np.ndarray,
    crit: np.ndarray,
    edge_ok: np.ndarray,
    sources: np.ndarray,
    is_target: np.ndarray,
    lower: np.ndarray,
    limit_col: int,
    limit: float,
    eps: float,
    node_word: np.ndarray,
    node_bit: np.ndarray,
    lab_state: np.ndarray,
    lab_crit: np.ndarray,
    lab_pred: np.ndarray,
    lab_edge: np.ndarray,
    lab_alive: np.ndarray,
    lab_vis: np.ndarray,
) -> int:
    """Multi-criteria label setting (Martins 1984) with dominance and target pruning.

    Labels are settled in lexicographic order of their criteria plus their state's bounds
    (below), so a settled label is never dominated later by a label at its state. Only settled
    labels are extended; a label reaching a target state is not extended further. A new label
    is discarded if a label at its state or at any target state dominates it (within ``eps``;
    ``eps = 0`` is exact); labels it dominates exactly are discarded. ``limit_col >= 0`` caps
    that criterion at ``limit`` (a resource constraint).

    ``lower[s, k]`` is a lower bound on criterion ``k`` from state ``s`` to any target state
    (``inf`` where none is reachable), consistent along every edge. A new label at ``s`` is
    discarded when a target label dominates its criteria plus those bounds, since then it
    dominates every path the label could still become (the ideal-point heuristic of
    multi-objective A*: Tung & Chew 1992; NAMOA*, Mandow & Pérez de la Cruz 2010). Zero bounds
    give the plain label setting with target pruning.

    Elementary mode (``lab_vis`` has columns): each label carries the set of nodes its path has
    visited, as bits (state ``s`` is node bit ``node_bit[s]`` of word ``node_word[s]``). A label
    is not extended into a node it has visited, except by an operation at the node it stands
    on, and a label dominates another only if it has also visited no node the other has not
    (Feillet et al. 2004): the search is then exact over paths that visit no node twice.

    Returns the number of labels written, or -1 if the label arrays are full.
    """
    n_states = len(indptr) - 1
    cap = len(lab_state)
    first = np.full(n_states, -1, dtype=np.int64)
    nxt = np.full(cap, -1, dtype=np.int64)
    targets = np.empty(cap, dtype=np.int64)
    n_targets = 0
    n_crit = crit.shape[1]
    new = np.empty(n_crit, dtype=np.float64)
    n_words = lab_vis.shape[1]
    new_vis = np.zeros(n_words, dtype=np.int64)
    heap = [(0.0, 0.0, 0.0, 0.0, np.int64(0))]
    heap.pop()
    n = 0
    for s in sources:
        if n >= cap:
            return -1
        lab_state[n] = s
        lab_crit[n, :] = 0.0
        lab_pred[n] = -1
        lab_edge[n] = -1
        lab_alive[n] = True
        if n_words > 0:
            lab_vis[n, :] = 0
            lab_vis[n, node_word[s]] = node_bit[s]
        nxt[n] = first[s]
        first[s] = n
        if is_target[s]:
            targets[n_targets] = n
            n_targets += 1
        heapq.heappush(heap, (lower[s, 0], lower[s, 1], lower[s, 2], lower[s, 3], np.int64(n)))
        n += 1
    while len(heap) > 0:
        item = heapq.heappop(heap)
        lab = item[4]
        if not lab_alive[lab]:
            continue
        s = lab_state[lab]
        if is_target[s]:
            continue
        for e in range(indptr[s], indptr[s + 1]):
            if not edge_ok[e]:
                continue
            t = head[e]
            if lower[t, 0] == np.inf:  # no target reachable from t
                continue
            if n_words > 0:
                w = node_word[t]
                same_node = w == node_word[s] and node_bit[t] == node_bit[s]
                if not same_node and (lab_vis[lab, w] & node_bit[t]) != 0:
                    continue
                for k in range(n_words):
                    new_vis[k] = lab_vis[lab, k]
                new_vis[w] = new_vis[w] | node_bit[t]
            for k in range(n_crit):
                new[k] = lab_crit[lab, k] + crit[e, k]
            if limit_col >= 0 and new[limit_col] + lower[t, limit_col] > limit:
                continue
            # Dominance is written out inline (no helper call) so that the kernel also runs
            # uncompiled. m dominates new when m is no worse in every criterion (within eps).
            dominated = False
            for i in range(n_targets):
                m = targets[i]
                if lab_alive[m]:
                    dominated = True
                    for k in range(n_crit):
                        if lab_crit[m, k] > (new[k] + lower[t, k]) * (1.0 + eps) + 1e-12:
                            dominated = False
                            break
                    if dominated:
                        break
            if dominated:
                continue
            # Labels found dead are unlinked on the way, so later scans skip them.
            prev = -1
            m = first[t]
            while m != -1:
                if not lab_alive[m]:
                    if prev == -1:
                        first[t] = nxt[m]
                    else:
                        nxt[prev] = nxt[m]
                    m = nxt[m]
                    continue
                dominated = True
                for k in range(n_crit):
                    if lab_crit[m, k] > new[k] * (1.0 + eps) + 1e-12:
                        dominated = False
                        break
                # In elementary mode m must also have visited a subset of new's nodes.
                if dominated and n_words > 0:
                    for k in range(n_words):
                        if (lab_vis[m, k] & ~new_vis[k]) != 0:
                            dominated = False
                if dominated:
                    break
                prev = m
                m = nxt[m]
            if dominated:
                continue
            m = first[t]
            while m != -1:
                if lab_alive[m]:
                    worse = True
                    for k in range(n_crit):
                        if new[k] > lab_crit[m, k] + 1e-12:
                            worse = False
                            break
                    if worse and n_words > 0:
                        for k in range(n_words):
                            if (new_vis[k] & ~lab_vis[m, k]) != 0:
                                worse = False
                    if worse:
                        lab_alive[m] = False
                m = nxt[m]
            if n >= cap:
                return -1
            lab_state[n] = t
            lab_crit[n, :] = new
            lab_pred[n] = lab
            lab_edge[n] = e
            lab_alive[n] = True
            if n_words > 0:
                for k in range(n_words):
                    lab_vis[n, k] = new_vis[k]
            nxt[n] = first[t]
            first[t] = n
            if is_target[t]:
                targets[n_targets] = n
                n_targets += 1
            f0, f1 = new[0] + lower[t, 0], new[1] + lower[t, 1]
            f2, f3 = new[2] + lower[t, 2], new[3] + lower[t, 3]
            heapq.heappush(heap, (f0, f1, f2, f3, np.int64(n)))
            n += 1
    return n


def path_lengths(labels: np.ndarray, lab_pred: np.ndarray, lab_edge: np.ndarray,
                 out_len: np.ndarray) -> None:  # fmt: skip
    """Write the number of edges on each label's path back to its source into ``out_len``."""
    for i in range(len(labels)):
        j = labels[i]
        k = 0
        while lab_edge[j] >= 0:
            k += 1
            j = lab_pred[j]
        out_len[i] = k


def path_edges(labels: np.ndarray, lab_pred: np.ndarray, lab_edge: np.ndarray,
               edge_ids: np.ndarray, offsets: np.ndarray, out: np.ndarray) -> None:  # fmt: skip
    """Write each label's path, as ``edge_ids`` of its edges in path order, into ``out``.

    Path ``i`` fills ``out[offsets[i]:offsets[i + 1]]`` (lengths from :func:`path_lengths`),
    written from its last edge back to its first.
    """
    for i in range(len(labels)):
        j = labels[i]
        pos = offsets[i + 1] - 1
        while lab_edge[j] >= 0:
            out[pos] = edge_ids[lab_edge[j]]
            pos -= 1
            j = lab_pred[j]


def repeated_nodes(edges: np.ndarray, offsets: np.ndarray, state_node: np.ndarray,
                   edge_tail: np.ndarray, edge_head: np.ndarray, seen: np.ndarray,
                   out: np.ndarray) -> int:  # fmt: skip
    """Mark in ``out`` the nodes some path visits twice or more; return how many.

    Path ``i`` is ``edges[offsets[i]:offsets[i + 1]]``. A path visits its first edge's tail,
    then the head of every edge that moves to another node (an operation at a node, such as a
    gauge change, is no second visit). ``seen`` (one slot per node, filled with -1) and
    ``out`` (one flag per node, False) are work and output arrays.
    """
    count = 0
    for i in range(len(offsets) - 1):
        a, b = offsets[i], offsets[i + 1]
        for k in range(a, b + 1):
            if k == a:
                if a == b:
                    break
                node = state_node[edge_tail[edges[k]]]
            else:
                e = edges[k - 1]
                node = state_node[edge_head[e]]
                if node == state_node[edge_tail[e]]:
                    continue
            if seen[node] == i:
                if not out[node]:
                    out[node] = True
                    count += 1
            else:
                seen[node] = i
    return count
