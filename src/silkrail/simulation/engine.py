"""The simulation entry point :func:`simulate` and small reference systems."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np

from silkrail.errors import InsufficientMemoryError
from silkrail.simulation import _kernels
from silkrail.simulation._compile import (
    apply_ferry_changes,
    check_trains,
    compile_static,
    draw_trial,
)
from silkrail.simulation.model import (
    Distribution,
    Route,
    Scenario,
    ServerStation,
    SimulationModel,
    TrainService,
)
from silkrail.simulation.results import SimulationResult

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail._typing import FloatArray
    from silkrail.simulation._compile import Static

__all__ = ["fifo_queue", "normalize_seed", "queue_model", "simulate", "tandem_model"]


def normalize_seed(seed: int | np.random.Generator | None) -> np.random.Generator:
    """Return a generator for `seed` (an int, a generator used as is, or ``None``).

    Parameters
    ----------
    seed
        Seed or generator.

    Returns
    -------
    numpy.random.Generator
        ``numpy.random.default_rng(seed)`` unless `seed` already is a generator.

    Examples
    --------
    >>> int(normalize_seed(3).integers(10)) == int(normalize_seed(3).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _check_days(days: float, warmup_days: float, drain_days: float) -> None:
    if not (days > 0 and math.isfinite(days)):
        msg = f"days must be a positive number, got {days!r}"
        raise ValueError(msg)
    if not 0 <= warmup_days < days:
        msg = f"warmup_days must be in [0, days={days}), got {warmup_days!r}"
        raise ValueError(msg)
    if not (drain_days >= 0 and math.isfinite(drain_days)):
        msg = f"drain_days must be ≥ 0, got {drain_days!r}"
        raise ValueError(msg)


def prepare(model: SimulationModel, scenario: Scenario | None) -> Static:
    """Apply `scenario` to `model` and compile the deterministic arrays."""
    scenario = scenario if scenario is not None else Scenario()
    return compile_static(apply_ferry_changes(model, scenario), scenario)


def run_static(
    static: Static,
    rng: np.random.Generator,
    *,
    days: float,
    warmup_days: float,
    drain_days: float,
    wait_threshold_hours: float,
) -> SimulationResult:
    """One replication of a compiled model (see :func:`simulate`)."""
    horizon = days * 24.0
    t_cap = horizon + drain_days * 24.0
    trial = draw_trial(static, rng, horizon=horizon, t_cap=t_cap)
    n_tr = trial.tr_release.shape[0]
    n_rec = trial.rec_station.shape[0]
    n_sail = int(trial.sail_ptr[-1])
    n_st = static.kind.shape[0]
    if max(n_rec, trial.seg_time.shape[0], n_st) >= 1 << _kernels.REF_BITS:
        # An event key holds a record, segment or station number in REF_BITS bits.
        msg = f"a replication of {n_rec:,} train records is over the engine's limit"
        raise InsufficientMemoryError(msg)
    # Arrival, start, departure and server release of each record, side by side: the kernel
    # writes several of them per event, and one cache line per record is faster than four.
    rec_t = np.full((n_rec, 4), np.nan)
    finish = np.full(n_tr, np.nan)
    sail_time = np.full(n_sail, np.nan)
    sail_feu = np.zeros(n_sail)
    sail_cross = np.zeros(n_sail)
    sail_count = np.zeros(n_st, np.int64)
    max_queue = np.zeros(n_st)
    moving = np.zeros(n_tr)
    warmup = warmup_days * 24.0
    t0 = time.perf_counter()
    n_events = _kernels.run_events(
        static.kind,
        static.base,
        static.per_feu,
        static.run,
        static.cap_feu,
        static.policy,
        static.interval,
        static.phase,
        static.max_wait,
        trial.seg_ptr,
        trial.seg_time,
        trial.seg_servers,
        trial.seg_scale,
        trial.cross_ptr,
        trial.cross_mult,
        trial.tr_release,
        trial.tr_feu,
        trial.tr_rec_ptr,
        np.arange(n_tr, dtype=np.int64),
        trial.rec_station,
        trial.rec_train,
        trial.rec_mult,
        t_cap,
        trial.heap_size,
        rec_t,
        finish,
        trial.sail_ptr,
        sail_time,
        sail_feu,
        sail_cross,
        sail_count,
        warmup,
        horizon,
        max_queue,
        moving,
    )
    elapsed = time.perf_counter() - t0
    if n_events < 0:  # pragma: no cover - the heap size is a proven bound
        msg = "the event heap outgrew its bound (a bug in the engine's heap sizing)"
        raise RuntimeError(msg)
    # Columns as views (strided): copying them out cost 16 MB of memory traffic a replication.
    t_arr, t_start, t_dep, t_free = (rec_t[:, j] for j in range(4))
    used = np.minimum(sail_count, np.diff(trial.sail_ptr))
    idx = np.concatenate(
        [np.arange(trial.sail_ptr[s], trial.sail_ptr[s] + used[s]) for s in range(n_st)]
        or [np.empty(0, np.int64)]
    ).astype(np.int64)
    sail_station = np.repeat(np.arange(n_st, dtype=np.int64), used)
    return SimulationResult(
        model=static.model,
        scenario=static.scenario,
        horizon_h=horizon,
        warmup_h=warmup,
        t_cap_h=t_cap,
        train_service=trial.tr_service,
        train_route=trial.tr_route,
        train_feu=trial.tr_feu,
        train_release_h=trial.tr_release,
        train_finish_h=finish,
        rec_ptr=trial.tr_rec_ptr,
        rec_station=trial.rec_station,
        arrive_h=t_arr,
        start_h=t_start,
        depart_h=t_dep,
        free_h=t_free,
        sail_station=sail_station,
        sail_h=sail_time[idx],
        sail_feu=sail_feu[idx],
        sail_crossing_h=sail_cross[idx],
        seg_ptr=trial.seg_ptr,
        seg_time_h=trial.seg_time,
        seg_servers=trial.seg_servers,
        seg_scale=trial.seg_scale,
        station_max_queue=max_queue,
        train_moving_h=moving,
        n_events=int(n_events),
        wait_threshold_h=wait_threshold_hours,
        elapsed_s=elapsed,
    )


def simulate(
    model: SimulationModel,
    *,
    days: float = 365.0,
    seed: int | np.random.Generator | None = None,
    scenario: Scenario | None = None,
    warmup_days: float = 0.0,
    drain_days: float = 365.0,
    wait_threshold_hours: float = 72.0,
) -> SimulationResult:
    """Simulate trains through a model's stations for `days` days: one replication.

    Trains of every service are released over ``[0, days)`` and run until they finish, or
    until `drain_days` after the horizon. Statistics measure the window ``[warmup_days,
    days)``. All random numbers come from `seed`: the train releases, the service factors
    (one per train and station), the ferry crossing times and the weather closures each use
    their own stream spawned from it, so a scenario that changes one station leaves the
    draws elsewhere unchanged (common random numbers).

    Parameters
    ----------
    model
        What to simulate.
    days
        Length of the release period.
    seed
        Seed or generator.
    scenario
        Closures, capacity changes, ferry overrides and demand growth to apply.
    warmup_days
        Start of the measurement window.
    drain_days
        How long after the horizon trains may still run.
    wait_threshold_hours
        Threshold of the ``p_wait_over`` station statistic.

    Returns
    -------
    SimulationResult
        Timelines, sailings and statistics.

    Raises
    ------
    ValueError
        If `days`, `warmup_days` or `drain_days` is out of range.
    silkrail.errors.ScenarioError
        If the scenario names a target the model does not have.
    silkrail.errors.InsufficientMemoryError
        If the replication would release more than ``MAX_TRAINS`` (2 million) trains on
        average; checked before any is drawn.

    Examples
    --------
    >>> res = simulate(queue_model(arrival_rate=0.8, service_rate=1.0), days=30, seed=7)
    >>> res.n_trains > 500
    True
    >>> res.to_frame().equals(simulate(queue_model(arrival_rate=0.8, service_rate=1.0),
    ...                                days=30, seed=7).to_frame())
    True
    """
    _check_days(days, warmup_days, drain_days)
    rng = normalize_seed(seed)
    static = prepare(model, scenario)
    check_trains(static, days * 24.0)
    return run_static(
        static,
        rng,
        days=days,
        warmup_days=warmup_days,
        drain_days=drain_days,
        wait_threshold_hours=wait_threshold_hours,
    )


def queue_model(
    *,
    arrival_rate: float,
    service_rate: float,
    servers: int = 1,
    distribution: Distribution = "exponential",
    cv: float = 1.0,
) -> SimulationModel:
    """Build a single FIFO queue with Poisson arrivals (M/M/c, M/D/c, M/G/c).

    Parameters
    ----------
    arrival_rate
        Trains per hour.
    service_rate
        Trains per hour one server completes.
    servers
        Parallel servers.
    distribution
        Service-time distribution.
    cv
        Service-time CV (lognormal and gamma only).

    Returns
    -------
    SimulationModel
        One station ``"queue"``, one route ``"route"``.

    Examples
    --------
    >>> queue_model(arrival_rate=2.0, service_rate=1.0, servers=3).stations[0].servers
    3
    """
    return tandem_model(
        arrival_rate=arrival_rate,
        service_rates=(service_rate,),
        servers=(servers,),
        distribution=distribution,
        cv=cv,
        names=("queue",),
    )


def tandem_model(
    *,
    arrival_rate: float,
    service_rates: Sequence[float],
    servers: Sequence[int],
    distribution: Distribution = "exponential",
    cv: float = 1.0,
    names: Sequence[str] | None = None,
) -> SimulationModel:
    """Build FIFO multi-server queues in series with Poisson arrivals (a Jackson tandem).

    Parameters
    ----------
    arrival_rate
        Trains per hour.
    service_rates
        Per-server service rate of each station.
    servers
        Servers of each station.
    distribution
        Service-time distribution.
    cv
        Service-time CV (lognormal and gamma only).
    names
        Station names (default ``"s0"``, ``"s1"``, ...).

    Returns
    -------
    SimulationModel
        The stations in series on one route ``"route"``.

    Raises
    ------
    ValueError
        If the sequences differ in length.

    Examples
    --------
    >>> m = tandem_model(arrival_rate=1.0, service_rates=(2.0, 1.5), servers=(1, 1))
    >>> m.routes[0].stations
    ('s0', 's1')
    """
    if len(service_rates) != len(servers):
        msg = "service_rates and servers must have the same length"
        raise ValueError(msg)
    names = tuple(names) if names is not None else tuple(f"s{i}" for i in range(len(servers)))
    stations = tuple(
        ServerStation(n, servers=c, hours=1.0 / mu, cv=cv, distribution=distribution)
        for n, mu, c in zip(names, service_rates, servers, strict=True)
    )
    return SimulationModel(
        stations=stations,
        routes=(Route("route", names),),
        services=(TrainService("route", trains_per_week=arrival_rate * 168.0, feu=1.0),),
        name="tandem",
    )


def fifo_queue(arrival: FloatArray, service: FloatArray, *, servers: int = 1) -> FloatArray:
    """Compute the service start times of a FIFO G/G/c queue by the departure recursion.

    Parameters
    ----------
    arrival
        Arrival times, sorted (float64).
    service
        Service times (float64), one per arrival.
    servers
        Identical parallel servers.

    Returns
    -------
    numpy.ndarray
        Start time of each customer's service.

    Raises
    ------
    TypeError
        If an array is not float64.
    ValueError
        If the arrays differ in shape, `arrival` is not sorted or `servers` < 1.

    Examples
    --------
    >>> fifo_queue(np.array([0.0, 0.0, 1.0]), np.array([2.0, 2.0, 2.0])).tolist()
    [0.0, 2.0, 4.0]
    """
    for name, arr in (("arrival", arrival), ("service", service)):
        if arr.dtype != np.float64:
            msg = f"{name} must be float64, got {arr.dtype}"
            raise TypeError(msg)
    if arrival.shape != service.shape or arrival.ndim != 1:
        msg = (
            f"arrival and service must be 1-d of equal length, got {arrival.shape}, {service.shape}"
        )
        raise ValueError(msg)
    if servers < 1:
        msg = f"servers must be ≥ 1, got {servers}"
        raise ValueError(msg)
    if arrival.shape[0] > 1 and np.any(np.diff(arrival) < 0):
        msg = "arrival must be sorted"
        raise ValueError(msg)
    start = np.empty_like(arrival)
    _kernels.fifo_multiserver(
        np.ascontiguousarray(arrival), np.ascontiguousarray(service), int(servers), start
    )
    return start
