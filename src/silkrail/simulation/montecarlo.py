"""Monte Carlo replications on Dask, with confidence intervals.

Replication ``i`` draws from ``numpy.random.default_rng(SeedSequence(seed).spawn(n)[i])``, so
its output depends only on the seed and ``i``: results are identical whatever the number of
workers or threads, and in-process (``scheduler="serial"``) runs give the same numbers as a
cluster. In-process runs use one thread per core: the event kernel and the statistics'
sorting kernels release the GIL, so replications run in parallel without worker processes.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import special

from silkrail.simulation._compile import check_trains
from silkrail.simulation.engine import _check_days, prepare, run_static
from silkrail.simulation.results import (
    BORDER_METRICS,
    ROUTE_METRICS,
    STATION_METRICS,
    SimulationResult,
)

if TYPE_CHECKING:
    import pandas as pd

    from silkrail._typing import FloatArray, IntArray
    from silkrail.simulation._compile import Static
    from silkrail.simulation.model import Scenario, SimulationModel

__all__ = [
    "MonteCarloResult",
    "ReplicationMetrics",
    "local_cluster",
    "local_cluster_pays",
    "mean_ci",
    "replicate",
]

# Replication-days below which a local Dask cluster costs more than it saves. In-process runs
# use a thread per core, and most of a replication (the event kernel and the statistics'
# kernels, over 2/3 of its CPU time) runs without the GIL, so threads already keep the cores
# busy: a local cluster on the same cores can gain at most the GIL-bound remainder (a third of
# a replication, about 0.05 s of CPU in 2026-12) and first pays 3-5 s to start its workers and
# ship them the model. It breaks even beyond about 2 * 4 s / 0.05 s = 160 replication-years
# on 2 cores; a 2-worker cluster was measured slower than the threads at 100 (264 s against
# 143 s, docs/benchmarks.md). Hence 1,000 replication-years: in practice, a local cluster is
# for an explicit `workers`; the threshold was derived, not measured as a crossover.
LOCAL_CLUSTER_MIN_REPLICATION_DAYS = 1000 * 365.0

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, eq=False)
class ReplicationMetrics:
    """The statistics of one replication (what a worker sends back).

    Parameters
    ----------
    index
        Replication number.
    stations, routes, borders
        Metric tables as arrays (rows as in the model; columns :data:`STATION_METRICS`,
        :data:`ROUTE_METRICS`, :data:`BORDER_METRICS`).
    border_nodes
        Row labels of `borders`.
    n_trains, n_events
        Trains released and events handled.
    elapsed_s
        Engine wall time.
    first
        The full result, kept for replication 0 when asked.
    """

    index: int
    stations: FloatArray
    routes: FloatArray
    borders: FloatArray
    border_nodes: tuple[str, ...]
    n_trains: int
    n_events: int
    elapsed_s: float
    first: SimulationResult | None = None


def _one(
    payload: tuple[Static, dict[str, float]],
    index: int,
    seed: np.random.SeedSequence,
    keep: bool,
) -> ReplicationMetrics:
    """Run replication `index` (module level, so Dask workers can import it)."""
    static, opts = payload
    res = run_static(
        static,
        np.random.default_rng(seed),
        days=opts["days"],
        warmup_days=opts["warmup_days"],
        drain_days=opts["drain_days"],
        wait_threshold_hours=opts["wait_threshold_hours"],
    )
    borders = res.border_stats()
    return ReplicationMetrics(
        index=index,
        stations=res.station_stats().values,
        routes=res.route_stats().values,
        borders=borders.values,
        border_nodes=borders.index,
        n_trains=res.n_trains,
        n_events=res.n_events,
        elapsed_s=res.elapsed_s,
        first=res if keep else None,
    )


def _summary(values: FloatArray, confidence: float) -> dict[str, FloatArray]:
    """Mean, standard deviation and t confidence interval over axis 0, ignoring NaN."""
    n = np.sum(~np.isnan(values), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe = np.where(n > 0, n, 1)
        mean = np.where(n > 0, np.nansum(values, axis=0) / safe, np.nan)
        dev = np.where(np.isnan(values), 0.0, values - mean)
        var = np.where(n > 1, np.sum(dev**2, axis=0) / np.maximum(n - 1, 1), np.nan)
        std = np.sqrt(var)
        # Student's t quantile; scipy.stats.t.ppf calls stdtrit, but importing scipy.stats
        # costs about 2 s (it parses every distribution's docstring).
        tq = np.where(
            n > 1,
            special.stdtrit(np.maximum(n - 1, 1).astype(np.float64), 0.5 + confidence / 2),
            np.nan,
        )
        half = tq * std / np.sqrt(safe)
    return {"mean": mean, "std": std, "ci_low": mean - half, "ci_high": mean + half, "n": n}


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Statistics of many replications of one model and scenario, with confidence intervals.

    Parameters
    ----------
    model
        The model.
    scenario
        The scenario applied (``None``: the model as is).
    days, warmup_days
        Horizon and warm-up of each replication.
    seed_entropy
        Entropy of the root :class:`numpy.random.SeedSequence`; pass it as the seed to rerun.
    stations, routes, borders
        Per-replication metrics, ``replications x rows x metrics``.
    station_names, route_names, border_nodes
        Row labels.
    n_trains, n_events, elapsed_s
        Per replication.
    confidence
        Level of the confidence intervals.
    first
        Replication 0 in full, when kept.
    """

    model: SimulationModel
    scenario: Scenario | None
    days: float
    warmup_days: float
    seed_entropy: int
    stations: FloatArray
    routes: FloatArray
    borders: FloatArray
    station_names: tuple[str, ...]
    route_names: tuple[str, ...]
    border_nodes: tuple[str, ...]
    n_trains: IntArray
    n_events: IntArray
    elapsed_s: FloatArray
    confidence: float = 0.95
    first: SimulationResult | None = None

    @property
    def replications(self) -> int:
        """Number of replications."""
        return int(self.n_trains.shape[0])

    def _long(
        self, values: FloatArray, index: tuple[str, ...], metrics: tuple[str, ...], name: str
    ) -> pd.DataFrame:
        import pandas as pd

        s = _summary(values, self.confidence)
        n_rows, n_m = len(index), len(metrics)
        frame = pd.DataFrame(
            {
                name: np.repeat(np.asarray(index, dtype=object), n_m),
                "metric": np.tile(np.asarray(metrics, dtype=object), n_rows),
                **{k: v.reshape(-1) for k, v in s.items()},
            }
        )
        frame["n"] = frame["n"].astype(np.int64)
        return frame

    def _wide(
        self, values: FloatArray, index: tuple[str, ...], metrics: tuple[str, ...], name: str
    ) -> pd.DataFrame:
        import pandas as pd

        s = _summary(values, self.confidence)
        data: dict[str, Any] = {}
        for j, m in enumerate(metrics):
            data[m] = s["mean"][:, j]
            data[f"{m}_ci"] = (s["ci_high"][:, j] - s["ci_low"][:, j]) / 2
        return pd.DataFrame(data, index=pd.Index(list(index), name=name))

    def route_summary(self) -> pd.DataFrame:
        """Per route: the mean over replications of :data:`ROUTE_METRICS`, with CI half-widths.

        Returns
        -------
        pandas.DataFrame
            Columns ``<metric>`` (mean) and ``<metric>_ci`` (half-width of the interval),
            plus ``origin`` and ``destination``.

        Examples
        --------
        >>> from silkrail.simulation import queue_model
        >>> mc = replicate(queue_model(arrival_rate=0.5, service_rate=1.0), replications=3,
        ...                days=10, seed=1, scheduler="serial")
        >>> bool(mc.route_summary().loc["route", "finished"] > 0)
        True
        """
        df = self._wide(self.routes, self.route_names, ROUTE_METRICS, "route")
        routes = {r.name: r for r in self.model.routes}
        df.insert(0, "origin", [routes[r].origin for r in self.route_names])
        df.insert(1, "destination", [routes[r].destination for r in self.route_names])
        return df

    def station_summary(self) -> pd.DataFrame:
        """Per station: the mean of :data:`STATION_METRICS` with CI half-widths.

        Returns
        -------
        pandas.DataFrame
            Columns ``category``, then ``<metric>`` and ``<metric>_ci`` pairs.

        Examples
        --------
        >>> from silkrail.simulation import queue_model
        >>> mc = replicate(queue_model(arrival_rate=0.5, service_rate=1.0), replications=3,
        ...                days=10, seed=1, scheduler="serial")
        >>> mc.station_summary().loc["queue", "category"]
        'other'
        """
        df = self._wide(self.stations, self.station_names, STATION_METRICS, "station")
        df.insert(0, "category", [s.category for s in self.model.stations])
        return df

    def border_summary(self) -> pd.DataFrame:
        """Per border crossing point: CAREC CPMM time and cost to clear, with CIs.

        Returns
        -------
        pandas.DataFrame
            Columns ``<metric>`` and ``<metric>_ci`` for :data:`BORDER_METRICS`.

        Examples
        --------
        >>> from silkrail.simulation import queue_model
        >>> mc = replicate(queue_model(arrival_rate=0.5, service_rate=1.0), replications=3,
        ...                days=10, seed=1, scheduler="serial")
        >>> len(mc.border_summary())  # a single queue has no border crossing
        0
        """
        return self._wide(self.borders, self.border_nodes, BORDER_METRICS, "node")

    def bottlenecks(self, top: int = 10) -> pd.DataFrame:
        """Return the stations where trains lose the most time waiting.

        Parameters
        ----------
        top
            How many to return.

        Returns
        -------
        pandas.DataFrame
            The `top` stations by mean train-hours of waiting per day, with utilization,
            mean and 95th-percentile waits and the share of waits over the threshold.

        Examples
        --------
        >>> from silkrail.simulation import queue_model
        >>> mc = replicate(queue_model(arrival_rate=0.5, service_rate=1.0), replications=3,
        ...                days=10, seed=1, scheduler="serial")
        >>> mc.bottlenecks(top=1).index.tolist()
        ['queue']
        """
        df = self.station_summary()
        cols = [
            "category",
            "wait_train_hours_per_day",
            "wait_train_hours_per_day_ci",
            "utilization",
            "mean_wait_h",
            "mean_wait_h_ci",
            "p95_wait_h",
            "p_wait_over",
            "max_queue",
        ]
        return df.sort_values("wait_train_hours_per_day", ascending=False)[cols].head(top)

    def to_frame(self) -> pd.DataFrame:
        """Return every statistic as a long table with confidence intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``table`` (``station``/``route``/``border``), ``item``, ``metric``,
            ``mean``, ``std``, ``ci_low``, ``ci_high``, ``n`` (replications with a value).

        Examples
        --------
        >>> from silkrail.simulation import queue_model
        >>> mc = replicate(queue_model(arrival_rate=0.5, service_rate=1.0), replications=2,
        ...                days=5, seed=1, scheduler="serial")
        >>> list(mc.to_frame().columns)
        ['table', 'item', 'metric', 'mean', 'std', 'ci_low', 'ci_high', 'n']
        """
        import pandas as pd

        parts = []
        for table, values, index, metrics in (
            ("station", self.stations, self.station_names, STATION_METRICS),
            ("route", self.routes, self.route_names, ROUTE_METRICS),
            ("border", self.borders, self.border_nodes, BORDER_METRICS),
        ):
            df = self._long(values, index, metrics, "item")
            df.insert(0, "table", table)
            parts.append(df)
        return pd.concat(parts, ignore_index=True)

    def replications_frame(self, table: str = "route") -> pd.DataFrame:
        """Return the per-replication values of one table, one row per replication and item.

        Parameters
        ----------
        table
            ``"station"``, ``"route"`` or ``"border"``.

        Returns
        -------
        pandas.DataFrame
            Columns ``replication``, the item, then one column per metric.

        Raises
        ------
        ValueError
            If `table` is unknown.

        Examples
        --------
        >>> from silkrail.simulation import queue_model
        >>> mc = replicate(queue_model(arrival_rate=0.5, service_rate=1.0), replications=3,
        ...                days=10, seed=1, scheduler="serial")
        >>> mc.replications_frame("route").shape[0]
        3
        """
        import pandas as pd

        choices = {
            "station": (self.stations, self.station_names, STATION_METRICS),
            "route": (self.routes, self.route_names, ROUTE_METRICS),
            "border": (self.borders, self.border_nodes, BORDER_METRICS),
        }
        if table not in choices:
            msg = f"unknown table {table!r}; choose one of {tuple(choices)}"
            raise ValueError(msg)
        values, index, metrics = choices[table]
        n_rep, n_rows = values.shape[0], len(index)
        data: dict[str, Any] = {
            "replication": np.repeat(np.arange(n_rep), n_rows),
            table: np.tile(np.asarray(index, dtype=object), n_rep),
        }
        flat = values.reshape(n_rep * n_rows, len(metrics))
        for j, m in enumerate(metrics):
            data[m] = flat[:, j]
        return pd.DataFrame(data)


