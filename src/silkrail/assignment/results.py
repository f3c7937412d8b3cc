"""Result types of the equilibrium assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from silkrail._typing import FloatArray, IntArray

__all__ = ["AssignmentResult", "ConvergenceReport"]


@dataclass(frozen=True, eq=False)
class ConvergenceReport:
    """One row per iteration of an assignment run.

    Parameters
    ----------
    iteration
        Iteration number (1-based).
    rgap
        Relative gap of the flows at that iteration (see :func:`~silkrail.assign`).
    beckmann
        Beckmann objective of those flows.
    step_size
        Step that produced them (Frank-Wolfe family); ``nan`` where no step applies.
    elapsed_s
        Wall time since the start of the run, in seconds.
    """

    iteration: IntArray
    rgap: FloatArray
    beckmann: FloatArray
    step_size: FloatArray
    elapsed_s: FloatArray

    def __len__(self) -> int:
        return int(self.iteration.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """Return the report as a DataFrame indexed by iteration.

        Returns
        -------
        pandas.DataFrame
            Columns ``rgap``, ``beckmann``, ``step_size``, ``elapsed_s``.

        Examples
        --------
        >>> import numpy as np
        >>> rep = ConvergenceReport(np.array([1]), np.array([0.1]), np.array([5.0]),
        ...                         np.array([np.nan]), np.array([0.01]))
        >>> rep.to_frame().index.name
        'iteration'
        """
        import pandas as pd

        return pd.DataFrame(
            {
                "rgap": self.rgap,
                "beckmann": self.beckmann,
                "step_size": self.step_size,
                "elapsed_s": self.elapsed_s,
            },
            index=pd.Index(self.iteration, name="iteration"),
        )


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """Equilibrium link flows and costs with the run's convergence history.

    Parameters
    ----------
    method
        Algorithm used.
    init_node, term_node
        Link ends (1-based), as in the network.
    link_flow
        Total link flow in passenger-car equivalents (PCE).
    link_time
        Congested link travel time at ``link_flow``.
    class_names
        User class names.
    class_flow
        Flow of every class on every link, in vehicles (classes x links).
    class_cost
        Generalised link cost each class perceives (classes x links).
    rgap
        Relative gap of the returned flows.
    rgap_target
        The gap asked for.
    beckmann
        Beckmann objective of the returned flows.
    tstt
        Total system generalised cost ``sum_k sum_a pce_k x_ka c_ka``.
    iterations
        Iterations run.
    converged
        Whether ``rgap <= rgap_target``.
    wall_time_s
        Wall time of the run, in seconds.
    report
        Per-iteration history.
    """

    method: str
    init_node: IntArray
    term_node: IntArray
    link_flow: FloatArray
    link_time: FloatArray
    class_names: tuple[str, ...]
    class_flow: FloatArray
    class_cost: FloatArray
    rgap: float
    rgap_target: float
    beckmann: float
    tstt: float
    iterations: int
    converged: bool
    wall_time_s: float
    report: ConvergenceReport

    @property
    def total_time(self) -> float:
        """Total system travel time ``sum_a v_a t_a(v_a)`` (time only, PCE-weighted)."""
        return float(np.dot(self.link_flow, self.link_time))

    def summary(self) -> dict[str, Any]:
        """Return the headline figures as a JSON-ready dict.

        Returns
        -------
        dict
            ``algorithm``, ``iterations``, ``rgap``, ``rgap_target``, ``converged``, ``tstt``,
            ``total_time``, ``beckmann``, ``wall_time_s``.

        Examples
        --------
        >>> import numpy as np
        >>> import silkrail
        >>> net = silkrail.TrafficNetwork(
        ...     init_node=[1, 1], term_node=[2, 2], capacity=[1.0, 1.0], length=[1.0, 1.0],
        ...     free_flow_time=[1.0, 2.0], b=[1.0, 0.25], power=[1.0, 1.0], toll=[0.0, 0.0],
        ...     num_nodes=2, num_zones=2)
        >>> res = silkrail.assign(net, np.array([[0.0, 4.0], [0.0, 0.0]]), method="algb",
        ...                       rgap=1e-12)
        >>> s = res.summary()
        >>> s["algorithm"], round(s["tstt"], 9), round(s["beckmann"], 9)
        ('algb', 12.0, 9.0)
        """
        return {
            "algorithm": self.method,
            "iterations": self.iterations,
            "rgap": self.rgap,
            "rgap_target": self.rgap_target,
            "converged": self.converged,
            "tstt": self.tstt,
            "total_time": self.total_time,
            "beckmann": self.beckmann,
            "wall_time_s": self.wall_time_s,
        }

    def to_frame(self) -> pd.DataFrame:
        """Return one row per link: ends, flow, time and each class's flow and cost.

        Returns
        -------
        pandas.DataFrame
            Columns ``init_node``, ``term_node``, ``flow``, ``time`` and, for a single class,
            ``cost``; with several classes, ``flow_<name>`` and ``cost_<name>`` per class.

        Examples
        --------
        >>> import numpy as np
        >>> import silkrail
        >>> net = silkrail.TrafficNetwork(
        ...     init_node=[1, 1], term_node=[2, 2], capacity=[1.0, 1.0], length=[1.0, 1.0],
        ...     free_flow_time=[1.0, 2.0], b=[1.0, 0.25], power=[1.0, 1.0], toll=[0.0, 0.0],
        ...     num_nodes=2, num_zones=2)
        >>> res = silkrail.assign(net, np.array([[0.0, 4.0], [0.0, 0.0]]), method="fw")
        >>> res.to_frame()[["flow", "time"]].round(6).values.tolist()
        [[2.0, 3.0], [2.0, 3.0]]
        """
        import pandas as pd

        cols: dict[str, Any] = {
            "init_node": self.init_node,
            "term_node": self.term_node,
            "flow": self.link_flow,
            "time": self.link_time,
        }
        if len(self.class_names) == 1:
            cols["cost"] = self.class_cost[0]
        else:
            for k, name in enumerate(self.class_names):
                cols[f"flow_{name}"] = self.class_flow[k]
                cols[f"cost_{name}"] = self.class_cost[k]
        return pd.DataFrame(cols)
