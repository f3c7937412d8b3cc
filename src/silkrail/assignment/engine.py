"""User-equilibrium traffic assignment: the :func:`assign` entry point."""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numba
import numpy as np

from silkrail.assignment._algorithms import run_bush, run_linear
from silkrail.assignment._problem import Recorder, build_problem
from silkrail.assignment.network import UserClass
from silkrail.assignment.results import AssignmentResult, ConvergenceReport
from silkrail.errors import ConvergenceWarning

if TYPE_CHECKING:
    from silkrail._typing import FloatArray
    from silkrail.assignment.network import TrafficNetwork

__all__ = ["ASSIGNMENT_METHODS", "assign"]

#: Assignment methods: all-or-nothing, method of successive averages, Frank-Wolfe,
#: conjugate FW, bi-conjugate FW and Algorithm B (bush-based).
ASSIGNMENT_METHODS = ("aon", "msa", "fw", "cfw", "bfw", "algb")


def _classes(demand: FloatArray | UserClass | Sequence[UserClass]) -> list[UserClass]:
    if isinstance(demand, UserClass):
        return [demand]
    if isinstance(demand, np.ndarray):
        return [UserClass(demand)]
    if isinstance(demand, Sequence) and not isinstance(demand, str | bytes):
        classes = list(demand)
        if classes and all(isinstance(c, UserClass) for c in classes):
            return classes
        if not classes:
            msg = "demand must hold at least one UserClass, got an empty sequence"
            raise ValueError(msg)
    msg = (
        f"demand must be a zones x zones array, a UserClass or a sequence of UserClass, "
        f"got {type(demand).__name__}"
    )
    raise TypeError(msg)


