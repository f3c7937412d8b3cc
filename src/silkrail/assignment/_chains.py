"""Chains of pass-through nodes contracted away for shortest-path costs (private).

A node that is not a zone and links to at most two neighbours (one road in, one road out, in
each direction) is a point on a line: a shortest path that enters it from one neighbour
leaves it to the other, as turning back costs at least as much as not coming. For the costs
of shortest paths between zones (the relative gap's SPTT) such chains can be replaced by one
edge each way, whose cost is the sum of its links' costs. Networks digitised finely have many
such nodes (shape points of a road), and each costs a trip through Dijkstra's heap, whose
price grows with the heap (docs/benchmarks.md, "Beyond ChicagoSketch").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from silkrail.assignment.network import _star

if TYPE_CHECKING:
    from silkrail._typing import FloatArray, IntArray

__all__ = ["ContractedGraph", "contract_chains"]

#: Contract only when at least this share of the nodes goes: below it the per-iteration sums
#: of the chains' costs save too little heap work to be worth changing the gap's last digits.
MIN_REMOVED_SHARE = 0.1


@dataclass(frozen=True)
class ContractedGraph:
    """A forward star over contracted edges, each a run of the original links.

    ``fs_ptr``/``fs_link`` and ``head`` are in the layout of the assignment kernels (the
    out-edges of node ``v`` are ``fs_link[fs_ptr[v]:fs_ptr[v + 1]]``); edge ``e`` is the
    links ``links[starts[e]:starts[e + 1]]`` in path order (``starts`` has one more entry).
    """

    fs_ptr: IntArray
    fs_link: IntArray
    tail: IntArray
    head: IntArray
    links: IntArray
    starts: IntArray
    removed: int

    def cost(self, link_cost: FloatArray) -> FloatArray:
        """Return each edge's cost: the sum of its links' ``link_cost``."""
        out: FloatArray = np.add.reduceat(link_cost[self.links], self.starts[:-1])
        return out


def _contractible(
    n: int, keep_below: int, tail: IntArray, head: IntArray
) -> tuple[np.ndarray, list[list[int]]]:
    """Mark the pass-through nodes; return the marks and every node's out-links."""
    fp, fl = (x.tolist() for x in _star(tail, n))
    bp, bl = (x.tolist() for x in _star(head, n))
    outs = [fl[fp[v] : fp[v + 1]] for v in range(n)]
    hl, tl = head.tolist(), tail.tolist()
    mark = np.zeros(n, dtype=bool)
    for v in range(keep_below, n):
        out_to = [hl[a] for a in outs[v]]
        in_from = [tl[a] for a in bl[bp[v] : bp[v + 1]]]
        if v in out_to or len(set(out_to)) != len(out_to) or len(set(in_from)) != len(in_from):
            continue  # a loop, or parallel links that may differ in cost
        mark[v] = len(set(out_to) | set(in_from)) <= 2
    return mark, outs


def contract_chains(
    n: int, keep_below: int, tail: IntArray, head: IntArray
) -> ContractedGraph | None:
    """Contract the chains of pass-through nodes at or above ``keep_below``.

    Parameters
    ----------
    n
        Number of nodes.
    keep_below
        Nodes ``0..keep_below-1`` (the zones) are always kept.
    tail, head
        Tail and head node of every link (0-based).

    Returns
    -------
    ContractedGraph or None
        The contracted graph, or None where fewer than :data:`MIN_REMOVED_SHARE` of the
        nodes would go.

    Examples
    --------
    Zones 0 and 1; node 2 on the two-way road 0 - 2 - 3, node 3 a junction with zone 1 and
    a spur to node 4. Nodes 2 and 4 go: 0 - 2 - 3 becomes one edge each way, the spur none.

    >>> tail = np.array([0, 2, 2, 3, 3, 1, 3, 4])
    >>> head = np.array([2, 0, 3, 2, 1, 3, 4, 3])
    >>> g = contract_chains(5, 2, tail, head)
    >>> g.removed, g.tail.tolist(), g.head.tolist()
    (2, [0, 1, 3, 3], [3, 3, 0, 1])
    >>> g.cost(np.arange(8.0)).tolist()  # links 0 + 2, 5, 3 + 1, 4
    [2.0, 5.0, 4.0, 4.0]
    """
    mark, outs = _contractible(n, keep_below, tail, head)
    hl = head.tolist()
    e_tail: list[int] = []
    e_head: list[int] = []
    links: list[int] = []
    starts = [0]
    for u in np.flatnonzero(~mark).tolist():
        for a in outs[u]:
            path, prev, x = [a], u, hl[a]
            while mark[x] and len(path) <= n:
                nxt = [b for b in outs[x] if hl[b] != prev]
                if not nxt:
                    break
                path.append(nxt[0])
                prev, x = x, hl[nxt[0]]
            if mark[x] or x == u:
                continue  # a dead end, a turn back or a loop: never on a shortest path
            e_tail.append(u)
            e_head.append(x)
            links.extend(path)
            starts.append(len(links))
    removed = int(mark.sum())
    if removed < MIN_REMOVED_SHARE * n:
        return None
    t = np.asarray(e_tail, dtype=np.int64)
    fs_ptr, fs_link = _star(t, n)
    return ContractedGraph(
        fs_ptr=fs_ptr,
        fs_link=fs_link,
        tail=t,
        head=np.asarray(e_head, dtype=np.int64),
        links=np.asarray(links, dtype=np.int64),
        starts=np.asarray(starts, dtype=np.int64),
        removed=removed,
    )