def local_cluster_pays(
    replications: int, days: float, workers: int | None = None, *, idle_cpus: float | None = None
) -> bool:
    """Whether a run is long enough that a local Dask cluster beats running in-process.

    Parameters
    ----------
    replications, days
        The size of the run.
    workers
        Worker processes the cluster would have (default: the CPU count).
    idle_cpus
        CPUs not busy with other work (the caller's estimate, e.g. from the load average);
        ``None``: all of them. Workers beyond the idle CPUs only compete with each other:
        on 2 CPUs shared with other jobs a 2-worker cluster ran slower than one process.

    Returns
    -------
    bool
        ``False`` with fewer than two usable workers (workers, CPUs and idle CPUs), or below
        :data:`LOCAL_CLUSTER_MIN_REPLICATION_DAYS` replication-days.

    Examples
    --------
    >>> local_cluster_pays(3, 30.0, workers=2)
    False
    >>> local_cluster_pays(100, 365.0, workers=2)
    False
    >>> local_cluster_pays(2000, 365.0, workers=2)
    True
    >>> local_cluster_pays(2000, 365.0, workers=2, idle_cpus=0.5)
    False
    """
    n = workers or os.cpu_count() or 1
    if idle_cpus is not None:
        n = min(n, int(idle_cpus))
    return n > 1 and replications > 1 and replications * days >= LOCAL_CLUSTER_MIN_REPLICATION_DAYS


