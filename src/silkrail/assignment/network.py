"""The road-style network and the user classes that the equilibrium assignment works on."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from silkrail.errors import NetworkValidationError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from silkrail._typing import FloatArray, IntArray

__all__ = ["TrafficNetwork", "UserClass"]


def _as_float(x: object) -> FloatArray:
    return np.ascontiguousarray(np.asarray(x, dtype=np.float64))


def _as_int(x: object) -> IntArray:
    return np.ascontiguousarray(np.asarray(x, dtype=np.int64))


@dataclass(frozen=True, eq=False)
class TrafficNetwork:
    """A directed network with BPR link performance functions, in TNTP conventions.

    Nodes are numbered ``1..num_nodes``; nodes ``1..num_zones`` are the zones (origins and
    destinations). Nodes below ``first_thru_node`` are zones that a path may start or end at
    but never pass through. The travel time of link ``a`` at flow ``v`` is
    ``free_flow_time * (1 + b * (v / capacity) ** power)``; the generalised cost a class
    perceives adds ``toll_factor * toll + distance_factor * length`` (see :class:`UserClass`).

    Parameters
    ----------
    init_node, term_node
        Tail and head node of every link (1-based).
    capacity, length, free_flow_time, b, power, toll
        Per-link BPR parameters and fixed attributes.
    num_nodes, num_zones
        Node and zone counts.
    first_thru_node
        Lowest node number that paths may pass through (1: all nodes).
    toll_factor, distance_factor
        Default generalised-cost weights of tolls and lengths (time units per unit).
    link_type
        Optional link type codes (0 when absent).
    name
        A label used in messages and reports.

    Raises
    ------
    NetworkValidationError
        If any column has the wrong length or an invalid value; every problem is listed.

    Examples
    --------
    >>> net = TrafficNetwork(
    ...     init_node=[1, 1], term_node=[2, 2], capacity=[1.0, 1.0], length=[1.0, 1.0],
    ...     free_flow_time=[1.0, 2.0], b=[1.0, 0.25], power=[1.0, 1.0], toll=[0.0, 0.0],
    ...     num_nodes=2, num_zones=2)
    >>> net.num_links
    2
    """

    init_node: IntArray
    term_node: IntArray
    capacity: FloatArray
    length: FloatArray
    free_flow_time: FloatArray
    b: FloatArray
    power: FloatArray
    toll: FloatArray
    num_nodes: int
    num_zones: int
    first_thru_node: int = 1
    toll_factor: float = 0.0
    distance_factor: float = 0.0
    link_type: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    name: str = "network"

    def __post_init__(self) -> None:
        m = np.asarray(self.init_node).shape[0]
        cols: dict[str, object] = {}
        for col in ("init_node", "term_node"):
            cols[col] = _as_int(getattr(self, col))
        for col in ("capacity", "length", "free_flow_time", "b", "power", "toll"):
            cols[col] = _as_float(getattr(self, col))
        lt = np.asarray(self.link_type)
        cols["link_type"] = np.zeros(m, np.int64) if lt.size == 0 else _as_int(lt)
        for col, arr in cols.items():
            object.__setattr__(self, col, arr)
            getattr(self, col).setflags(write=False)
        self._validate()

    def _validate(self) -> None:
        src = self.name
        problems: list[Problem] = []

        def bad(col: str, idx: IntArray, rule: str) -> None:
            arr = getattr(self, col)
            for i in idx[:20]:
                problems.append(Problem(src, int(i) + 1, col, str(arr[i]), rule))

        m = self.init_node.shape[0]
        for col in (
            "term_node",
            "capacity",
            "length",
            "free_flow_time",
            "b",
            "power",
            "toll",
            "link_type",
        ):
            arr = getattr(self, col)
            if arr.ndim != 1 or arr.shape[0] != m:
                problems.append(
                    Problem(src, None, col, str(arr.shape), f"must have one value per link ({m})")
                )
        if problems:
            raise NetworkValidationError(problems, source=src)
        if self.num_nodes < 1:
            problems.append(Problem(src, None, "num_nodes", str(self.num_nodes), "must be >= 1"))
        if not 0 <= self.num_zones <= self.num_nodes:
            problems.append(
                Problem(
                    src,
                    None,
                    "num_zones",
                    str(self.num_zones),
                    f"must be between 0 and num_nodes ({self.num_nodes})",
                )
            )
        if not 1 <= self.first_thru_node <= self.num_nodes + 1:
            problems.append(
                Problem(
                    src,
                    None,
                    "first_thru_node",
                    str(self.first_thru_node),
                    f"must be between 1 and {self.num_nodes + 1}",
                )
            )
        for col in ("init_node", "term_node"):
            arr = getattr(self, col)
            bad(
                col,
                np.flatnonzero((arr < 1) | (arr > self.num_nodes)),
                f"node numbers must be between 1 and {self.num_nodes}",
            )
        for col in ("length", "free_flow_time", "b", "power", "toll"):
            arr = getattr(self, col)
            bad(col, np.flatnonzero(~np.isfinite(arr) | (arr < 0)), "must be a finite number >= 0")
        cap = self.capacity
        bad(
            "capacity",
            np.flatnonzero(~np.isfinite(cap) | ((cap <= 0) & (self.b > 0))),
            "must be finite, and > 0 on links with b > 0",
        )
        for name, val in (
            ("toll_factor", self.toll_factor),
            ("distance_factor", self.distance_factor),
        ):
            if not (np.isfinite(val) and val >= 0):
                problems.append(Problem(src, None, name, str(val), "must be a finite number >= 0"))
        if problems:
            raise NetworkValidationError(problems, source=src)

    @property
    def num_links(self) -> int:
        """Number of links."""
        return int(self.init_node.shape[0])

    @cached_property
    def _tail(self) -> IntArray:
        return np.ascontiguousarray(self.init_node - 1)

    @cached_property
    def _head(self) -> IntArray:
        return np.ascontiguousarray(self.term_node - 1)

    @cached_property
    def _forward_star(self) -> tuple[IntArray, IntArray]:
        return _star(self._tail, self.num_nodes)

    @cached_property
    def _backward_star(self) -> tuple[IntArray, IntArray]:
        return _star(self._head, self.num_nodes)

    def link_time(self, flow: FloatArray) -> FloatArray:
        """Return the BPR travel time of every link at ``flow``.

        Parameters
        ----------
        flow
            Link flows (one per link).

        Returns
        -------
        FloatArray
            ``free_flow_time * (1 + b * (flow / capacity) ** power)``.

        Examples
        --------
        >>> import numpy as np
        >>> net = TrafficNetwork(
        ...     init_node=[1], term_node=[2], capacity=[2.0], length=[1.0],
        ...     free_flow_time=[1.0], b=[0.15], power=[4.0], toll=[0.0],
        ...     num_nodes=2, num_zones=2)
        >>> net.link_time(np.array([2.0]))
        array([1.15])
        """
        from silkrail.assignment import _kernels

        v = np.ascontiguousarray(flow, dtype=np.float64)
        if v.shape != (self.num_links,):
            msg = f"flow must have shape ({self.num_links},), got {v.shape}"
            raise ValueError(msg)
        out = np.empty(self.num_links)
        _kernels.link_time(
            self.free_flow_time, self.b, self.capacity, self.power, v, out, np.empty(0)
        )
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the links as a DataFrame, one row per link.

        Returns
        -------
        pandas.DataFrame
            Columns ``init_node``, ``term_node``, ``capacity``, ``length``,
            ``free_flow_time``, ``b``, ``power``, ``toll``, ``link_type``.

        Examples
        --------
        >>> net = TrafficNetwork(
        ...     init_node=[1], term_node=[2], capacity=[2.0], length=[1.0],
        ...     free_flow_time=[1.0], b=[0.15], power=[4.0], toll=[0.0],
        ...     num_nodes=2, num_zones=2)
        >>> list(net.to_frame().columns)[:3]
        ['init_node', 'term_node', 'capacity']
        """
        import pandas as pd

        return pd.DataFrame(
            {
                col: getattr(self, col)
                for col in (
                    "init_node",
                    "term_node",
                    "capacity",
                    "length",
                    "free_flow_time",
                    "b",
                    "power",
                    "toll",
                    "link_type",
                )
            }
        )


