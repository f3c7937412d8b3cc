"""Turn a model, a scenario and a random generator into the kernel's arrays."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from silkrail.errors import InsufficientMemoryError, ScenarioError
from silkrail.simulation._kernels import (
    INF_SERVERS,
    KIND_FERRY,
    KIND_SECTION,
    KIND_SERVER,
    POLICY_FULL,
    POLICY_SCHEDULE,
)
from silkrail.simulation.model import (
    DISTRIBUTIONS,
    Ferry,
    Scenario,
    Section,
    ServerStation,
    SimulationModel,
    Station,
)

if TYPE_CHECKING:
    from silkrail._typing import FloatArray, IntArray

__all__ = [
    "MAX_TRAINS",
    "Static",
    "Trial",
    "apply_ferry_changes",
    "check_trains",
    "compile_static",
    "draw_trial",
    "expected_trains",
]

_DIST_CODE = {d: i for i, d in enumerate(DISTRIBUTIONS)}
_LOGNORMAL, _EXPONENTIAL, _GAMMA, _DETERMINISTIC = (_DIST_CODE[d] for d in DISTRIBUTIONS)
#: Crossing-time draws kept per ferry when the number of sailings has no tight bound.
_MAX_POOL = 1 << 16


def apply_ferry_changes(model: SimulationModel, scenario: Scenario) -> SimulationModel:
    """Return `model` with the scenario's ferry overrides applied."""
    if not scenario.ferries:
        return model
    stations = list(model.stations)
    for change in scenario.ferries:
        if change.target is None:
            hits = [i for i, s in enumerate(stations) if isinstance(s, Ferry)]
        else:
            hits = [i for i in model.targets(change.target) if isinstance(stations[i], Ferry)]
            if not hits:
                msg = (
                    f"scenario {scenario.name!r}: ferry target {change.target!r} matches no "
                    f"ferry; ferries are {_names(model, Ferry)}"
                )
                raise ScenarioError(msg)
        values = {
            f.name: getattr(change, f.name)
            for f in dataclasses.fields(change)
            if f.name != "target" and getattr(change, f.name) is not None
        }
        for i in hits:
            try:
                stations[i] = dataclasses.replace(stations[i], **values)
            except ValueError as exc:
                raise ScenarioError(f"scenario {scenario.name!r}: {exc}") from None
    return dataclasses.replace(model, stations=tuple(stations))


def _names(model: SimulationModel, kind: type) -> list[str]:
    names = [s.name for s in model.stations if isinstance(s, kind)]
    return names if len(names) <= 12 else [*names[:12], "..."]


@dataclass(frozen=True, eq=False)
class Static:
    """Arrays that do not depend on the random draws."""

    model: SimulationModel
    scenario: Scenario
    kind: IntArray
    base: FloatArray
    per_feu: FloatArray
    run: FloatArray
    cap_feu: FloatArray
    policy: IntArray
    interval: FloatArray
    phase: FloatArray
    max_wait: FloatArray
    dist: IntArray
    cv: FloatArray
    base_servers: IntArray
    route_ptr: IntArray
    route_station: IntArray
    # Scenario windows per station: closures (start, end) and changes (start, end, f, servers).
    closures: tuple[tuple[tuple[float, float], ...], ...]
    changes: tuple[tuple[tuple[float, float, float, int], ...], ...]


