"""Backtest the arrival forecasts on trains of the corridor simulator (docs/tracking-validation.md).

Each simulated train becomes a shipment on its planned route and an event stream: ``DEPA``
when it enters a rail section, ``ARRI`` when it leaves it, ``BCCO`` when it leaves a border
crossing and ``GCCO`` a gauge-change yard. After every event the forecast is made as in
tracking (:func:`~silkrail.shipments.forecast.forecast_shipment`) and compared with the
simulated true arrival.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from silkrail.routing import plan
from silkrail.shipments.events import ShipmentEvent
from silkrail.shipments.forecast import forecast_shipment
from silkrail.shipments.shipment import Shipment

if TYPE_CHECKING:
    from silkrail.network.model import CorridorNetwork

__all__ = ["BacktestResult", "backtest_forecasts", "train_events"]

_SECTION = re.compile(r"^rail:[^:]+:(?P<a>[^>]+)>(?P<b>.+)$")
_NODE_OP = re.compile(r"^(?P<n>[^:]+):(?P<op>border|gauge)$")
_CONTAINER = "SILU0000000"  # a placeholder number; backtest shipments are never stored


@dataclass(frozen=True)
class BacktestResult:
    """One row per forecast: the train, the basis event, the share done, the error.

    ``frame`` has columns ``train``, ``code``, ``location``, ``share_done``,
    ``error_h`` (p50 minus true arrival), ``inside`` (true arrival within p5–p95),
    ``width_h`` (p95 − p5), ``at_departure`` and ``after_last_border``.
    """

    frame: pd.DataFrame
    trains: int
    skipped: int

    def by_share(self, edges: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)) -> pd.DataFrame:
        """Return the median absolute error and p5–p95 coverage by share of the journey done."""
        f = self.frame[self.frame["share_done"] < 1.0]
        bins = pd.cut(f["share_done"], list(edges), include_lowest=True, right=False)
        g = f.groupby(bins, observed=True)
        return pd.DataFrame(
            {
                "forecasts": g.size(),
                "median_abs_error_h": g["error_h"].apply(lambda e: float(np.median(np.abs(e)))),
                "coverage_p5_p95": g["inside"].mean(),
                "median_width_h": g["width_h"].median(),
            }
        )


def train_events(
    stations: list[str], arrive_h: np.ndarray, depart_h: np.ndarray, start: dt.datetime, tag: str
) -> list[ShipmentEvent]:
    """Return the events of one simulated train's station records."""
    out: list[ShipmentEvent] = []

    def add(code: str, kind: str, node: str, hours: float) -> None:
        when = start + dt.timedelta(hours=float(hours))
        out.append(
            ShipmentEvent(f"{tag}-{len(out)}", _CONTAINER, kind, code, "ACT", when, node, "RAIL")
        )

    for name, a, d in zip(stations, arrive_h, depart_h, strict=True):
        if m := _SECTION.match(name):
            add("DEPA", "TRANSPORT", m["a"], a)
            add("ARRI", "TRANSPORT", m["b"], d)
        elif m := _NODE_OP.match(name):
            code = "BCCO" if m["op"] == "border" else "GCCO"
            add(code, "CORRIDOR", m["n"], d)
    return out


def backtest_forecasts(
    net: CorridorNetwork,
    *,
    days: float = 60.0,
    warmup_days: float = 20.0,
    trains: int = 200,
    start: str = "2025-03-01",
    draws: int = 1000,
    seed: int = 0,
    running: str = "section",
) -> BacktestResult:
    """Replay simulated trains as event streams and score the forecasts made after each event.

    Parameters
    ----------
    net
        The corridor network.
    days, warmup_days
        Simulated days, and the days before trains are sampled (queues fill up first).
    trains
        Trains sampled (all-rail trains that finished and whose planned route matches the
        simulated one).
    start
        Date of simulated hour 0 (the forecasts use the conditions of the event dates).
    draws
        Monte Carlo draws per forecast.
    seed
        Seed of the run: the simulation, the sample of trains and the forecasts each draw
        from their own stream spawned from it, so the truth and the forecasts are
        independent draws.
    running
        How the forecasts draw running times (see
        :func:`~silkrail.shipments.forecast.forecast_shipment`).

    Returns
    -------
    BacktestResult
        One row per forecast.
    """
    from silkrail.simulation import corridor_model, default_services, simulate

    sim_seed, sample_seed, forecast_seed = np.random.SeedSequence(seed).spawn(3)
    model = corridor_model(net, default_services())
    res = simulate(model, days=days, seed=np.random.default_rng(sim_seed), warmup_days=warmup_days)
    rng = np.random.default_rng(forecast_seed)
    t0 = dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
    names = [s.name for s in model.stations]
    ok = np.isfinite(res.train_finish_h) & (res.train_release_h >= warmup_days * 24)
    candidates = np.random.default_rng(sample_seed).permutation(np.flatnonzero(ok))
    routes: dict[int, Shipment | None] = {}
    rows: list[dict[str, object]] = []
    used = skipped = 0
    for i in candidates:
        if used >= trains:
            break
        r = int(res.train_route[i])
        if r not in routes:
            routes[r] = _shipment(net, model.routes[r], t0)
        shipment = routes[r]
        lo, hi = int(res.rec_ptr[i]), int(res.rec_ptr[i + 1])
        stations = [names[s] for s in res.rec_station[lo:hi]]
        if shipment is None or not all(_SECTION.match(s) or _NODE_OP.match(s) for s in stations):
            skipped += 1
            continue
        used += 1
        events = train_events(stations, res.arrive_h[lo:hi], res.depart_h[lo:hi], t0, f"t{i}")
        truth = t0 + dt.timedelta(hours=float(res.train_finish_h[i]))
        depart = events[0].event_time
        shipment = replace(shipment, depart=depart)
        borders = [k for k, e in enumerate(events) if e.code in ("BCCO", "GCCO")]
        last_border = borders[-1] if borders else -1
        for k in range(len(events) - 1):  # the last event is the arrival itself
            f = forecast_shipment(
                shipment, events[: k + 1], net, draws=draws, seed=rng, running=running
            )
            rows.append(
                {
                    "train": int(i),
                    "code": events[k].code,
                    "location": events[k].location,
                    "share_done": f.share_done,
                    "error_h": (f.p50 - truth).total_seconds() / 3600,
                    "inside": f.p5 <= truth <= f.p95,
                    "width_h": (f.p95 - f.p5).total_seconds() / 3600,
                    "at_departure": k == 0,
                    "after_last_border": k == last_border,
                }
            )
    return BacktestResult(pd.DataFrame(rows), used, skipped)


def _shipment(net: CorridorNetwork, route: object, t0: dt.datetime) -> Shipment | None:
    """Plan the simulated route with the planner; None if it is not the same path."""
    nodes = tuple(getattr(route, "node_ids", ()))
    if len(nodes) < 2:
        return None
    borders = [n for n in nodes if n in net.country_of and _is_border(net, n)]
    try:
        planned = plan(net, nodes[0], nodes[-1], via=borders[:1], depart=t0.date(), max_routes=1)
    except ValueError:
        return None
    best = planned.routes[0]
    if tuple(best.nodes) != nodes:
        return None
    return Shipment(_CONTAINER, nodes[0], nodes[-1], t0, best.service, replace(best, variants=()))


def _is_border(net: CorridorNetwork, node: str) -> bool:
    i = net.index_of(node)
    return bool(np.isfinite(net.border_hours[i]) and net.border_hours[i] > 0)
