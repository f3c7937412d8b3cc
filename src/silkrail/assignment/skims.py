"""Zone-to-zone skims at the equilibrium costs of an assignment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from silkrail.assignment import _kernels

if TYPE_CHECKING:
    from silkrail._typing import FloatArray
    from silkrail.assignment.network import TrafficNetwork
    from silkrail.assignment.results import AssignmentResult

__all__ = ["assignment_skims"]


def assignment_skims(
    net: TrafficNetwork, result: AssignmentResult, *, cores: int = 1
) -> dict[str, FloatArray]:
    """Skim every class's shortest paths at the equilibrium costs of ``result``.

    Parameters
    ----------
    net
        The network that was assigned.
    result
        Its assignment result.
    cores
        Threads skimming origins at once.

    Returns
    -------
    dict of str to FloatArray
        ``num_zones x num_zones`` matrices: ``cost`` (generalised), ``time``, ``distance``
        and ``toll`` along each class's shortest path; with several classes each name is
        prefixed by the class name (``trucks_cost``). Unreachable pairs are ``inf``; the
        diagonal is 0.

    Raises
    ------
    ValueError
        If ``result`` does not belong to ``net``, or ``cores`` is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> import silkrail
    >>> net = silkrail.TrafficNetwork(
    ...     init_node=[1, 1], term_node=[2, 2], capacity=[1.0, 1.0], length=[1.0, 5.0],
    ...     free_flow_time=[1.0, 2.0], b=[1.0, 0.25], power=[1.0, 1.0], toll=[0.0, 0.0],
    ...     num_nodes=2, num_zones=2)
    >>> res = silkrail.assign(net, np.array([[0.0, 4.0], [0.0, 0.0]]), method="algb",
    ...                       rgap=1e-12)
    >>> skims = silkrail.assignment_skims(net, res)
    >>> round(float(skims["time"][0, 1]), 9), float(skims["distance"][0, 1])
    (3.0, 1.0)
    """
    if not (
        np.array_equal(result.init_node, net.init_node)
        and np.array_equal(result.term_node, net.term_node)
    ):
        msg = f"the result's links do not match the network {net.name!r}"
        raise ValueError(msg)
    if not isinstance(cores, int | np.integer) or isinstance(cores, bool) or cores < 1:
        msg = f"cores must be an integer >= 1, got {cores!r}"
        raise ValueError(msg)
    nz = net.num_zones
    origins = np.arange(nz, dtype=np.int64)
    attrs = np.ascontiguousarray(np.vstack([result.link_time, net.length, net.toll]))
    fs_ptr, fs_link = net._forward_star
    n_blocked = max(0, min(net.first_thru_node - 1, nz))
    out: dict[str, FloatArray] = {}
    multi = len(result.class_names) > 1
    for k, name in enumerate(result.class_names):
        cost = np.ascontiguousarray(result.class_cost[k], dtype=np.float64)
        _kernels.check_float("cost", cost)
        sk = np.empty((4, nz, nz))
        _kernels.in_threads(
            _kernels.skim_share,
            int(cores),
            origins,
            nz,
            fs_ptr,
            fs_link,
            net._tail,
            net._head,
            cost,
            n_blocked,
            attrs,
            sk,
        )
        for j, what in enumerate(("cost", "time", "distance", "toll")):
            mat = sk[j]
            np.fill_diagonal(mat, 0.0)
            out[f"{name}_{what}" if multi else what] = mat
    return out