def compile_static(model: SimulationModel, scenario: Scenario) -> Static:
    """Compile station parameters, routes and scenario windows to arrays."""
    n = len(model.stations)
    kind = np.zeros(n, np.int64)
    base = np.zeros(n)
    per_feu = np.zeros(n)
    run = np.zeros(n)
    cap_feu = np.zeros(n)
    policy = np.zeros(n, np.int64)
    interval = np.ones(n)
    phase = np.zeros(n)
    max_wait = np.full(n, np.inf)
    dist = np.zeros(n, np.int64)
    cv = np.zeros(n)
    servers = np.ones(n, np.int64)
    for i, s in enumerate(model.stations):
        dist[i] = _DIST_CODE[s.distribution]
        cv[i] = s.cv
        if isinstance(s, ServerStation):
            kind[i] = KIND_SERVER
            base[i] = s.hours
            per_feu[i] = s.hours_per_feu
            servers[i] = s.servers if s.servers > 0 else INF_SERVERS
        elif isinstance(s, Section):
            kind[i] = KIND_SECTION
            base[i] = 0.0 if math.isinf(s.trains_per_day) else s.headway_hours
            run[i] = s.hours
        else:
            kind[i] = KIND_FERRY
            run[i] = s.hours
            cap_feu[i] = s.vessel_feu
            policy[i] = POLICY_FULL if s.policy == "full" else POLICY_SCHEDULE
            interval[i] = s.interval_hours
            phase[i] = s.phase_hours
            max_wait[i] = s.max_wait_hours
    lengths = np.array([len(r.stations) for r in model.routes], np.int64)
    route_ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    route_station = np.array(
        [model.station_index[name] for r in model.routes for name in r.stations], np.int64
    )

    closures: list[list[tuple[float, float]]] = [[] for _ in range(n)]
    changes: list[list[tuple[float, float, float, int]]] = [[] for _ in range(n)]
    for c in scenario.closures:
        hits = model.targets(c.target)
        if not hits:
            _unknown_target(model, scenario, "closure", c.target)
        for i in hits:
            closures[i].append((c.start_hours, c.end_hours))
    for ch in scenario.capacity:
        hits = model.targets(ch.target)
        if not hits:
            _unknown_target(model, scenario, "capacity", ch.target)
        for i in hits:
            if ch.servers is not None and kind[i] == KIND_FERRY:
                msg = (
                    f"scenario {scenario.name!r}: capacity change of {ch.target!r} sets "
                    f"servers on ferry {model.stations[i].name!r}; use factor (vessel "
                    f"capacity) or a ferries entry instead"
                )
                raise ScenarioError(msg)
            changes[i].append((ch.start_hours, ch.end_hours, ch.factor, ch.servers or 0))
    return Static(
        model=model,
        scenario=scenario,
        kind=kind,
        base=base,
        per_feu=per_feu,
        run=run,
        cap_feu=cap_feu,
        policy=policy,
        interval=interval,
        phase=phase,
        max_wait=max_wait,
        dist=dist,
        cv=cv,
        base_servers=servers,
        route_ptr=route_ptr,
        route_station=route_station,
        closures=tuple(tuple(c) for c in closures),
        changes=tuple(tuple(c) for c in changes),
    )


def _unknown_target(model: SimulationModel, scenario: Scenario, what: str, target: str) -> None:
    names = [s.name for s in model.stations][:8]
    msg = (
        f"scenario {scenario.name!r}: {what} target {target!r} matches no station, node or "
        f"link of the model (stations include {names})"
    )
    raise ScenarioError(msg)


@dataclass(frozen=True, eq=False)
class Trial:
    """Everything one replication feeds the kernel."""

    tr_service: IntArray
    tr_route: IntArray
    tr_release: FloatArray
    tr_feu: FloatArray
    tr_rec_ptr: IntArray
    rec_station: IntArray
    rec_train: IntArray
    rec_mult: FloatArray
    seg_ptr: IntArray
    seg_time: FloatArray
    seg_servers: IntArray
    seg_scale: FloatArray
    cross_ptr: IntArray
    cross_mult: FloatArray
    sail_ptr: IntArray
    heap_size: int
    t_cap: float


#: Most trains one replication may release on average. Each train keeps a record per station of
#: its route (about 1 KB in all), so 2 million trains need a few GB: growth 1e6 once asked for
#: 23.7 GB before the process was killed.
MAX_TRAINS = 2_000_000


def expected_trains(static: Static, horizon: float) -> float:
    """Trains one replication releases on average within `horizon` hours (as drawn below)."""
    total = 0.0
    for sv in static.model.services:
        g = static.scenario.growth_of(sv.label)
        span = max(horizon - sv.start_hours, 0.0)
        per_week = sv.trains_per_week * (1.0 + g) + len(sv.departures) * (1.0 + max(g, 0.0))
        total += per_week * span / 168.0
    return total


def check_trains(static: Static, horizon: float) -> None:
    """Raise before drawing if a replication would release more than :data:`MAX_TRAINS`."""
    n = expected_trains(static, horizon)
    if not n <= MAX_TRAINS:  # also NaN
        msg = (
            f"a replication would release about {n:,.0f} trains, over the limit of "
            f"{MAX_TRAINS:,} (each keeps a record per station); simulate fewer days or less "
            "demand growth"
        )
        raise InsufficientMemoryError(msg)


