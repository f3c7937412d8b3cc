"""The compiled assignment problem shared by all algorithms (private)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from silkrail.assignment import _kernels
from silkrail.assignment._chains import ContractedGraph, contract_chains
from silkrail.errors import NoRouteError

if TYPE_CHECKING:
    from silkrail._typing import FloatArray, IntArray
    from silkrail.assignment.network import TrafficNetwork, UserClass


@dataclass
class Problem:
    """Arrays of one assignment problem, in PCE units, ready for the kernels."""

    net: TrafficNetwork
    names: tuple[str, ...]
    pce: FloatArray
    fixed: FloatArray  # classes x links
    demand: FloatArray  # classes x zones x zones, PCE units, diagonal zero
    origins: list[IntArray]  # per class, zones with demand
    workers: int
    fftt: FloatArray = field(init=False)
    b: FloatArray = field(init=False)
    cap: FloatArray = field(init=False)
    power: FloatArray = field(init=False)
    tail: IntArray = field(init=False)
    head: IntArray = field(init=False)
    fs_ptr: IntArray = field(init=False)
    fs_link: IntArray = field(init=False)
    bs_ptr: IntArray = field(init=False)
    bs_link: IntArray = field(init=False)
    n_blocked: int = field(init=False)

    def __post_init__(self) -> None:
        net = self.net
        self.fftt = net.free_flow_time
        self.b = net.b
        # Links with b = 0 never divide by capacity; keep the kernels free of 0 / 0.
        self.cap = np.ascontiguousarray(np.where(net.capacity > 0, net.capacity, 1.0))
        self.power = net.power
        self.tail = net._tail
        self.head = net._head
        self.fs_ptr, self.fs_link = net._forward_star
        self.bs_ptr, self.bs_link = net._backward_star
        self.n_blocked = max(0, min(net.first_thru_node - 1, net.num_zones))
        for arr, name in (
            (self.fftt, "free_flow_time"),
            (self.b, "b"),
            (self.cap, "capacity"),
            (self.power, "power"),
        ):
            _kernels.check_float(name, arr)
        for iarr, name in (
            (self.tail, "tail"),
            (self.head, "head"),
            (self.fs_ptr, "fs_ptr"),
            (self.fs_link, "fs_link"),
            (self.bs_ptr, "bs_ptr"),
            (self.bs_link, "bs_link"),
        ):
            _kernels.check_int(name, iarr)
        _kernels.check_float("fixed", self.fixed, 2)

    @property
    def num_classes(self) -> int:
        return len(self.names)

    @property
    def m(self) -> int:
        return self.net.num_links

    def link_time(
        self, vol: FloatArray, out: FloatArray | None = None, dout: FloatArray | None = None
    ) -> FloatArray:
        """Link times at ``vol`` (into ``out``), and their derivatives into ``dout`` if given."""
        res = np.empty(self.m) if out is None else out
        der = np.empty(0) if dout is None else dout
        _kernels.link_time(self.fftt, self.b, self.cap, self.power, vol, res, der)
        return res

    def link_time_derivative(self, vol: FloatArray) -> FloatArray:
        res = np.empty(self.m)
        self.link_time(vol, np.empty(self.m), res)
        return res

    def beckmann(self, vol: FloatArray, class_flow: FloatArray) -> float:
        """Beckmann objective: integrals of link times plus fixed costs times PCE flows."""
        integral = _kernels.beckmann_integral(self.fftt, self.b, self.cap, self.power, vol)
        return float(integral + np.sum(self.fixed * class_flow))

    @cached_property
    def chains(self) -> ContractedGraph | None:
        """The network with its pass-through chains contracted, or None (too few to pay)."""
        return contract_chains(self.net.num_nodes, self.net.num_zones, self.tail, self.head)

    def aon(self, k: int, cost: FloatArray, *, load: bool) -> tuple[FloatArray, float]:
        """All-or-nothing flows (PCE) of class ``k`` on ``cost`` and its SPTT.

        Without a load only the zones' distances matter, so the shortest paths run on the
        contracted network where it has one (:attr:`chains`): the same distances, up to the
        rounding of adding a chain's link costs first.
        """
        fs_ptr, fs_link, tail, head = self.fs_ptr, self.fs_link, self.tail, self.head
        graph = None if load else self.chains
        if graph is not None:
            fs_ptr, fs_link, tail, head = graph.fs_ptr, graph.fs_link, graph.tail, graph.head
            cost = graph.cost(cost)
        origins = self.origins[k]
        rows = np.ascontiguousarray(self.demand[k][origins])
        # Without a load (the gap's shortest paths) the workers still share the origins, but
        # need no flow rows; each origin's SPTT has its own slot, summed in origin order.
        flow = np.zeros((self.workers if load else 1, self.m))
        sptt = np.zeros(origins.shape[0])
        bad = np.full(origins.shape[0], -1, np.int64)
        _kernels.check_float("cost", cost)
        _kernels.in_threads(
            _kernels.aon_share,
            self.workers,
            origins,
            rows,
            fs_ptr,
            fs_link,
            tail,
            head,
            cost,
            self.n_blocked,
            load,
            False,
            flow,
            np.zeros((0, self.m), np.uint8),
            sptt,
            bad,
            *_kernels.aon_workspace(self.workers, self.fs_ptr.shape[0] - 1),
        )
        hit = np.flatnonzero(bad >= 0)
        if hit.size:
            i = int(hit[0])
            raise self.no_route(k, int(origins[i]), int(bad[i]))
        return flow.sum(axis=0), float(sptt.sum())

    def no_route(self, k: int, origin: int, dest: int) -> NoRouteError:
        msg = (
            f"no path from zone {origin + 1} to zone {dest + 1} in {self.net.name} "
            f"(class {self.names[k]!r}) though it has demand "
            f"{self.demand[k, origin, dest] / self.pce[k]:g}; check the links and "
            f"<FIRST THRU NODE> ({self.net.first_thru_node})"
        )
        return NoRouteError(msg)

    def sptt_and_tstt(
        self, vol: FloatArray, ltime: FloatArray, class_flow: FloatArray
    ) -> tuple[float, float]:
        sptt = 0.0
        for k in range(self.num_classes):
            _, s = self.aon(k, np.ascontiguousarray(ltime + self.fixed[k]), load=False)
            sptt += s
        tstt = float(np.dot(vol, ltime) + np.sum(self.fixed * class_flow))
        return sptt, tstt


def relative_gap(tstt: float, sptt: float) -> float:
    """(TSTT - SPTT) / TSTT, 0 for an empty network."""
    if tstt <= 0.0:
        return 0.0
    return max(0.0, (tstt - sptt) / tstt)


def build_problem(net: TrafficNetwork, classes: list[UserClass], workers: int) -> Problem:
    nz = net.num_zones
    names: list[str] = []
    fixed = np.zeros((len(classes), net.num_links))
    demand = np.zeros((len(classes), nz, nz))
    pce = np.zeros(len(classes))
    origins: list[IntArray] = []
    for k, uc in enumerate(classes):
        if uc.demand.shape != (nz, nz):
            msg = (
                f"demand of class {uc.name!r} must be {nz} x {nz} (the zones of "
                f"{net.name}), got {uc.demand.shape[0]} x {uc.demand.shape[1]}"
            )
            raise ValueError(msg)
        if uc.name in names:
            msg = f"user class names must be unique, {uc.name!r} repeats"
            raise ValueError(msg)
        names.append(uc.name)
        fixed[k] = uc.link_fixed_cost(net)
        d = uc.demand * uc.pce
        np.fill_diagonal(d, 0.0)
        demand[k] = d
        pce[k] = uc.pce
        origins.append(np.flatnonzero(d.sum(axis=1) > 0).astype(np.int64))
    return Problem(
        net=net,
        names=tuple(names),
        pce=pce,
        fixed=np.ascontiguousarray(fixed),
        demand=demand,
        origins=origins,
        workers=workers,
    )


@dataclass
class Recorder:
    """Collects the per-iteration convergence history."""

    start: float = field(default_factory=time.perf_counter)
    iteration: list[int] = field(default_factory=list)
    rgap: list[float] = field(default_factory=list)
    beckmann: list[float] = field(default_factory=list)
    step: list[float] = field(default_factory=list)
    elapsed: list[float] = field(default_factory=list)

    def add(self, it: int, gap: float, obj: float, step: float) -> None:
        self.iteration.append(it)
        self.rgap.append(gap)
        self.beckmann.append(obj)
        self.step.append(step)
        self.elapsed.append(time.perf_counter() - self.start)