def _star(node_of_link: IntArray, n: int) -> tuple[IntArray, IntArray]:
    order = np.argsort(node_of_link, kind="stable").astype(np.int64)
    counts = np.bincount(node_of_link, minlength=n)
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, np.ascontiguousarray(order)


@dataclass(frozen=True, eq=False)
class UserClass:
    """One user class: its demand and how it weighs time, tolls and distance.

    The class perceives the generalised cost ``t_a(V) + toll_factor * toll_a +
    distance_factor * length_a + fixed_cost_a`` on link ``a``, where ``V`` is the total flow
    in passenger-car equivalents (each vehicle of this class counts ``pce``).

    Parameters
    ----------
    demand
        Trips between zones (``num_zones x num_zones``); the diagonal is ignored.
    name
        Class label.
    pce
        Passenger-car equivalents per vehicle (> 0).
    value_of_time
        Money per time unit; when given, tolls weigh ``1 / value_of_time`` (so it excludes
        ``toll_factor``).
    toll_factor, distance_factor
        Time units per toll and per length unit; ``None`` takes the network's defaults.
    fixed_cost
        Extra class-specific cost per link (time units), or ``None``.

    Raises
    ------
    ValueError
        If ``pce`` or a weight is not a finite positive number, or both ``value_of_time``
        and ``toll_factor`` are given.

    Examples
    --------
    >>> import numpy as np
    >>> trucks = UserClass(np.zeros((2, 2)), name="trucks", pce=2.5, value_of_time=60.0)
    >>> trucks.toll_weight(0.0)
    0.016666666666666666
    """

    demand: FloatArray
    name: str = "all"
    pce: float = 1.0
    value_of_time: float | None = None
    toll_factor: float | None = None
    distance_factor: float | None = None
    fixed_cost: FloatArray | None = None

    def __post_init__(self) -> None:
        d = np.ascontiguousarray(np.asarray(self.demand, dtype=np.float64))
        if d.ndim != 2 or d.shape[0] != d.shape[1]:
            msg = f"demand of class {self.name!r} must be a square matrix, got shape {d.shape}"
            raise ValueError(msg)
        if not np.all(np.isfinite(d)) or np.any(d < 0):
            msg = f"demand of class {self.name!r} must be finite and >= 0"
            raise ValueError(msg)
        object.__setattr__(self, "demand", d)
        if not (np.isfinite(self.pce) and self.pce > 0):
            msg = f"pce of class {self.name!r} must be a finite number > 0, got {self.pce!r}"
            raise ValueError(msg)
        if self.value_of_time is not None:
            if self.toll_factor is not None:
                msg = f"class {self.name!r}: give value_of_time or toll_factor, not both"
                raise ValueError(msg)
            if not (np.isfinite(self.value_of_time) and self.value_of_time > 0):
                msg = (
                    f"value_of_time of class {self.name!r} must be a finite number > 0, "
                    f"got {self.value_of_time!r}"
                )
                raise ValueError(msg)
        for attr in ("toll_factor", "distance_factor"):
            val = getattr(self, attr)
            if val is not None and not (np.isfinite(val) and val >= 0):
                msg = f"{attr} of class {self.name!r} must be a finite number >= 0, got {val!r}"
                raise ValueError(msg)
        if self.fixed_cost is not None:
            fc = np.ascontiguousarray(np.asarray(self.fixed_cost, dtype=np.float64))
            if fc.ndim != 1 or not np.all(np.isfinite(fc)) or np.any(fc < 0):
                msg = f"fixed_cost of class {self.name!r} must be a 1-d array of finite values >= 0"
                raise ValueError(msg)
            object.__setattr__(self, "fixed_cost", fc)

    def toll_weight(self, default: float) -> float:
        """Return the weight of tolls in this class's generalised cost.

        Parameters
        ----------
        default
            The network's toll factor, used when the class sets neither weight.

        Returns
        -------
        float
            ``1 / value_of_time``, else ``toll_factor``, else ``default``.

        Examples
        --------
        >>> import numpy as np
        >>> UserClass(np.zeros((1, 1))).toll_weight(0.02)
        0.02
        """
        if self.value_of_time is not None:
            return 1.0 / self.value_of_time
        return default if self.toll_factor is None else float(self.toll_factor)

    def link_fixed_cost(self, net: TrafficNetwork) -> FloatArray:
        """Return this class's fixed (flow-independent) cost of every link of ``net``.

        Parameters
        ----------
        net
            The network.

        Returns
        -------
        FloatArray
            ``toll_weight * toll + distance_factor * length + fixed_cost``.

        Raises
        ------
        ValueError
            If ``fixed_cost`` does not have one value per link.

        Examples
        --------
        >>> import numpy as np
        >>> net = TrafficNetwork(
        ...     init_node=[1], term_node=[2], capacity=[1.0], length=[10.0],
        ...     free_flow_time=[1.0], b=[0.15], power=[4.0], toll=[50.0],
        ...     num_nodes=2, num_zones=2)
        >>> UserClass(np.zeros((2, 2)), toll_factor=0.02, distance_factor=0.04).link_fixed_cost(net)
        array([1.4])
        """
        dist_w = net.distance_factor if self.distance_factor is None else self.distance_factor
        out = self.toll_weight(net.toll_factor) * net.toll + dist_w * net.length
        if self.fixed_cost is not None:
            if self.fixed_cost.shape != (net.num_links,):
                msg = (
                    f"fixed_cost of class {self.name!r} must have {net.num_links} values, "
                    f"got {self.fixed_cost.shape[0]}"
                )
                raise ValueError(msg)
            out = out + self.fixed_cost
        return np.ascontiguousarray(out, dtype=np.float64)