def _releases(
    static: Static, rng: np.random.Generator, horizon: float
) -> tuple[FloatArray, IntArray]:
    """Release times and service index of every train, in service order."""
    times: list[FloatArray] = []
    which: list[IntArray] = []
    for k, sv in enumerate(static.model.services):
        g = static.scenario.growth_of(sv.label)
        span = max(horizon - sv.start_hours, 0.0)
        parts: list[FloatArray] = []
        # Random part: a Poisson process, drawn as a Poisson count of uniform times.
        rate_r = sv.trains_per_week * sv.random_share * (1.0 + g) / 168.0
        if sv.departures and g > 0:
            rate_r += g * len(sv.departures) / 168.0
        n_r = int(rng.poisson(rate_r * span)) if rate_r > 0 else 0
        parts.append(sv.start_hours + rng.uniform(0.0, span, n_r))
        # Timetable part.
        if sv.departures:
            weeks = np.arange(math.floor(sv.start_hours / 168.0), math.ceil(horizon / 168.0) + 1)
            slots = (weeks[:, None] * 168.0 + np.asarray(sv.departures)[None, :]).ravel()
            slots = np.sort(slots[(slots >= sv.start_hours) & (slots < horizon)])
            if g < 0:
                slots = slots[rng.random(slots.shape[0]) < 1.0 + g]
        else:
            rate_s = sv.trains_per_week * (1.0 - sv.random_share) * (1.0 + g) / 168.0
            if rate_s > 0:
                head = 1.0 / rate_s
                first = sv.start_hours + rng.uniform(0.0, head)
                slots = np.arange(first, horizon, head)
            else:
                slots = np.empty(0)
        if sv.jitter_hours > 0 and slots.shape[0]:
            slots = np.maximum(slots + rng.normal(0.0, sv.jitter_hours, slots.shape[0]), 0.0)
        parts.append(slots)
        t = np.concatenate(parts)
        times.append(t)
        which.append(np.full(t.shape[0], k, np.int64))
    if not times:
        return np.empty(0), np.empty(0, np.int64)
    return np.concatenate(times), np.concatenate(which)


def multipliers(z: FloatArray, dist: IntArray, cv: FloatArray) -> FloatArray:
    """Mean-one random factors from standard normal draws `z` (inverse-transform sampling).

    Each entry follows its distribution code `dist` with coefficient of variation `cv`;
    drawing everything from one normal array keeps the stream layout independent of the
    distributions in use.
    """
    out = np.ones_like(z)
    m = (dist == _LOGNORMAL) & (cv > 0)
    if m.any():
        s2 = np.log1p(cv[m] ** 2)
        out[m] = np.exp(np.sqrt(s2) * z[m] - 0.5 * s2)
    m = dist == _EXPONENTIAL
    if m.any():
        out[m] = -special.log_ndtr(-z[m])
    m = (dist == _GAMMA) & (cv > 0)
    if m.any():
        k = 1.0 / cv[m] ** 2
        out[m] = special.gammaincinv(k, special.ndtr(z[m])) / k
    return out


def station_multipliers(z: FloatArray, station: IntArray, static: Static) -> FloatArray:
    """``multipliers(z, static.dist[station], static.cv[station])``, the same bits, faster.

    When every station is lognormal (the corridor model), the distribution parameters are
    computed once per station and gathered, instead of once per train and station.
    """
    if not np.all(static.dist == _LOGNORMAL):
        return multipliers(z, static.dist[station], static.cv[station])
    s2 = np.log1p(static.cv**2)
    # cv = 0 gives exp(±0.0) = 1.0 exactly, as the general path's untouched ones.
    out: FloatArray = np.exp(np.sqrt(s2)[station] * z - (0.5 * s2)[station])
    return out


def _segments(
    static: Static, weather: list[list[tuple[float, float]]]
) -> tuple[IntArray, FloatArray, IntArray, FloatArray]:
    """Piecewise-constant capacity of every station: servers and scale from each start time."""
    ptr = [0]
    times: list[float] = []
    servers: list[int] = []
    scales: list[float] = []
    for i in range(static.kind.shape[0]):
        closures = list(static.closures[i]) + weather[i]
        changes = static.changes[i]
        base = int(static.base_servers[i])
        ferry = static.kind[i] == KIND_FERRY
        if not closures and not changes:
            times.append(-np.inf)
            servers.append(base)
            scales.append(1.0)
            ptr.append(len(times))
            continue
        cuts = {-np.inf}
        for a, b in closures:
            cuts.update((a, b))
        for a, b, _, _ in changes:
            cuts.update((a, b))
        last: tuple[int, float] | None = None
        for t in sorted(c for c in cuts if c < np.inf):
            n_srv = base
            factor = 1.0
            for a, b, f, srv in changes:
                if a <= t < b:
                    factor *= f
                    if srv:
                        n_srv = srv
            if any(a <= t < b for a, b in closures):
                n_srv = 0
            scale = factor if ferry else 1.0 / factor
            if last != (n_srv, scale):
                times.append(float(t))
                servers.append(n_srv)
                scales.append(scale)
                last = (n_srv, scale)
        ptr.append(len(times))
    return (
        np.asarray(ptr, np.int64),
        np.asarray(times, np.float64),
        np.asarray(servers, np.int64),
        np.asarray(scales, np.float64),
    )