def assign(
    net: TrafficNetwork,
    demand: FloatArray | UserClass | Sequence[UserClass],
    *,
    method: str = "bfw",
    rgap: float = 1e-4,
    max_iter: int = 1000,
    cores: int = 1,
) -> AssignmentResult:
    """Find the user equilibrium (Wardrop's first principle) of ``demand`` on ``net``.

    Link times follow the BPR function of :class:`TrafficNetwork`; each user class adds its
    fixed costs (tolls, distance; see :class:`UserClass`) and loads the network with its PCE.
    The equilibrium minimises the Beckmann objective
    ``sum_a int_0^{V_a} t_a(w) dw + sum_k sum_a f_ka pce_k x_ka``.

    Convergence is measured by the relative gap of Boyce, Ralevic-Dekic & Bar-Gera (2004),
    "Convergence of traffic assignment: how much is enough?", J. Transp. Eng. 130(1), as used
    by the TNTP test problems::

        rgap = (TSTT - SPTT) / TSTT

    where TSTT = ``sum_k sum_a pce_k x_ka c_ka`` is the total generalised cost of the current
    flows and SPTT = ``sum_k sum_od pce_k d_kod kappa_kod`` what it would be if every trip
    took a currently shortest path (``kappa`` = shortest generalised path cost). The gap is
    computed for the flows returned, at their own costs.

    Parameters
    ----------
    net
        The network.
    demand
        A ``num_zones x num_zones`` trip matrix (one class, PCE 1, the network's cost
        weights), a :class:`UserClass`, or a sequence of them.
    method
        One of :data:`ASSIGNMENT_METHODS`: ``"aon"`` all-or-nothing, ``"msa"`` successive averages,
        ``"fw"`` Frank-Wolfe, ``"cfw"`` conjugate and ``"bfw"`` bi-conjugate Frank-Wolfe
        (Mitradjieva & Lindberg 2013), ``"algb"`` Algorithm B (Dial 2006), the one to use
        for gaps below about 1e-6.
    rgap
        Relative gap at which to stop (> 0).
    max_iter
        Iteration limit (>= 1).
    cores
        Threads for the per-origin and per-bush kernels (1 to ``NUMBA_NUM_THREADS``, by
        default the number of CPUs). With ``cores=1`` results are reproducible bit for bit.
        Above 1, Algorithm B on large problems (500,000 bushes × links or more) also shifts
        flow in threads, and its result then depends on thread timing: the same equilibrium
        to within ``rgap``, not the same floats (docs/assignment.md, "Parallelism").

    Returns
    -------
    AssignmentResult
        Link flows and costs, the per-iteration convergence report and ``converged``.

    Raises
    ------
    ValueError
        If an option is out of range or the demand does not match the zones.
    TypeError
        If ``demand`` is of an unsupported type.
    NoRouteError
        If some origin-destination pair with demand has no path.

    Warns
    -----
    ConvergenceWarning
        When an iterative method stops at ``max_iter`` above the gap target
        (``converged`` is then ``False``).

    Examples
    --------
    Two parallel links, ``t1 = 1 + v1`` and ``t2 = 2 + v2 / 2``, with 4 trips: at equilibrium
    both carry 2 and take 3.

    >>> import numpy as np
    >>> import silkrail
    >>> net = silkrail.TrafficNetwork(
    ...     init_node=[1, 1], term_node=[2, 2], capacity=[1.0, 1.0], length=[1.0, 1.0],
    ...     free_flow_time=[1.0, 2.0], b=[1.0, 0.25], power=[1.0, 1.0], toll=[0.0, 0.0],
    ...     num_nodes=2, num_zones=2)
    >>> res = silkrail.assign(net, np.array([[0.0, 4.0], [0.0, 0.0]]), method="algb",
    ...                       rgap=1e-12)
    >>> res.link_flow.round(9).tolist(), res.converged
    ([2.0, 2.0], True)
    """
    if method not in ASSIGNMENT_METHODS:
        msg = f"unknown method {method!r}; choose one of {ASSIGNMENT_METHODS}"
        raise ValueError(msg)
    if not (isinstance(rgap, int | float) and np.isfinite(rgap) and rgap > 0):
        msg = f"rgap must be a finite number > 0, got {rgap!r}"
        raise ValueError(msg)
    if not isinstance(max_iter, int | np.integer) or isinstance(max_iter, bool) or max_iter < 1:
        msg = f"max_iter must be an integer >= 1, got {max_iter!r}"
        raise ValueError(msg)
    limit = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
    if (
        not isinstance(cores, int | np.integer)
        or isinstance(cores, bool)
        or not (1 <= cores <= limit)
    ):
        msg = f"cores must be an integer between 1 and {limit}, got {cores!r}"
        raise ValueError(msg)
    classes = _classes(demand)
    pb = build_problem(net, classes, int(cores))
    start = time.perf_counter()
    rec = Recorder(start=start)
    if method == "algb":
        st = run_bush(pb, float(rgap), int(max_iter), rec)
    else:
        st = run_linear(pb, method, float(rgap), int(max_iter), rec)
    wall = time.perf_counter() - start
    converged = bool(st.rgap <= rgap)
    if not converged and method != "aon":
        warnings.warn(
            f"{method} stopped after {st.iterations} iterations at relative gap "
            f"{st.rgap:.3e}, above the target {rgap:.3e}; raise max_iter or use method='algb'",
            ConvergenceWarning,
            stacklevel=2,
        )
    report = ConvergenceReport(
        iteration=np.asarray(rec.iteration, dtype=np.int64),
        rgap=np.asarray(rec.rgap, dtype=np.float64),
        beckmann=np.asarray(rec.beckmann, dtype=np.float64),
        step_size=np.asarray(rec.step, dtype=np.float64),
        elapsed_s=np.asarray(rec.elapsed, dtype=np.float64),
    )
    class_cost = np.ascontiguousarray(st.time[None, :] + pb.fixed)
    return AssignmentResult(
        method=method,
        init_node=net.init_node,
        term_node=net.term_node,
        link_flow=st.vol,
        link_time=st.time,
        class_names=pb.names,
        class_flow=st.class_flow / pb.pce[:, None],
        class_cost=class_cost,
        rgap=float(st.rgap),
        rgap_target=float(rgap),
        beckmann=float(st.beckmann),
        tstt=float(st.tstt),
        iterations=int(st.iterations),
        converged=converged,
        wall_time_s=wall,
        report=report,
    )
