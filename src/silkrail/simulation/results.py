"""Results of a simulation run: timelines, station and route statistics, corridor KPIs.

A :class:`SimulationResult` holds the raw record of one replication (one row per train and
station it passed, one row per ferry sailing) and computes the statistics from it on demand.
Statistics count what happens inside the measurement window ``[warmup, horizon)``: trains
released in it for route and border figures, station arrivals in it for station figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from silkrail.simulation import _kernels
from silkrail.simulation._kernels import KIND_FERRY, KIND_SECTION, KIND_SERVER
from silkrail.simulation.model import Ferry, Section, ServerStation

if TYPE_CHECKING:
    import pandas as pd

    from silkrail._typing import FloatArray, IntArray
    from silkrail.simulation.model import Scenario, SimulationModel

__all__ = [
    "BORDER_METRICS",
    "ROUTE_METRICS",
    "STATION_METRICS",
    "MetricTable",
    "QueueSeries",
    "SimulationResult",
]

#: Per-station statistics (waits in hours; `p_wait_over` uses the result's wait threshold).
STATION_METRICS = (
    "arrivals",
    "throughput_per_day",
    "mean_wait_h",
    "p50_wait_h",
    "p95_wait_h",
    "max_wait_h",
    "p_wait_over",
    "mean_time_h",
    "utilization",
    "mean_queue",
    "max_queue",
    "wait_train_hours_per_day",
)
#: Per-route statistics: transit days and the CAREC CPMM speeds (km/h).
ROUTE_METRICS = (
    "trains",
    "finished",
    "mean_days",
    "p50_days",
    "p95_days",
    "distance_km",
    "swod_kmh",
    "swd_kmh",
)
#: Per border crossing point (CAREC CPMM): crossings, time to clear (hours), cost (USD/FEU).
BORDER_METRICS = ("crossings", "mean_clear_h", "p50_clear_h", "p95_clear_h", "usd_per_feu")

_NODE_CATEGORIES = ("border", "gauge", "port")


@dataclass(frozen=True, eq=False)
class MetricTable:
    """A table of named metrics, one row per item (station, route, border crossing).

    Parameters
    ----------
    index_name
        What a row is (``"station"``, ``"route"``, ``"node"``).
    index
        Row labels.
    labels
        Extra text columns (e.g. ``category``), each as long as `index`.
    metrics
        Metric names, one per column of `values`.
    values
        ``len(index) x len(metrics)`` array.

    Examples
    --------
    >>> t = MetricTable("station", ("a",), {}, ("mean_wait_h",), np.array([[1.5]]))
    >>> t.column("mean_wait_h").tolist()
    [1.5]
    """

    index_name: str
    index: tuple[str, ...]
    labels: dict[str, tuple[str, ...]]
    metrics: tuple[str, ...]
    values: FloatArray

    def column(self, metric: str) -> FloatArray:
        """Return the values of one metric.

        Parameters
        ----------
        metric
            One of :attr:`metrics`.

        Returns
        -------
        numpy.ndarray
            One value per row.

        Raises
        ------
        KeyError
            If `metric` is not a column.
        """
        if metric not in self.metrics:
            msg = f"unknown metric {metric!r}; choose one of {self.metrics}"
            raise KeyError(msg)
        return self.values[:, self.metrics.index(metric)]

    def to_frame(self) -> pd.DataFrame:
        """Return the table as a DataFrame indexed by :attr:`index_name`.

        Returns
        -------
        pandas.DataFrame
            Label columns first, then one column per metric.

        Examples
        --------
        >>> t = MetricTable("route", ("r",), {"origin": ("A",)}, ("p50_days",), np.ones((1, 1)))
        >>> list(t.to_frame().columns)
        ['origin', 'p50_days']
        """
        import pandas as pd

        data: dict[str, object] = {k: list(v) for k, v in self.labels.items()}
        for j, m in enumerate(self.metrics):
            data[m] = self.values[:, j]
        return pd.DataFrame(data, index=pd.Index(list(self.index), name=self.index_name))


@dataclass(frozen=True, eq=False)
class QueueSeries:
    """Queue length over time per station, binned.

    Parameters
    ----------
    stations
        Station names (rows).
    bin_start_h
        Start of each bin, in hours.
    mean
        Time-averaged number of trains waiting, ``stations x bins``.
    max
        Largest number waiting at any moment of the bin.
    """

    stations: tuple[str, ...]
    bin_start_h: FloatArray
    mean: FloatArray
    max: FloatArray

    def to_frame(self) -> pd.DataFrame:
        """Return a long table: one row per station and bin.

        Returns
        -------
        pandas.DataFrame
            Columns ``station``, ``start_h``, ``mean_queue``, ``max_queue``.

        Examples
        --------
        >>> q = QueueSeries(("a",), np.array([0.0]), np.zeros((1, 1)), np.zeros((1, 1)))
        >>> q.to_frame().shape
        (1, 4)
        """
        import pandas as pd

        n_b = self.bin_start_h.shape[0]
        return pd.DataFrame(
            {
                "station": np.repeat(np.asarray(self.stations, dtype=object), n_b),
                "start_h": np.tile(self.bin_start_h, len(self.stations)),
                "mean_queue": self.mean.ravel(),
                "max_queue": self.max.ravel(),
            }
        )


def _group_order(values: FloatArray, group: IntArray, n_groups: int) -> IntArray:
    """Return the permutation ``np.lexsort((values, group))``, about twice as fast.

    Both sorts are stable: by value, then by group; numpy sorts small integer keys (stations
    and routes number far fewer than 2**15) by radix, in linear time.
    """
    by_value = np.argsort(values, kind="stable")
    small = np.int16 if n_groups < 2**15 else np.int64
    order: IntArray = by_value[np.argsort(group[by_value].astype(small), kind="stable")]
    return order


def _sorted_within_groups(
    values: FloatArray, group: IntArray, n_groups: int
) -> tuple[FloatArray, IntArray]:
    """Return ``values[np.lexsort((values, group))]`` and the group sizes.

    A compiled kernel (:func:`~silkrail.simulation._kernels.sorted_within_groups`): it buckets
    the values by group and sorts only the non-zero ones (most trains wait zero hours at most
    stations); zeros come out as ``+0.0``. It releases the GIL, so replications on threads
    compute their statistics in parallel.
    """
    count = np.bincount(group, minlength=n_groups)
    out: FloatArray = np.empty(values.shape[0])
    _kernels.sorted_within_groups(
        np.ascontiguousarray(values, dtype=np.float64),
        np.ascontiguousarray(group, dtype=np.int64),
        count,
        out,
    )
    return out, count


def _group_percentile(values: FloatArray, start: IntArray, count: IntArray, q: float) -> FloatArray:
    """``np.percentile(values[start:start + count], q)`` for every group, bit for bit.

    `values` must be sorted within each group and hold no NaN; empty groups give NaN. The
    statistics used to call ``np.percentile`` once per station or route (thousands of calls
    per replication, most of a Monte Carlo run); this is numpy's default ``"linear"`` method,
    with its interpolation formula, on all groups at once.
    """
    out: FloatArray = np.full(start.shape[0], np.nan)
    has = count > 0
    n = count[has]
    virtual = (n - 1).astype(np.float64) * (q / 100)
    prev = np.floor(virtual)
    gamma = virtual - prev
    lo = start[has] + prev.astype(np.int64)
    hi = np.minimum(lo + 1, start[has] + n - 1)
    a, b = values[lo], values[hi]
    diff = b - a
    res = a + diff * gamma
    upper = gamma >= 0.5
    res[upper] = (b - diff * (1 - gamma))[upper]
    out[has] = res
    return out


def _window_overlap(a: FloatArray, b: FloatArray, lo: float, hi: float) -> FloatArray:
    out: FloatArray = np.clip(np.minimum(b, hi) - np.maximum(a, lo), 0.0, None)
    return out


#: Route lengths of the last models seen, by ``id`` (the model is kept, so the id stays its own):
#: every replication of a Monte Carlo run asks for the same model's.
_ROUTE_KM: dict[int, tuple[SimulationModel, list[float]]] = {}


def _route_km(model: SimulationModel) -> list[float]:
    """Length of each route of `model`: its sections' and ferries' km, summed in order."""
    hit = _ROUTE_KM.get(id(model))
    if hit is not None and hit[0] is model:
        return hit[1]
    dist = np.array(
        [s.distance_km if isinstance(s, Section | Ferry) else 0.0 for s in model.stations]
    )
    km = [float(sum(dist[model.station_index[n]] for n in r.stations)) for r in model.routes]
    if len(_ROUTE_KM) >= 8:
        _ROUTE_KM.clear()
    _ROUTE_KM[id(model)] = (model, km)
    return km


def _unlimited(st: ServerStation | Section | Ferry) -> bool:
    """Whether a station has no capacity limit (no utilization)."""
    if isinstance(st, ServerStation):
        return st.servers == 0
    return isinstance(st, Section) and math.isinf(st.trains_per_day)


def _integral(x: FloatArray, tk: FloatArray, lk: FloatArray, cum: FloatArray) -> FloatArray:
    """Integral from -inf to `x` of the step function equal to ``lk[j]`` from ``tk[j]``."""
    j = np.searchsorted(tk, x, side="right") - 1
    jj = np.maximum(j, 0)
    out: FloatArray = np.where(j >= 0, cum[jj] + lk[jj] * (x - tk[jj]), 0.0)
    return out


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """One replication of a model: every train's timeline, every sailing, and statistics.

    Parameters
    ----------
    model
        The model as run (scenario ferry overrides applied).
    scenario
        The scenario applied.
    horizon_h
        Trains were released over ``[0, horizon_h)``.
    warmup_h
        Start of the measurement window.
    t_cap_h
        The run stopped at the first event after this time (trains not finished by then
        have ``NaN`` finish times).
    train_service, train_route, train_feu, train_release_h, train_finish_h
        Per train, in release order.
    rec_ptr
        Records of train ``i`` are ``rec_ptr[i]:rec_ptr[i+1]``, one per station passed.
    rec_station, arrive_h, start_h, depart_h, free_h
        Per record: station, arrival, start of service (sailing time at a ferry), departure,
        and when the train released the server (end of the headway on a section).
    sail_station, sail_h, sail_feu, sail_crossing_h
        One row per sailing.
    seg_ptr, seg_time_h, seg_servers, seg_scale
        Capacity segments per station (servers from each start time; 0 = closed).
    station_max_queue
        Per station, the largest number of trains waiting at once within the window
        (counted by the engine as the queues change).
    train_moving_h
        Per train, the hours spent moving: running on sections and crossing on ferries
        (summed by the engine in record order).
    n_events
        Events the engine handled.
    wait_threshold_h
        Threshold of the ``p_wait_over`` station metric.
    elapsed_s
        Wall time of the engine call (not part of the reproducible output).
    """

    model: SimulationModel
    scenario: Scenario
    horizon_h: float
    warmup_h: float
    t_cap_h: float
    train_service: IntArray
    train_route: IntArray
    train_feu: FloatArray
    train_release_h: FloatArray
    train_finish_h: FloatArray
    rec_ptr: IntArray
    rec_station: IntArray
    arrive_h: FloatArray
    start_h: FloatArray
    depart_h: FloatArray
    free_h: FloatArray
    sail_station: IntArray
    sail_h: FloatArray
    sail_feu: FloatArray
    sail_crossing_h: FloatArray
    seg_ptr: IntArray
    seg_time_h: FloatArray
    seg_servers: IntArray
    seg_scale: FloatArray
    station_max_queue: FloatArray
    train_moving_h: FloatArray
    n_events: int
    wait_threshold_h: float = 72.0
    elapsed_s: float = field(default=0.0, compare=False)

    # -- basic views --------------------------------------------------------------------------
    @property
    def n_trains(self) -> int:
        """Number of trains released."""
        return int(self.train_release_h.shape[0])

    @property
    def rec_train(self) -> IntArray:
        """Train of each record."""
        return np.repeat(np.arange(self.n_trains, dtype=np.int64), np.diff(self.rec_ptr))

    @property
    def transit_h(self) -> FloatArray:
        """Per train: finish minus release (``NaN`` if unfinished)."""
        return self.train_finish_h - self.train_release_h

    @property
    def wait_h(self) -> FloatArray:
        """Per record: start of service minus arrival."""
        return self.start_h - self.arrive_h

    def _kinds(self) -> IntArray:
        kinds = {ServerStation: KIND_SERVER, Section: KIND_SECTION, Ferry: KIND_FERRY}
        return np.array([kinds[type(s)] for s in self.model.stations], np.int64)

    def waiting_times(self, station: str) -> FloatArray:
        """Return the waits of trains that arrived at `station` in the window, in arrival order.

        Parameters
        ----------
        station
            Station name.

        Returns
        -------
        numpy.ndarray
            Hours between arrival and start of service (at a ferry: the sailing of the
            vessel carrying the train's last FEU); ``NaN`` for trains still waiting when the
            run stopped.

        Raises
        ------
        KeyError
            If there is no such station.

        Examples
        --------
        >>> from silkrail.simulation import queue_model, simulate
        >>> res = simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=2, seed=1)
        >>> bool((res.waiting_times("queue") >= 0).all())
        True
        """
        if station not in self.model.station_index:
            msg = f"unknown station {station!r}"
            raise KeyError(msg)
        s = self.model.station_index[station]
        m = (self.rec_station == s) & self._in_window(self.arrive_h)
        idx = np.flatnonzero(m)
        idx = idx[np.argsort(self.arrive_h[idx], kind="stable")]
        return self.wait_h[idx]

    def _in_window(self, t: FloatArray) -> np.ndarray:
        return (t >= self.warmup_h) & (t < self.horizon_h)

    # -- tables -------------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Return one row per train: service, route, FEU, release, finish and transit time.

        Returns
        -------
        pandas.DataFrame
            Indexed by train number (release order).

        Examples
        --------
        >>> from silkrail.simulation import queue_model, simulate
        >>> res = simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=2, seed=1)
        >>> list(res.to_frame().columns)[:3]
        ['service', 'route', 'origin']
        """
        import pandas as pd

        routes = self.model.routes
        services = self.model.services
        tr_route = self.train_route
        return pd.DataFrame(
            {
                "service": [services[k].label for k in self.train_service],
                "route": [routes[r].name for r in tr_route],
                "origin": [routes[r].origin for r in tr_route],
                "destination": [routes[r].destination for r in tr_route],
                "feu": self.train_feu,
                "release_h": self.train_release_h,
                "finish_h": self.train_finish_h,
                "transit_days": self.transit_h / 24.0,
            },
            index=pd.Index(np.arange(self.n_trains), name="train"),
        )

    def timeline_frame(self) -> pd.DataFrame:
        """Return one row per train and station passed: the per-train timelines.

        Returns
        -------
        pandas.DataFrame
            Columns ``train``, ``stage``, ``station``, ``arrive_h``, ``start_h``,
            ``depart_h``, ``wait_h``.

        Examples
        --------
        >>> from silkrail.simulation import queue_model, simulate
        >>> res = simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=2, seed=1)
        >>> len(res.timeline_frame()) == res.n_trains  # one station per train here
        True
        """
        import pandas as pd

        train = self.rec_train
        stage = np.arange(self.rec_station.shape[0]) - self.rec_ptr[train]
        names = np.asarray([s.name for s in self.model.stations], dtype=object)
        return pd.DataFrame(
            {
                "train": train,
                "stage": stage,
                "station": pd.Categorical.from_codes(
                    self.rec_station, categories=pd.Index(names).unique()
                )
                if len(set(names)) == len(names)
                else names[self.rec_station],
                "arrive_h": self.arrive_h,
                "start_h": self.start_h,
                "depart_h": self.depart_h,
                "wait_h": self.wait_h,
            }
        )

    def sailings_frame(self) -> pd.DataFrame:
        """Return one row per ferry sailing: station, time, FEU on board, crossing time.

        Returns
        -------
        pandas.DataFrame
            Columns ``station``, ``sail_h``, ``feu``, ``crossing_h``.

        Examples
        --------
        >>> from silkrail.simulation import queue_model, simulate
        >>> res = simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=2, seed=1)
        >>> res.sailings_frame().empty  # no ferry in this model
        True
        """
        import pandas as pd

        names = [s.name for s in self.model.stations]
        return pd.DataFrame(
            {
                "station": [names[s] for s in self.sail_station],
                "sail_h": self.sail_h,
                "feu": self.sail_feu,
                "crossing_h": self.sail_crossing_h,
            }
        )

    # -- statistics ---------------------------------------------------------------------------
    def _capacity_hours(self, s: int, lo: float, hi: float) -> float:
        """Integral of the server count of station `s` over ``[lo, hi)``."""
        a, b = self.seg_ptr[s], self.seg_ptr[s + 1]
        if b == a + 1:
            # One segment (most stations): the same arithmetic on Python floats, faster.
            t0 = float(self.seg_time_h[a])
            return max(hi - max(t0, lo), 0.0) * float(self.seg_servers[a])
        starts = np.maximum(self.seg_time_h[a:b], lo)
        ends = np.minimum(np.append(self.seg_time_h[a + 1 : b], np.inf), hi)
        return float(np.sum(np.clip(ends - starts, 0.0, None) * self.seg_servers[a:b]))

    def station_stats(self) -> MetricTable:
        """Compute waiting times, utilization, queue lengths and throughput per station.

        Returns
        -------
        MetricTable
            Rows are stations; columns :data:`STATION_METRICS`. Utilization is busy
            server-hours over available server-hours (headway-hours on sections; the mean
            load factor of the sailings at ferries; ``NaN`` for unlimited servers).

        Examples
        --------
        >>> from silkrail.simulation import queue_model, simulate
        >>> res = simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=20, seed=1)
        >>> 0.3 < float(res.station_stats().column("utilization")[0]) < 0.7
        True
        """
        model = self.model
        n_st = len(model.stations)
        lo, hi = self.warmup_h, self.horizon_h
        span = max(hi - lo, 1e-12)
        st = self.rec_station
        kinds = self._kinds()
        out = np.full((n_st, len(STATION_METRICS)), np.nan)
        col = {m: j for j, m in enumerate(STATION_METRICS)}

        sums = np.zeros((n_st, 8))
        _kernels.station_sums(
            st, self.arrive_h, self.start_h, self.depart_h, self.free_h, lo, hi,
            float(self.wait_threshold_h), sums,
        )  # fmt: skip
        arrivals, departures, _, over, cnt, tot, waited, busy = sums.T
        out[:, col["arrivals"]] = arrivals
        out[:, col["throughput_per_day"]] = departures / span * 24.0
        count = np.zeros(n_st, np.int64)
        w_sorted = np.empty(st.shape[0])
        _kernels.window_waits(st, self.arrive_h, self.start_h, lo, hi, count, w_sorted)
        bounds = np.concatenate(([0], np.cumsum(count)))
        start = bounds[:-1]
        waited_any = count > 0
        for k in np.flatnonzero(waited_any):
            # Per-station means keep numpy's pairwise summation (same bits as before).
            out[k, col["mean_wait_h"]] = w_sorted[bounds[k] : bounds[k + 1]].mean()
        out[:, col["p50_wait_h"]] = _group_percentile(w_sorted, start, count, 50)
        out[:, col["p95_wait_h"]] = _group_percentile(w_sorted, start, count, 95)
        out[waited_any, col["max_wait_h"]] = w_sorted[bounds[1:][waited_any] - 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[waited_any, col["p_wait_over"]] = over[waited_any] / count[waited_any]
            out[:, col["mean_time_h"]] = np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)

        # Queue lengths: a train waits over [arrive, start); unstarted ones until the end.
        out[:, col["mean_queue"]] = waited / span
        out[:, col["max_queue"]] = self.station_max_queue
        out[:, col["wait_train_hours_per_day"]] = out[:, col["mean_queue"]] * 24.0

        # Utilization.
        for s in range(n_st):
            stn = model.stations[s]
            if kinds[s] == KIND_FERRY:
                m = (self.sail_station == s) & (self.sail_h >= lo) & (self.sail_h < hi)
                if m.any():
                    assert isinstance(stn, Ferry)
                    a, b = self.seg_ptr[s], self.seg_ptr[s + 1]
                    idx = np.searchsorted(self.seg_time_h[a:b], self.sail_h[m], side="right") - 1
                    cap = stn.vessel_feu * self.seg_scale[a:b][np.maximum(idx, 0)]
                    out[s, col["utilization"]] = float(np.sum(self.sail_feu[m]) / np.sum(cap))
            elif _unlimited(stn):
                continue
            else:
                cap_h = self._capacity_hours(s, lo, hi)
                if cap_h > 0:
                    out[s, col["utilization"]] = busy[s] / cap_h
        return MetricTable(
            "station",
            tuple(s.name for s in model.stations),
            {
                "category": tuple(s.category for s in model.stations),
                "node": tuple(getattr(s, "node", "") for s in model.stations),
            },
            STATION_METRICS,
            out,
        )

    def route_stats(self) -> MetricTable:
        """Compute the transit-time distribution and CAREC CPMM speeds per route.

        Speed without delay (SWOD) is distance over time spent moving (section running
        times and ferry crossings); speed with delay (SWD) is distance over the whole
        transit time; both are ratios of sums over the route's finished trains.

        Returns
        -------
        MetricTable
            Rows are routes; columns :data:`ROUTE_METRICS` (transit in days).

        Examples
        --------
        >>> from silkrail.simulation import queue_model, simulate
        >>> res = simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=5, seed=1)
        >>> bool(res.route_stats().column("p50_days")[0] > 0)
        True
        """
        model = self.model
        n_r = len(model.routes)
        out = np.full((n_r, len(ROUTE_METRICS)), np.nan)
        col = {m: j for j, m in enumerate(ROUTE_METRICS)}
        route_km = _route_km(model)
        move_train = self.train_moving_h
        in_win = self._in_window(self.train_release_h)
        transit = self.transit_h
        out[:, col["trains"]] = np.bincount(self.train_route[in_win], minlength=n_r)
        fin_all = in_win & ~np.isnan(transit)
        fin_ids = np.flatnonzero(fin_all)
        fin_route = self.train_route[fin_ids]
        # Finished trains grouped by route, in train order within a route (a stable sort), so
        # means and sums add up in the same order, to the same bits, as a per-route mask.
        by_route = fin_ids[np.argsort(fin_route, kind="stable")]
        count = np.bincount(fin_route, minlength=n_r)
        start = np.concatenate(([0], np.cumsum(count)[:-1]))
        out[:, col["finished"]] = count
        days_grouped = transit[by_route] / 24.0
        # Percentiles need the values sorted within each route.
        route_sorted = _group_order(days_grouped, np.repeat(np.arange(n_r), count), n_r)
        days_sorted = days_grouped[route_sorted]
        out[:, col["p50_days"]] = _group_percentile(days_sorted, start, count, 50)
        out[:, col["p95_days"]] = _group_percentile(days_sorted, start, count, 95)
        moved = move_train[by_route]
        hours = transit[by_route]
        for r in range(n_r):
            d_km = route_km[r]
            out[r, col["distance_km"]] = d_km
            n = int(count[r])
            if n:
                a, b = start[r], start[r] + n
                out[r, col["mean_days"]] = days_grouped[a:b].mean()
                if d_km > 0 and not math.isnan(d_km):
                    out[r, col["swod_kmh"]] = d_km * n / moved[a:b].sum()
                    out[r, col["swd_kmh"]] = d_km * n / hours[a:b].sum()
        return MetricTable(
            "route",
            tuple(r.name for r in model.routes),
            {
                "origin": tuple(r.origin for r in model.routes),
                "destination": tuple(r.destination for r in model.routes),
            },
            ROUTE_METRICS,
            out,
        )

    def border_stats(self) -> MetricTable:
        """Compute the CAREC CPMM time and cost to clear each border crossing point.

        A crossing is a train's consecutive stay at the stations of one node with category
        ``border``, ``gauge`` or ``port`` (processing, gauge change and rail–water transfer,
        queues included), counted for trains released in the window. Cost is the sum of the
        stations' ``usd_per_feu`` fees.

        Returns
        -------
        MetricTable
            Rows are nodes with a ``border`` station; columns :data:`BORDER_METRICS`.

        Examples
        --------
        >>> from silkrail.simulation import queue_model, simulate
        >>> simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=2, seed=1
        ...          ).border_stats().index
        ()
        """
        model = self.model
        node_of = [
            s.node if isinstance(s, ServerStation) and s.category in _NODE_CATEGORIES else ""
            for s in model.stations
        ]
        borders = sorted(
            {
                s.node
                for s in model.stations
                if isinstance(s, ServerStation) and s.category == "border" and s.node
            }
        )
        out = np.full((len(borders), len(BORDER_METRICS)), np.nan)
        col = {m: j for j, m in enumerate(BORDER_METRICS)}
        if not borders:
            return MetricTable("node", (), {}, BORDER_METRICS, out)
        node_idx = {n: i for i, n in enumerate(borders)}
        st_node = np.array([node_idx.get(n, -1) for n in node_of], np.int64)
        fee = np.array([getattr(s, "usd_per_feu", 0.0) for s in model.stations])
        n_b = len(borders)
        n_rec = self.rec_station.shape[0]
        count = np.zeros(n_b, np.int64)
        # Crossings grouped by node in train order, so means keep their summation order.
        per_visit, fee_visit, visit_sorted = np.empty(n_rec), np.empty(n_rec), np.empty(n_rec)
        _kernels.border_visits(
            self.rec_ptr, self.rec_station, self.arrive_h, self.depart_h, self.train_release_h,
            self.warmup_h, self.horizon_h, st_node, fee, count, per_visit, fee_visit,
            visit_sorted,
        )  # fmt: skip
        start = np.concatenate(([0], np.cumsum(count)[:-1]))
        out[:, col["crossings"]] = count
        out[:, col["p50_clear_h"]] = _group_percentile(visit_sorted, start, count, 50)
        out[:, col["p95_clear_h"]] = _group_percentile(visit_sorted, start, count, 95)
        for b in np.flatnonzero(count):
            a, e = start[b], start[b] + count[b]
            out[b, col["mean_clear_h"]] = per_visit[a:e].mean()
            out[b, col["usd_per_feu"]] = fee_visit[a:e].mean()
        return MetricTable("node", tuple(borders), {}, BORDER_METRICS, out)

    def queue_lengths(self, *, step_hours: float = 24.0) -> QueueSeries:
        """Count the trains waiting at each station over time, in bins of `step_hours`.

        Parameters
        ----------
        step_hours
            Bin width.

        Returns
        -------
        QueueSeries
            Time-averaged and largest queue per station and bin over ``[0, horizon)``.

        Raises
        ------
        ValueError
            If `step_hours` is not positive.

        Examples
        --------
        >>> from silkrail.simulation import queue_model, simulate
        >>> res = simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=3, seed=1)
        >>> res.queue_lengths(step_hours=24.0).mean.shape
        (1, 3)
        """
        if not step_hours > 0:
            msg = f"step_hours must be > 0, got {step_hours!r}"
            raise ValueError(msg)
        n_st = len(self.model.stations)
        edges = np.arange(0.0, self.horizon_h + step_hours, step_hours)
        edges = edges[edges <= self.horizon_h + 1e-9]
        if edges[-1] < self.horizon_h:
            edges = np.append(edges, self.horizon_h)
        n_b = edges.shape[0] - 1
        mean = np.zeros((n_st, n_b))
        mx = np.zeros((n_st, n_b))
        has = ~np.isnan(self.arrive_h)
        st = self.rec_station[has]
        a = self.arrive_h[has]
        b = np.where(np.isnan(self.start_h[has]), np.inf, self.start_h[has])
        for s in range(n_st):
            m = st == s
            if not m.any():
                continue
            aa, bb = a[m], b[m]
            times = np.concatenate([aa, bb])
            delta = np.concatenate([np.ones(aa.shape[0]), -np.ones(bb.shape[0])])
            order = np.lexsort((delta, times))
            times, delta = times[order], delta[order]
            level = np.cumsum(delta)
            # Integral of the level as a piecewise-linear function of time.
            finite = np.isfinite(times)
            tk = times[finite]
            lk = level[finite]
            cum = np.concatenate([[0.0], np.cumsum(lk[:-1] * np.diff(tk))]) if tk.size else tk
            mean[s] = np.diff(_integral(edges, tk, lk, cum)) / np.diff(edges)
            # Largest level in a bin: the level at the bin start and at every event inside.
            jb = np.searchsorted(tk, edges[:-1], side="right") - 1
            start_level = np.where(jb >= 0, lk[np.maximum(jb, 0)], 0.0)
            mx[s] = start_level
            bins = np.searchsorted(edges, tk, side="right") - 1
            ok = (bins >= 0) & (bins < n_b)
            np.maximum.at(mx[s], bins[ok], lk[ok])
        return QueueSeries(tuple(s.name for s in self.model.stations), edges[:-1].copy(), mean, mx)
