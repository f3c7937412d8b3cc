"""A process-based SimPy model of the simulator's system: the reference the engine must match.

Same semantics as the engine (see silkrail.simulation.model): FIFO multi-server stations,
sections that hold an entry slot for the headway while the train runs on, ferries that load
FEU FIFO (splitting trains) and sail on schedule or when full / after a maximum wait. Constant
capacity only (no closures or capacity changes). Two ways to get random numbers:

* ``draws=ReplayDraws.from_result(res)`` replays the engine's own release times, service and
  running times and crossing times, so the timelines must agree exactly;
* ``draws=IndependentDraws(model, rng, days)`` samples everything itself with numpy's
  distribution methods, for a statistical comparison.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from silkrail.simulation import Ferry, Section, ServerStation, SimulationModel

if TYPE_CHECKING:
    import numpy as np

    from silkrail.simulation import SimulationResult


def _draw(rng: np.random.Generator, mean: float, dist: str, cv: float) -> float:
    if mean == 0.0 or dist == "deterministic" or (cv == 0.0 and dist != "exponential"):
        return mean
    if dist == "exponential":
        return float(rng.exponential(mean))
    if dist == "lognormal":
        s2 = math.log1p(cv * cv)
        return float(rng.lognormal(math.log(mean) - s2 / 2, math.sqrt(s2)))
    k = 1.0 / (cv * cv)
    return float(rng.gamma(k, mean / k))


class IndependentDraws:
    """Poisson releases and service times sampled directly (no shared code with the engine)."""

    def __init__(self, model: SimulationModel, rng: np.random.Generator, days: float) -> None:
        self.model = model
        self.rng = rng
        trains: list[tuple[float, int]] = []
        for k, sv in enumerate(model.services):
            assert sv.random_share == 1.0, "reference supports Poisson services only"
            rate = sv.trains_per_week / 168.0
            t = sv.start_hours
            while True:
                t += float(rng.exponential(1.0 / rate))
                if t >= days * 24.0:
                    break
                trains.append((t, k))
        trains.sort()
        self.releases = trains

    def service(self, train: int, stage: int, station: ServerStation, feu: float) -> float:
        mean = station.hours + station.hours_per_feu * feu
        return _draw(self.rng, mean, station.distribution, station.cv)

    def run(self, train: int, stage: int, section: Section) -> float:
        return _draw(self.rng, section.hours, section.distribution, section.cv)

    def crossing(self, ferry: Ferry, k: int) -> float:
        return _draw(self.rng, ferry.hours, ferry.distribution, ferry.cv)


class ReplayDraws:
    """The engine's own draws, read back from a result."""

    def __init__(self, res: SimulationResult) -> None:
        self.res = res
        self.releases = [
            (float(t), int(k)) for t, k in zip(res.train_release_h, res.train_service, strict=True)
        ]

    @classmethod
    def from_result(cls, res: SimulationResult) -> ReplayDraws:
        return cls(res)

    def _rec(self, train: int, stage: int) -> int:
        return int(self.res.rec_ptr[train] + stage)

    def service(self, train: int, stage: int, station: ServerStation, feu: float) -> float:
        r = self._rec(train, stage)
        return float(self.res.depart_h[r] - self.res.start_h[r])

    def run(self, train: int, stage: int, section: Section) -> float:
        r = self._rec(train, stage)
        return float(self.res.depart_h[r] - self.res.start_h[r])

    def crossing(self, ferry: Ferry, k: int) -> float:
        s = self.res.model.station_index[ferry.name]
        crossings = self.res.sail_crossing_h[self.res.sail_station == s]
        # The engine stops sailing once every train has finished; SimPy sails on until `until`.
        return float(crossings[k]) if k < crossings.size else 0.0


@dataclass
class _Waiting:
    train: int
    stage: int
    feu_left: float
    boarded: simpy.Event


@dataclass
class _FerryState:
    queue: list[_Waiting] = field(default_factory=list)
    q_feu: float = 0.0
    first_time: float = math.inf
    last_dep: float = -math.inf
    sailings: int = 0
    wake: simpy.Event | None = None


@dataclass
class ReferenceRun:
    """Per train and stage: arrival, start, departure; per train: release, finish."""

    release: list[float]
    finish: list[float]
    arrive: dict[tuple[int, int], float]
    start: dict[tuple[int, int], float]
    depart: dict[tuple[int, int], float]
    service_of: list[int]
    sailings: dict[str, list[tuple[float, float]]]