def draw_trial(static: Static, rng: np.random.Generator, *, horizon: float, t_cap: float) -> Trial:
    """Draw one replication's trains, service factors, weather and crossing times."""
    rng_arr, rng_svc, rng_cross, rng_weather = rng.spawn(4)
    model = static.model

    release, service = _releases(static, rng_arr, horizon)
    order = np.argsort(release, kind="stable")
    release = np.ascontiguousarray(release[order])
    service = np.ascontiguousarray(service[order])
    svc_route = np.array([model.route_index[s.route] for s in model.services], np.int64)
    svc_feu = np.array([s.feu for s in model.services], np.float64)
    route = svc_route[service] if service.shape[0] else np.empty(0, np.int64)
    feu = svc_feu[service] if service.shape[0] else np.empty(0)

    lengths = np.diff(static.route_ptr)[route]
    rec_ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    n_rec = int(rec_ptr[-1])
    rec_train = np.repeat(np.arange(route.shape[0], dtype=np.int64), lengths)
    offset = np.arange(n_rec, dtype=np.int64) - rec_ptr[rec_train]
    rec_station = static.route_station[static.route_ptr[route][rec_train] + offset]
    z = rng_svc.standard_normal(n_rec)
    rec_mult = station_multipliers(z, rec_station, static)

    # Weather closures of ferries.
    n_st = static.kind.shape[0]
    weather: list[list[tuple[float, float]]] = [[] for _ in range(n_st)]
    for i, s in enumerate(model.stations):
        if isinstance(s, Ferry) and s.weather_closures_per_year > 0 and s.weather_closure_days > 0:
            k = int(rng_weather.poisson(s.weather_closures_per_year * t_cap / 8760.0))
            starts = np.sort(rng_weather.uniform(0.0, t_cap, k))
            lengths_h = rng_weather.exponential(s.weather_closure_days * 24.0, k)
            weather[i] = [(float(a), float(a + d)) for a, d in zip(starts, lengths_h, strict=True)]
    seg_ptr, seg_time, seg_servers, seg_scale = _segments(static, weather)

    # Sailing logs and crossing-time draws: one per possible sailing.
    rec_count = np.bincount(rec_station, minlength=n_st)
    feu_at = np.bincount(rec_station, weights=feu[rec_train], minlength=n_st)
    bound = np.zeros(n_st, np.int64)
    heap_extra = 16
    for i in range(n_st):
        kind = static.kind[i]
        segs = slice(seg_ptr[i], seg_ptr[i + 1])
        if kind == KIND_FERRY:
            if static.policy[i] == POLICY_SCHEDULE:
                bound[i] = int((t_cap - static.phase[i]) / static.interval[i]) + 2
                heap_extra += 1
            else:
                open_scale = seg_scale[segs][seg_servers[segs] > 0]
                min_cap = static.cap_feu[i] * (open_scale.min() if open_scale.size else 1.0)
                bound[i] = int(rec_count[i] + math.ceil(feu_at[i] / min_cap)) + 2
                heap_extra += 2 * int(rec_count[i])
        elif kind == KIND_SECTION:
            heap_extra += max(int(seg_servers[segs].max()), 1)
    sail_ptr = np.concatenate([[0], np.cumsum(bound)]).astype(np.int64)
    pool = np.minimum(np.maximum(bound, 1), _MAX_POOL)
    cross_ptr = np.concatenate([[0], np.cumsum(pool)]).astype(np.int64)
    pool_station = np.repeat(np.arange(n_st, dtype=np.int64), pool)
    zc = rng_cross.standard_normal(int(cross_ptr[-1]))
    cross_mult = station_multipliers(zc, pool_station, static)

    heap_size = route.shape[0] + heap_extra + seg_time.shape[0]
    return Trial(
        tr_service=service,
        tr_route=route,
        tr_release=release,
        tr_feu=np.ascontiguousarray(feu, dtype=np.float64),
        tr_rec_ptr=rec_ptr,
        rec_station=np.ascontiguousarray(rec_station, dtype=np.int64),
        rec_train=rec_train,
        rec_mult=rec_mult,
        seg_ptr=seg_ptr,
        seg_time=seg_time,
        seg_servers=seg_servers,
        seg_scale=seg_scale,
        cross_ptr=cross_ptr,
        cross_mult=cross_mult,
        sail_ptr=sail_ptr,
        heap_size=int(heap_size),
        t_cap=t_cap,
    )


def station_of(model: SimulationModel, name: str) -> Station:
    """Return the station called `name`."""
    return model.stations[model.station_index[name]]