def local_cluster(n_workers: int, *, processes: bool = True) -> Any:
    """Start a local Dask cluster of worker processes, without a dashboard or a fixed port.

    ``LocalCluster(dashboard_address=None)`` turns the dashboard off, but its scheduler still
    serves a small HTTP endpoint (health, metrics) on port 8787: with that port taken by
    another process (another cluster, a notebook) distributed warns ("Port 8787 is already in
    use") and leaves a socket unclosed. That endpoint listens on a free loopback port here.

    Parameters
    ----------
    n_workers
        Workers, one thread each.
    processes
        Workers in processes of their own (``False``: threads of this process, for tests).

    Returns
    -------
    distributed.LocalCluster
        The started cluster; the caller closes it (it is a context manager).

    Raises
    ------
    ModuleNotFoundError
        When dask.distributed is not installed.

    Examples
    --------
    >>> with local_cluster(1, processes=False) as cluster:
    ...     server = cluster.scheduler.http_server
    ...     print(server.address, server.port != 8787)
    127.0.0.1 True
    """
    try:
        # Imported by name: dask is an optional extra and ships no type information.
        distributed: Any = importlib.import_module("distributed")
    except ImportError:  # pragma: no cover - depends on the environment
        msg = "Monte Carlo on Dask needs dask.distributed: pip install 'silkrail[dask]'"
        raise ModuleNotFoundError(msg) from None
    return distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=processes,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )


def _root_seed(seed: int | np.random.Generator | None) -> np.random.SeedSequence:
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


def replicate(
    model: SimulationModel,
    *,
    replications: int = 100,
    days: float = 365.0,
    seed: int | np.random.Generator | None = None,
    scenario: Scenario | None = None,
    warmup_days: float = 0.0,
    drain_days: float = 365.0,
    wait_threshold_hours: float = 72.0,
    confidence: float = 0.95,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    progress: ProgressCallback | None = None,
    keep_first: bool = False,
    cores: int | None = None,
) -> MonteCarloResult:
    """Run independent replications of a model, on Dask or in-process.

    Parameters
    ----------
    model
        What to simulate.
    replications
        Number of replications.
    days, warmup_days, drain_days, wait_threshold_hours
        As in :func:`~silkrail.simulation.simulate`.
    seed
        Root seed; replication ``i`` uses the ``i``-th child of ``SeedSequence(seed)``.
    scenario
        Overrides to apply.
    confidence
        Level of the confidence intervals.
    scheduler
        ``None`` starts a local Dask cluster (``LocalCluster``, no dashboard) for the run when
        it is long enough to pay (:func:`local_cluster_pays`) and runs in this process
        otherwise; an address (``"tcp://host:8786"``) uses an existing cluster; ``"serial"``
        runs in this process without Dask (on `cores` threads).
    workers
        Worker processes of the local cluster (default: the CPU count).
    client
        An existing ``distributed.Client`` to use (overrides `scheduler`).
    progress
        Called as ``progress(done, total)`` after each replication.
    keep_first
        Keep replication 0's full :class:`~silkrail.simulation.SimulationResult`.
    cores
        Threads of an in-process run (default: the CPU count); the output does not depend
        on it.

    Returns
    -------
    MonteCarloResult
        Per-replication statistics and their confidence intervals.

    Raises
    ------
    ValueError
        If `replications` < 1, `cores` < 1 or `confidence` is not in (0, 1), or as
        :func:`simulate`.
    silkrail.errors.InsufficientMemoryError
        As :func:`simulate`, before any worker starts.
    ModuleNotFoundError
        If Dask is needed but not installed (``pip install 'silkrail[dask]'``).

    Examples
    --------
    >>> from silkrail.simulation import queue_model
    >>> mc = replicate(queue_model(arrival_rate=0.5, service_rate=1.0), replications=4,
    ...                days=20, seed=2, scheduler="serial")
    >>> mc.replications, round(float(mc.station_summary().loc["queue", "utilization"]), 1)
    (4, 0.5)
    """
    if replications < 1:
        msg = f"replications must be ≥ 1, got {replications}"
        raise ValueError(msg)
    if not 0 < confidence < 1:
        msg = f"confidence must be in (0, 1), got {confidence}"
        raise ValueError(msg)
    if cores is not None and cores < 1:
        msg = f"cores must be ≥ 1, got {cores}"
        raise ValueError(msg)
    _check_days(days, warmup_days, drain_days)
    # Fail fast on a bad scenario or too many trains, before any worker starts; the compiled
    # model is shared by every replication.
    static = prepare(model, scenario)
    check_trains(static, days * 24.0)
    root = _root_seed(seed)
    children = root.spawn(replications)
    opts = {
        "days": float(days),
        "warmup_days": float(warmup_days),
        "drain_days": float(drain_days),
        "wait_threshold_hours": float(wait_threshold_hours),
    }
    payload = (static, opts)
    out: list[ReplicationMetrics | None] = [None] * replications
    in_process = scheduler == "serial" or (
        scheduler is None and not local_cluster_pays(replications, days, workers)
    )
    if client is None and in_process:
        _run_threads(payload, children, out, cores or os.cpu_count() or 1, progress, keep_first)
    else:
        _run_dask(payload, children, out, scheduler, workers, client, progress, keep_first)
    done = [r for r in out if r is not None]
    assert len(done) == replications
    first = done[0]
    entropy = root.entropy
    return MonteCarloResult(
        model=model,
        scenario=scenario,
        days=float(days),
        warmup_days=float(warmup_days),
        seed_entropy=int(entropy) if isinstance(entropy, int) else 0,
        stations=np.stack([r.stations for r in done]),
        routes=np.stack([r.routes for r in done]),
        borders=np.stack([r.borders for r in done]),
        station_names=tuple(s.name for s in model.stations),
        route_names=tuple(r.name for r in model.routes),
        border_nodes=first.border_nodes,
        n_trains=np.array([r.n_trains for r in done], np.int64),
        n_events=np.array([r.n_events for r in done], np.int64),
        elapsed_s=np.array([r.elapsed_s for r in done]),
        confidence=confidence,
        first=first.first,
    )


