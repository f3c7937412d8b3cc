"""Transit-time percentiles from the route's random parts, by Monte Carlo (DESIGN.md §4).

A route's time is the sum of parts that vary for different reasons, and the percentiles come
from drawing each part, not from one lognormal:

- running time, one draw per national rail network, ferry or sea leg group (a late train is
  late across a network: delays within one railway are correlated), lognormal with the links'
  coefficient of variation;
- border processing, gamma with the node's mean and coefficient of variation;
- queue waits at border crossings, gauge-change yards and rail sections at the 2024 baseline
  utilisation, as the corridor simulator gives them (``baseline_waits.csv``); trains with
  priority (fixed-schedule) skip them;
- ferry and sea sailings: the wait for the next sailing (uniform over the sailing interval);
  on the Caspian also sailings missed for lack of vessel space (geometric), storm closures by
  month (the sourced November–December share, the calibrated share otherwise; a container
  arriving in a closure waits for its end) and the port dwell (exponential);
- the origin dwell of ordinary block trains in China (exponential);
- congestion periods of the conditions table on the dates the train passes.

Values that no source gives are the calibrated parameters of ``calibrated.csv``
(:class:`DelayParameters`).

Every random part has its own stream, seeded by the plan's seed and the part's name (the
railway, the border node, the queue, the sailing, ...): the Khorgos border is the same 2,000
draws in every route that crosses it. So a route's percentiles do not depend on which other
routes a plan shows (they did when one generator served all routes in turn), routes that share
a part are compared on the same draws (common random numbers), and a process draws each part
once per seed (:func:`variates` remembers them).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from silkrail._memo import IdentityMemo
from silkrail.datasets.parameters import baseline_waits, calibrated_parameters
from silkrail.graph.compile import HOURS_PER_WEEK
from silkrail.network._schema import LinkMode
from silkrail.routing._cache import caspian_ferry_links, link_index, network_cache

if TYPE_CHECKING:
    from collections.abc import Callable

    from silkrail._typing import FloatArray
    from silkrail.network.model import CorridorNetwork
    from silkrail.routing.conditions import Conditions
    from silkrail.routing.results import Leg, Route

__all__ = [
    "DRAWS",
    "RUNNING",
    "DelayParameters",
    "RouteDraws",
    "RouteParts",
    "combine_draws",
    "draw_parts",
    "draw_route_hours",
    "draw_seed",
    "route_parts",
    "variates",
]

DRAWS = 2000
#: How running times are drawn: one factor per national railway (or ferry/sea group), or one
#: per rail section (independent, as the corridor simulator draws them).
RUNNING = ("railway", "section")
HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class DelayParameters:
    """The openly estimated delay parameters (see ``datasets/planning/calibrated.csv``)."""

    caspian_port_dwell_hours: float
    caspian_vessel_space_miss_probability: float
    caspian_closure_fraction_other_months: float
    cn_origin_dwell_hours: float
    #: Coefficient of variation of one lognormal factor per train (mean 1) on all its rail
    #: running, border and queue hours: a train that loses its path at one yard tends to lose
    #: it at the next, so these delays are correlated along the route (0: independent parts).
    train_delay_cv: float = 0.0

    @classmethod
    def packaged(cls) -> DelayParameters:
        """Return the values in use (calibrated where fitted, else the priors)."""
        t = calibrated_parameters()
        # Every plan asks for them: read the (cached) table once, not five cells a plan.
        hit = _PACKAGED.get(cls)
        if hit is not None and hit[0] is t:
            return hit[1]
        out = cls(**{f.name: float(str(t.loc[f.name, "value"])) for f in fields(cls)})
        _PACKAGED[cls] = (t, out)
        return out

    @classmethod
    def priors(cls) -> DelayParameters:
        """Return the prior values."""
        t = calibrated_parameters()
        return cls(**{f.name: float(str(t.loc[f.name, "prior"])) for f in fields(cls)})


_PACKAGED: dict[type, tuple[object, DelayParameters]] = {}


@dataclass(frozen=True)
class RouteParts:
    """The random parts of one route, in the order the train meets them.

    ``*_at`` columns are the expected hours from departure to the part (for dates); ``*_keys``
    name each part's random stream (see :func:`variates`).
    """

    fixed_hours: float
    run_hours: FloatArray
    run_cv: FloatArray
    run_land: np.ndarray
    border_hours: FloatArray
    border_cv: FloatArray
    queue_share: FloatArray
    queue_scale: FloatArray
    sail_headway: FloatArray
    sail_caspian: np.ndarray
    sail_at: FloatArray
    origin_dwell: bool
    train_factor: bool
    congestion_hours: FloatArray
    congestion_at: FloatArray
    congestion_start: FloatArray
    congestion_end: FloatArray
    run_keys: tuple[str, ...]
    border_keys: tuple[str, ...]
    queue_keys: tuple[str, ...]
    sail_keys: tuple[str, ...]
    congestion_keys: tuple[str, ...]


def _tail_mixture(mean: FloatArray, p95: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Fit ``wait = 0`` w.p. ``1 - a``, else exponential(scale ``s``), to a mean and p95.

    Solves ``(mean / a) ln(20 a) = p95`` for the larger root ``a`` in ``[e/20, 1]`` by
    bisection; where the tail is heavier than the family allows, ``a = e/20``.
    """
    lo = np.full(mean.shape, math.e / 20.0)
    hi = np.ones(mean.shape)
    target = np.maximum(p95, 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(40):
            mid = (lo + hi) / 2
            f = mean / mid * np.log(20 * mid) - target
            # f decreases in a on [e/20, 1]: above the target -> a larger root lies right.
            lo = np.where(f > 0, mid, lo)
            hi = np.where(f > 0, hi, mid)
    a = np.where(mean > 0, lo, 0.0)
    scale = np.where(a > 0, mean / np.maximum(a, 1e-12), 0.0)
    return a, scale


_QUEUE_CACHE: dict[str, tuple[float, float]] = {}


def _queue(station: str) -> tuple[float, float]:
    if not _QUEUE_CACHE:
        t = baseline_waits()
        a, s = _tail_mixture(t["mean_wait_h"].to_numpy(float), t["p95_wait_h"].to_numpy(float))
        _QUEUE_CACHE.update(
            zip(t.index.astype(str), zip(a.tolist(), s.tolist(), strict=True), strict=True)
        )
        _QUEUE_CACHE.setdefault("", (0.0, 0.0))
    return _QUEUE_CACHE.get(station, (0.0, 0.0))


@dataclass(frozen=True)
class _PartColumns:
    """The network columns :func:`route_parts` reads, as Python lists (one per network).

    Reading numpy scalars one leg at a time (and making a ``LinkMode`` of each) cost more
    than the draws of short routes; the values are the same floats.
    """

    link_mode: list[LinkMode]
    time_cv: list[float]
    sailings: list[float]
    caspian: list[bool]
    waypoint: list[bool]
    port_hours: list[float]
    border_hours: list[float]  # NaN (no border) as 0
    border_cv: list[float]  # NaN as 0


def _part_columns(net: CorridorNetwork) -> _PartColumns:
    cache = network_cache(net)
    hit = cache.get("route_part_columns")
    if isinstance(hit, _PartColumns):
        return hit
    out = _PartColumns(
        link_mode=[LinkMode(m) for m in net.link_mode.tolist()],
        time_cv=np.asarray(net.time_cv, dtype=float).tolist(),
        sailings=np.asarray(net.sailings_per_week, dtype=float).tolist(),
        caspian=caspian_ferry_links(net).tolist(),
        waypoint=net.is_sea_waypoint.tolist(),
        port_hours=np.asarray(net.port_transfer_hours, dtype=float).tolist(),
        border_hours=np.nan_to_num(net.border_hours).tolist(),
        border_cv=np.nan_to_num(net.border_cv).tolist(),
    )
    cache["route_part_columns"] = out
    return out


#: Legs whose parts are remembered per network (legs live as long as their graph's leg store).
_MAX_LEG_MEMO = 1 << 16


@dataclass(frozen=True)
class _LegParts:
    """What one leg adds to a route's parts that does not depend on the route.

    The same leg object (legs are made once per graph edge) is split again in every plan
    that shows it; building its group key and queue station names each time cost more
    than the rest of :func:`route_parts`.
    """

    group: str = ""
    time_cv: float = 0.0
    #: Whether the leg waits for a new sailing (not an operation, land, or a voyage going on).
    sails: bool = False
    sail_headway: float = 0.0
    sail_caspian: bool = False
    #: (station, share that waits, scale of the wait) of the leg's baseline queues.
    queues: tuple[tuple[str, float, float], ...] = ()
    border_hours: float = 0.0
    border_cv: float = 0.0
    port_hours: float = math.nan


def _leg_memo(net: CorridorNetwork) -> IdentityMemo[Leg, _LegParts]:
    cache = network_cache(net)
    hit = cache.get("route_part_legs")
    if isinstance(hit, IdentityMemo):
        return hit
    out: IdentityMemo[Leg, _LegParts] = IdentityMemo(bound=_MAX_LEG_MEMO)
    cache["route_part_legs"] = out
    return out


def _leg_parts(leg: Leg, net: CorridorNetwork, *, queue_priority: bool, running: str) -> _LegParts:
    """Split one leg (see :class:`_LegParts`), as :func:`route_parts` reads it."""
    col = _part_columns(net)
    if leg.kind != "travel":
        queues: tuple[tuple[str, float, float], ...] = ()
        if not queue_priority and leg.kind == "gauge change":
            station = f"{leg.to_id}:gauge"
            queues = ((station, *_queue(station)),)
        port = col.port_hours[net.index_of(leg.to_id)] if leg.kind == "transfer" else math.nan
        return _LegParts(queues=queues, port_hours=port)
    k = link_index(net)[leg.link_id]
    mode = col.link_mode[k]
    key = net.country_of[leg.from_id] if mode in (LinkMode.RAIL, LinkMode.ROAD) else mode.name
    if running == "section":
        key = f"{key}:{leg.link_id}"
    sails, headway, caspian = False, 0.0, False
    # As in the graph: a lane between two waypoints is a voyage sailing on, no new wait.
    wp = col.waypoint
    if mode in (LinkMode.FERRY, LinkMode.SEA) and not (
        wp[net.index_of(leg.from_id)] and wp[net.index_of(leg.to_id)]
    ):
        sails, headway, caspian = True, HOURS_PER_WEEK / col.sailings[k], col.caspian[k]
    found = []
    if not queue_priority and mode == LinkMode.RAIL:
        for station in (f"{leg.link_id}:{leg.from_id}>{leg.to_id}", f"{leg.to_id}:border"):
            a, s = _queue(station)
            if a > 0:
                found.append((station, a, s))
    node = net.index_of(leg.to_id)
    return _LegParts(
        group=f"{mode.name}:{key}",
        time_cv=col.time_cv[k],
        sails=sails,
        sail_headway=headway,
        sail_caspian=caspian,
        queues=tuple(found),
        border_hours=col.border_hours[node],
        border_cv=col.border_cv[node],
    )


def route_parts(
    route: Route,
    net: CorridorNetwork,
    conditions: Conditions,
    *,
    queue_priority: bool = False,
    origin_dwell: bool = True,
    running: str = "railway",
) -> RouteParts:
    """Split a route into the random parts the Monte Carlo draws.

    Parameters
    ----------
    route
        A planned route (its legs carry link ids, hours and waits).
    net
        The service class's network, untimed (the planner's legs may carry expected delays
        of a timed network; they are taken out here, since the draws add them).
    conditions
        Conditions of the departure date (congestion periods).
    queue_priority
        Skip the baseline queue waits and the per-train delay factor (fixed-schedule trains
        keep their timetabled path).
    origin_dwell
        Whether the origin dwell of ordinary trains in China applies.
    running
        ``"railway"``: one running-time draw per national railway (delays within a railway
        correlated, the planner's choice); ``"section"``: one per link, independent.

    Returns
    -------
    RouteParts
        The parts.

    Raises
    ------
    ValueError
        If `running` is not one of :data:`RUNNING`.
    """
    if running not in RUNNING:
        msg = f"unknown running {running!r}; choose one of {RUNNING}"
        raise ValueError(msg)
    country = net.country_of
    memo = _leg_memo(net)
    groups: dict[str, list[float]] = {}
    fixed = 0.0
    border_h, border_cv, q_share, q_scale = [], [], [], []
    sail_h, sail_casp, sail_at = [], [], []
    cong_h, cong_at, cong_s, cong_e = [], [], [], []
    border_keys: list[str] = []
    queue_keys: list[str] = []
    sail_keys: list[str] = []
    cong_keys: list[str] = []
    periods = conditions.congestion
    elapsed = 0.0
    for leg in route.legs:
        make = functools.partial(
            _leg_parts, leg, net, queue_priority=queue_priority, running=running
        )
        info = memo.get(leg, make, queue_priority, running)
        if leg.kind != "travel":
            hours = leg.hours
            if leg.kind == "transfer":
                # The planner's legs carry the expected Caspian delays in the transfer time (for
                # the route search, ``percentiles.timed_network``); the draws below add them,
                # so the part is the transfer of the untimed network.
                base = info.port_hours
                if not math.isnan(base):
                    hours = min(hours, base)
            fixed += hours
            for station, a, s in info.queues:
                queue_keys.append(station)
                q_share.append(a)
                q_scale.append(s)
            elapsed += leg.hours
            continue
        run = max(leg.hours - leg.wait_hours - leg.border_hours, 0.0)
        g = groups.setdefault(info.group, [0.0, 0.0])
        g[0] += run
        g[1] += run * info.time_cv
        if info.sails:
            sail_keys.append(leg.link_id)
            sail_h.append(info.sail_headway)
            sail_casp.append(info.sail_caspian)
            sail_at.append(elapsed)
        for station, a, s in info.queues:
            queue_keys.append(station)
            q_share.append(a)
            q_scale.append(s)
        if leg.border_hours > 0:
            # Likewise the mean congestion wait the timed network adds to the border time:
            # the congestion draw below adds it.
            border_keys.append(leg.to_id)
            border_h.append(min(leg.border_hours, info.border_hours))
            border_cv.append(info.border_cv)
        elapsed += leg.hours
        for p in periods:
            if leg.to_id in p.nodes:
                cong_keys.append(f"{p.condition}:{leg.to_id}")
                cong_h.append(p.hours)
                cong_at.append(elapsed)
                cong_s.append((p.start - conditions.depart).days * HOURS_PER_DAY)
                cong_e.append(((p.end - conditions.depart).days + 1) * HOURS_PER_DAY)
    first = route.legs[0]
    dwell = origin_dwell and country[first.from_id] == "CN" and first.mode == "rail"
    runs = np.array([g[0] for g in groups.values()])
    cvs = np.array([g[1] / g[0] if g[0] > 0 else 0.0 for g in groups.values()])
    land = np.array([k.startswith(("RAIL:", "ROAD:")) for k in groups], dtype=bool)
    return RouteParts(
        fixed_hours=fixed,
        run_hours=runs,
        run_cv=cvs,
        run_land=land,
        border_hours=np.array(border_h),
        border_cv=np.array(border_cv),
        queue_share=np.array(q_share),
        queue_scale=np.array(q_scale),
        sail_headway=np.array(sail_h),
        sail_caspian=np.array(sail_casp, dtype=bool),
        sail_at=np.array(sail_at),
        origin_dwell=dwell,
        # Timetabled trains keep their path: the per-train factor is for ordinary trains.
        train_factor=not queue_priority,
        congestion_hours=np.array(cong_h),
        congestion_at=np.array(cong_at),
        congestion_start=np.array(cong_s),
        congestion_end=np.array(cong_e),
        run_keys=tuple(groups),
        border_keys=tuple(border_keys),
        queue_keys=tuple(queue_keys),
        sail_keys=tuple(sail_keys),
        congestion_keys=tuple(cong_keys),
    )


def _lognormal_factor(cv: FloatArray, z: FloatArray) -> FloatArray:
    s2 = np.log1p(cv**2)
    out: FloatArray = np.exp(np.sqrt(s2)[:, None] * z - s2[:, None] / 2)
    return out


#: Parts whose draws a process remembers (per seed and number of draws); about 16 kB each at
#: the planner's 2,000 draws, so at most 64 MB, and 16 MB each for the queue waits and running
#: factors made of them (the packaged network's 40 benchmark plans use 181, 32 and 67 at one
#: seed). Longer runs (calibration checks of 20,000) are drawn each time.
_MAX_VARIATES = 4096
_MAX_DERIVED = 1024
_REMEMBER_DRAWS = 4000
_KINDS = ("normal", "uniform", "exponential", "gamma")


def _stream_seed(kind: str, key: str) -> int:
    # A stable digest, not hash(): the same part gets the same stream in every process.
    return int.from_bytes(hashlib.blake2b(f"{kind}|{key}".encode(), digest_size=8).digest())


def _remembered(make: Callable[..., FloatArray], maxsize: int) -> Callable[..., FloatArray]:
    """Return `make` remembering what it made for runs of up to ``_REMEMBER_DRAWS`` draws.

    `make`'s last argument is the number of draws; its arrays are read-only, so that routes
    and plans can share them.
    """
    remembered = functools.lru_cache(maxsize=maxsize)(make)

    def get(*args: Any) -> FloatArray:
        return remembered(*args) if args[-1] <= _REMEMBER_DRAWS else make(*args)

    return get


def _draw(kind: str, key: str, seed: int, shape: float, n: int) -> FloatArray:
    rng = np.random.default_rng([seed, _stream_seed(kind, key)])
    if kind == "normal":
        out = rng.standard_normal(n)
    elif kind == "uniform":
        out = rng.random(n)
    elif kind == "exponential":
        out = rng.standard_exponential(n)
    else:
        out = rng.standard_gamma(shape, n)
    out.setflags(write=False)  # shared between routes and plans
    return out


_draw_part = _remembered(_draw, _MAX_VARIATES)


def variates(kind: str, key: str, *, seed: int, n: int, shape: float = 1.0) -> FloatArray:
    """Return the `n` standard variates of one random part's own stream.

    Parameters
    ----------
    kind
        ``"normal"``, ``"uniform"``, ``"exponential"`` or ``"gamma"`` (standard: scale 1).
    key
        The part's name, e.g. ``"border:KZ-DOSTYK"``; each kind and key is its own stream.
    seed
        The plan's seed.
    n
        Number of draws (a longer stream begins with the shorter one's draws).
    shape
        The gamma's shape.

    Returns
    -------
    numpy.ndarray
        Read-only draws, the same for the same arguments in every process.

    Raises
    ------
    ValueError
        If `kind` is unknown.

    Examples
    --------
    >>> a = variates("normal", "RAIL:KZ", seed=0, n=5)
    >>> b = variates("normal", "RAIL:KZ", seed=0, n=8)
    >>> bool((a == b[:5]).all()), bool((a == variates("normal", "RAIL:CN", seed=0, n=5)).all())
    (True, False)
    """
    if kind not in _KINDS:
        msg = f"unknown kind {kind!r}; choose one of {_KINDS}"
        raise ValueError(msg)
    return _draw_part(kind, key, seed, float(shape), int(n))


def _make_queue_waits(station: str, share: float, scale: float, seed: int, n: int) -> FloatArray:
    """Draw one queue's waits: 0 with probability ``1 - share``, else exponential(`scale`).

    The same for every route through the queue (its share and scale are the station's).
    """
    u = variates("uniform", f"queue:{station}", seed=seed, n=n)
    e = variates("exponential", f"queue:{station}", seed=seed, n=n)
    out: FloatArray = np.where(u < share, e * scale, 0.0)
    out.setflags(write=False)
    return out


def _make_running_factor(group: str, cv: float, seed: int, n: int) -> FloatArray:
    """Draw one running group's lognormal factor (mean 1, coefficient of variation `cv`).

    A group's `cv` is its links' km-weighted one, so routes over the same links of a railway
    share the factor.
    """
    z = variates("normal", f"running:{group}", seed=seed, n=n)
    out: FloatArray = _lognormal_factor(np.array([cv]), z[None, :])[0]
    out.setflags(write=False)
    return out


_queue_waits = _remembered(_make_queue_waits, _MAX_DERIVED)
_running_factor = _remembered(_make_running_factor, _MAX_DERIVED)


def _rows(kind: str, keys: tuple[str, ...], tag: str, seed: int, n: int) -> FloatArray:
    """Stack the variates of several parts (one row each)."""
    out = np.empty((len(keys), n))
    for i, key in enumerate(keys):
        out[i] = variates(kind, f"{tag}:{key}", seed=seed, n=n)
    return out


def draw_seed(seed: int | np.random.Generator | None) -> int:
    """Return the integer seed of the parts' streams.

    Parameters
    ----------
    seed
        An integer (itself), a generator (one draw of it) or None (fresh entropy).

    Returns
    -------
    int
        The seed :func:`variates` takes.

    Examples
    --------
    >>> draw_seed(7), draw_seed(np.random.default_rng(1)) == draw_seed(np.random.default_rng(1))
    (7, True)
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if seed is None:
        return int(np.random.SeedSequence().generate_state(2, np.uint64)[0] >> np.uint64(1))
    return int(seed)


def draw_route_hours(
    parts: RouteParts,
    params: DelayParameters,
    conditions: Conditions,
    *,
    dwell_factor: float = 1.0,
    draws: int = DRAWS,
    seed: int | np.random.Generator | None = 0,
) -> FloatArray:
    """Draw door-to-door hours of one route.

    Parameters
    ----------
    parts
        The route's random parts (:func:`route_parts`).
    params
        The delay parameters no source gives.
    conditions
        Conditions of the departure date (storm months, congestion).
    dwell_factor
        Multiplier of the origin dwell (the service class's).
    draws
        Number of draws.
    seed
        Seed of the parts' streams (:func:`draw_seed`); the same seed gives the same draws.

    Returns
    -------
    numpy.ndarray
        ``draws`` door-to-door times in hours.

    Examples
    --------
    >>> import silkrail
    >>> from silkrail.routing.conditions import conditions_on
    >>> net = silkrail.load_network()
    >>> r = silkrail.plan(net, "Xi'an", "Baku").routes[0]
    >>> c = conditions_on("2025-06-01")
    >>> h = draw_route_hours(route_parts(r, net, c), DelayParameters.packaged(), c, seed=1)
    >>> bool(np.percentile(h, 95) > np.percentile(h, 50) > np.percentile(h, 5) > 0)
    True
    """
    draws_ = draw_parts(parts, conditions, draws=draws, seed=seed)
    return combine_draws(draws_, params, dwell_factor=dwell_factor)


@dataclass(frozen=True)
class RouteDraws:
    """Draws of a route's parts that do not depend on the estimated parameters.

    ``base`` holds everything but the estimated delays and the rail-side hours (fixed, sea and
    ferry running, sailing phase and congestion hours); ``train`` the rail-side hours (land
    running, border processing and queue waits) that the per-train factor scales, with its
    standard normal variate ``z_train``; the rest are the standard variates the estimated
    delays are made of, so that :func:`combine_draws` evaluates any parameter set on the same
    draws (common random numbers, for calibration).
    """

    base: FloatArray
    train: FloatArray
    z_train: FloatArray
    caspian_headway: FloatArray
    caspian_fraction: FloatArray
    u_miss: FloatArray
    u_closed: FloatArray
    closed_wait: FloatArray
    e_dwell: FloatArray
    e_origin: FloatArray

    @classmethod
    def concatenate(cls, items: list[RouteDraws]) -> RouteDraws:
        """Pool draws of one route (e.g. over departure dates) into one set."""
        return cls(
            base=np.concatenate([d.base for d in items]),
            caspian_headway=items[0].caspian_headway,
            **{
                f.name: np.concatenate([getattr(d, f.name) for d in items], axis=-1)
                for f in fields(cls)
                if f.name not in ("base", "caspian_headway")
            },
        )


def draw_parts(
    parts: RouteParts,
    conditions: Conditions,
    *,
    draws: int = DRAWS,
    seed: int | np.random.Generator | None = 0,
) -> RouteDraws:
    """Draw the parameter-free parts of a route's time (see :class:`RouteDraws`).

    Parameters
    ----------
    parts
        The route's random parts.
    conditions
        Conditions of the departure date.
    draws
        Number of draws.
    seed
        Seed of the parts' streams (:func:`draw_seed`): the same seed gives the same draws,
        and a part that two routes share the same draws in both.

    Returns
    -------
    RouteDraws
        The draws.
    """
    s = draw_seed(seed)
    n = draws
    total = np.full(n, parts.fixed_hours)
    # Rail-side hours the per-train factor scales (running on land, border, queues).
    train = np.zeros(n)
    running = zip(parts.run_keys, parts.run_hours.tolist(), parts.run_cv.tolist(),
                  parts.run_land.tolist(), strict=True)  # fmt: skip
    for key, hours, cv, land in running:
        run = _running_factor(key, cv, s, n) * hours
        if land:
            train += run
        else:
            total += run
    if parts.border_hours.size:
        shape = 1.0 / np.maximum(parts.border_cv, 1e-6) ** 2
        scale = parts.border_hours / shape
        for key, k, theta in zip(parts.border_keys, shape.tolist(), scale.tolist(), strict=True):
            train += variates("gamma", f"border:{key}", seed=s, n=n, shape=k) * theta
    queues = zip(parts.queue_keys, parts.queue_share.tolist(), parts.queue_scale.tolist(),
                 strict=True)  # fmt: skip
    for key, share, scale in queues:
        train += _queue_waits(key, share, scale, s, n)
    casp = parts.sail_caspian
    k = int(casp.sum())
    if parts.sail_headway.size:
        u = _rows("uniform", parts.sail_keys, "sailing", s, n)
        total += (u * parts.sail_headway[:, None]).sum(0)
    when = [conditions.depart + dt.timedelta(hours=float(t)) for t in parts.sail_at[casp]]
    frac = np.array([conditions.storm_fraction[d.month - 1] for d in when]).reshape(k)
    length = conditions.storm_length_days * HOURS_PER_DAY
    if parts.congestion_hours.size:
        at = parts.congestion_at
        inside = (at >= parts.congestion_start) & (at < parts.congestion_end)
        e = _rows("exponential", parts.congestion_keys, "congestion", s, n)
        total += (e * (inside * parts.congestion_hours)[:, None]).sum(0)
    if not parts.train_factor:
        total += train
        train = np.zeros(n)
    caspian = tuple(key for key, c in zip(parts.sail_keys, casp.tolist(), strict=True) if c)
    return RouteDraws(
        base=total,
        train=train,
        z_train=variates("normal", "train", seed=s, n=n),
        caspian_headway=parts.sail_headway[casp],
        caspian_fraction=np.repeat(frac[:, None], n, axis=1),
        u_miss=_rows("uniform", caspian, "vessel space", s, n),
        u_closed=_rows("uniform", caspian, "closure", s, n),
        closed_wait=_rows("uniform", caspian, "closure wait", s, n) * length,
        e_dwell=_rows("exponential", caspian, "port dwell", s, n),
        e_origin=(
            variates("exponential", "origin dwell", seed=s, n=n)
            if parts.origin_dwell
            else np.zeros(n)
        ),
    )


def combine_draws(
    d: RouteDraws, params: DelayParameters, *, dwell_factor: float = 1.0
) -> FloatArray:
    """Add the estimated delays to a route's parameter-free draws.

    Parameters
    ----------
    d
        Draws from :func:`draw_parts`.
    params
        The estimated delay parameters.
    dwell_factor
        Multiplier of the origin dwell (the service class's).

    Returns
    -------
    numpy.ndarray
        Door-to-door hours, one per draw.
    """
    cv = params.train_delay_cv
    if cv > 0:
        s2 = math.log1p(cv * cv)
        total = d.base + d.train * np.exp(math.sqrt(s2) * d.z_train - s2 / 2)
    else:
        total = d.base + d.train
    if d.caspian_headway.size:
        p = params.caspian_vessel_space_miss_probability
        if p > 0:
            # Sailings missed before a container gets on: geometric by inverse transform.
            misses = np.floor(np.log(np.maximum(d.u_miss, 1e-300)) / np.log(p))
            total += (misses * d.caspian_headway[:, None]).sum(0)
        frac = np.where(
            np.isnan(d.caspian_fraction), params.caspian_closure_fraction_other_months,
            d.caspian_fraction,
        )  # fmt: skip
        total += ((d.u_closed < frac) * d.closed_wait).sum(0)
        total += d.e_dwell.sum(0) * params.caspian_port_dwell_hours
    if dwell_factor > 0:
        total += d.e_origin * (params.cn_origin_dwell_hours * dwell_factor)
    out: FloatArray = total
    return out


def expected_caspian_hours(
    params: DelayParameters, conditions: Conditions, headway_hours: float
) -> float:
    """Return the expected extra hours of a Caspian crossing beyond half a sailing interval.

    Vessel space, the storm closure of the departure month and the port dwell; the planner
    adds it to the route search's expected times so that ranking sees it.

    Examples
    --------
    >>> from silkrail.routing.conditions import conditions_on
    >>> p = DelayParameters.packaged()
    >>> expected_caspian_hours(p, conditions_on("2025-12-01"), 42.0) > expected_caspian_hours(
    ...     p, conditions_on("2025-07-01"), 42.0)
    True
    """
    p = params.caspian_vessel_space_miss_probability
    frac = conditions.storm_fraction[conditions.depart.month - 1]
    if math.isnan(frac):
        frac = params.caspian_closure_fraction_other_months
    storm = frac * conditions.storm_length_days * HOURS_PER_DAY / 2
    return p / (1 - p) * headway_hours + storm + params.caspian_port_dwell_hours