def run_reference(
    model: SimulationModel, draws: IndependentDraws | ReplayDraws, *, until: float
) -> ReferenceRun:
    env = simpy.Environment()
    res: dict[str, simpy.Resource] = {}
    ferries: dict[str, _FerryState] = {}
    for s in model.stations:
        if isinstance(s, ServerStation):
            res[s.name] = simpy.Resource(env, capacity=s.servers if s.servers > 0 else 10**9)
        elif isinstance(s, Section):
            res[s.name] = simpy.Resource(env, capacity=1)
        else:
            ferries[s.name] = _FerryState()
    out = ReferenceRun([], [], {}, {}, {}, [], {f: [] for f in ferries})

    def sail(f: Ferry, st: _FerryState) -> None:
        cap = f.vessel_feu
        cross = draws.crossing(f, st.sailings)
        load = 0.0
        while st.queue and load < cap - 1e-9:
            w = st.queue[0]
            take = min(cap - load, w.feu_left)
            w.feu_left -= take
            load += take
            st.q_feu -= take
            if w.feu_left <= 1e-9:
                st.queue.pop(0)
                w.boarded.succeed((env.now, env.now + cross))
            else:
                break
        if not st.queue:
            st.q_feu = 0.0
        out.sailings[f.name].append((env.now, load))
        st.sailings += 1
        st.last_dep = env.now
        st.first_time = env.now if st.q_feu > 1e-9 else math.inf

    def scheduled(f: Ferry, st: _FerryState):  # type: ignore[no-untyped-def]
        yield env.timeout(f.phase_hours)
        while True:
            sail(f, st)
            yield env.timeout(f.interval_hours)

    def when_full(f: Ferry, st: _FerryState):  # type: ignore[no-untyped-def]
        while True:
            if st.q_feu <= 1e-9:
                st.wake = env.event()
                yield st.wake
                continue
            earliest = st.last_dep + f.interval_hours
            if st.q_feu >= f.vessel_feu - 1e-9:
                when = earliest
            else:
                when = max(st.first_time + f.max_wait_hours, earliest)
            if when <= env.now:
                sail(f, st)
                continue
            st.wake = env.event()
            if math.isinf(when):
                yield st.wake
            else:
                yield st.wake | env.timeout(when - env.now)

    for s in model.stations:
        if isinstance(s, Ferry):
            proc = scheduled if s.policy == "schedule" else when_full
            env.process(proc(s, ferries[s.name]))

    def hold(resource: simpy.Resource, req: simpy.Event, hours: float):  # type: ignore[no-untyped-def]
        yield env.timeout(hours)
        resource.release(req)

    def train(i: int, t0: float, k: int):  # type: ignore[no-untyped-def]
        yield env.timeout(t0 - env.now)
        sv = model.services[k]
        route = model.routes[model.route_index[sv.route]]
        for stage, name in enumerate(route.stations):
            st = model.stations[model.station_index[name]]
            out.arrive[i, stage] = env.now
            if isinstance(st, ServerStation):
                with res[name].request() as req:
                    yield req
                    out.start[i, stage] = env.now
                    yield env.timeout(draws.service(i, stage, st, sv.feu))
                    out.depart[i, stage] = env.now
            elif isinstance(st, Section):
                req = res[name].request()
                yield req
                out.start[i, stage] = env.now
                env.process(hold(res[name], req, st.headway_hours))
                yield env.timeout(draws.run(i, stage, st))
                out.depart[i, stage] = env.now
            else:
                fs = ferries[name]
                if fs.q_feu <= 1e-9:
                    fs.first_time = env.now
                w = _Waiting(i, stage, sv.feu, env.event())
                fs.queue.append(w)
                fs.q_feu += sv.feu
                if fs.wake is not None and not fs.wake.triggered:
                    fs.wake.succeed()
                sail_t, land_t = yield w.boarded
                out.start[i, stage] = sail_t
                yield env.timeout(land_t - env.now)
                out.depart[i, stage] = env.now
        out.finish[i] = env.now

    for i, (t0, k) in enumerate(draws.releases):
        out.release.append(t0)
        out.finish.append(math.nan)
        out.service_of.append(k)
        env.process(train(i, t0, k))
    env.run(until=until)
    return out