def _run_threads(
    payload: tuple[Static, dict[str, float]],
    children: list[np.random.SeedSequence],
    out: list[ReplicationMetrics | None],
    cores: int,
    progress: ProgressCallback | None,
    keep_first: bool,
) -> None:
    total = len(children)
    if min(cores, total) <= 1:
        for i, child in enumerate(children):
            out[i] = _one(payload, i, child, keep_first and i == 0)
            if progress is not None:
                progress(i + 1, total)
        return
    pool = ThreadPoolExecutor(max_workers=min(cores, total), thread_name_prefix="replicate")
    try:
        futures = [
            pool.submit(_one, payload, i, child, keep_first and i == 0)
            for i, child in enumerate(children)
        ]
        for k, fut in enumerate(as_completed(futures), start=1):
            res = fut.result()
            out[res.index] = res
            if progress is not None:
                progress(k, total)
    finally:
        # On an error (or Ctrl-C) the replications not yet started are dropped.
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(
    payload: tuple[Static, dict[str, float]],
    children: list[np.random.SeedSequence],
    out: list[ReplicationMetrics | None],
    scheduler: str | None,
    workers: int | None,
    client: Any,
    progress: ProgressCallback | None,
    keep_first: bool,
) -> None:
    try:
        # Imported by name: dask is an optional extra and ships no type information.
        distributed: Any = importlib.import_module("distributed")
    except ImportError:  # pragma: no cover - depends on the environment
        msg = "Monte Carlo on Dask needs dask.distributed: pip install 'silkrail[dask]'"
        raise ModuleNotFoundError(msg) from None

    cluster = None
    own_client = None
    if client is None:
        if scheduler is None:
            n = workers or os.cpu_count() or 1
            cluster = local_cluster(n)
            own_client = distributed.Client(cluster)
        else:
            own_client = distributed.Client(scheduler)
        client = own_client
    try:
        [remote] = client.scatter([payload], broadcast=True)
        futures = [
            client.submit(_one, remote, i, child, keep_first and i == 0, pure=False)
            for i, child in enumerate(children)
        ]
        total = len(futures)
        for k, fut in enumerate(distributed.as_completed(futures), start=1):
            res = fut.result()
            out[res.index] = res
            if progress is not None:
                progress(k, total)
    finally:
        if own_client is not None:
            own_client.close()
        if cluster is not None:
            cluster.close()


def mean_ci(values: FloatArray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Return the mean and the t confidence interval of a sample.

    Parameters
    ----------
    values
        The sample (``NaN`` ignored).
    confidence
        Interval level.

    Returns
    -------
    tuple of float
        ``(mean, low, high)``; the bounds are ``NaN`` for fewer than two values.

    Examples
    --------
    >>> m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0]))
    >>> m, round(lo, 2), round(hi, 2)
    (2.0, -0.48, 4.48)
    """
    s = _summary(np.asarray(values, dtype=np.float64)[:, None], confidence)
    mean = float(s["mean"][0])
    return mean, float(s["ci_low"][0]), float(s["ci_high"][0])
