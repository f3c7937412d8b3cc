"""Corridor flows at equilibrium: container demand by mode, corridor and route.

The annual container demand between regions (TEU a year, :class:`FlowDemand`) chooses sea or
rail, a corridor and a route by a nested logit (:mod:`silkrail.routing.choice`) on generalized
cost per TEU::

    GC = tariff + VOT × p50 hours + VOR × (p95 - p50) hours

for each cargo class (its own value of time VOT and of reliability VOR). The route set of each
origin–destination pair comes from the planner (:func:`silkrail.plan`, every corridor family
it finds plausible), with the planner's tariff, p50 and p95 on the study's departure date.
Trains load the stations their routes pass (border crossings, gauge-change yards, ports,
Caspian and Black Sea ferries, line sections, as the simulator builds them); each station's
wait follows its queueing cost function (:mod:`silkrail.simulation.congestion`). The waits
the planner already counts (the simulator's 2024 baseline, ``planning/baseline_waits.csv``)
are replaced by the cost function's wait at the equilibrium's traffic.

The equilibrium is the fixed point ``x = D · P(GC(x))``: a stochastic user equilibrium with
elastic mode split. It is found by self-regulated averaging (Liu, Ban, Ran & Mirchandani 2009,
"An analysis of the self-regulated averaging method for solving the SUE problem", a method
of successive averages whose step shrinks only when the gap grows), and its relative gap
``|D · P(GC(x)) - x|_1 / |x|_1`` is reported per iteration.

Examples
--------
See :func:`equilibrium` and ``silkrail flows``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from silkrail.routing.choice import CORRIDORS, MODES, ChoiceParameters, nested_logit
from silkrail.simulation.congestion import (
    DELAY,
    FERRY,
    RHO_MAX,
    SECTION,
    StationCapacity,
    deferred_share,
    departure_affine,
    mean_wait,
    tandem_cv2,
    utilization,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from silkrail._typing import FloatArray, IntArray
    from silkrail.network.model import CorridorNetwork
    from silkrail.routing.results import Route as PlannedRoute
    from silkrail.simulation.corridor import CorridorRoute

__all__ = [
    "HOURS_PER_YEAR",
    "Alternatives",
    "CargoClass",
    "FlowDemand",
    "FlowResult",
    "FlowScenario",
    "build_alternatives",
    "corridor_of",
    "equilibrium",
    "equilibrium_response",
]

HOURS_PER_YEAR = 8760.0
#: Squared CV of trains' departures from their origin: the packaged services run half at
#: random (Poisson, CV² 1) and half to a timetable (CV² near 0), ``random_share`` 0.5.
ORIGIN_CV2 = 0.5
#: FEU per train in the congestion model (the simulator's default train).
TRAIN_FEU = 50.0


@dataclass(frozen=True)
class CargoClass:
    """A class of cargo with its own values of time and reliability.

    Parameters
    ----------
    name
        Class name.
    share
        Share of each origin–destination pair's TEU in this class.
    value_of_time
        USD per TEU-hour of median transit time.
    value_of_reliability
        USD per TEU-hour of ``p95 - p50``.
    """

    name: str
    share: float
    value_of_time: float
    value_of_reliability: float


@dataclass(frozen=True)
class FlowDemand:
    """Annual container demand between places of the network (one direction each).

    Parameters
    ----------
    origin, destination
        Node ids, one pair per row.
    teu_per_year
        TEU a year, all modes.
    market
        The market each pair belongs to (e.g. ``"China-EU"``), for shares and reports.
    """

    origin: tuple[str, ...]
    destination: tuple[str, ...]
    teu_per_year: FloatArray
    market: tuple[str, ...]

    def __post_init__(self) -> None:
        n = len(self.origin)
        if not (len(self.destination) == len(self.market) == np.size(self.teu_per_year) == n):
            msg = "origin, destination, teu_per_year and market must have one value per pair"
            raise ValueError(msg)
        d = np.asarray(self.teu_per_year, dtype=float)
        if not np.all(np.isfinite(d) & (d >= 0)):
            msg = "teu_per_year must be finite and >= 0"
            raise ValueError(msg)
        object.__setattr__(self, "teu_per_year", d)

    def scaled(self, factor: float) -> FlowDemand:
        """Return the same pairs with every TEU figure times ``factor``."""
        return FlowDemand(self.origin, self.destination, self.teu_per_year * factor, self.market)


@dataclass(frozen=True)
class FlowScenario:
    """What a flows study changes against the baseline.

    Parameters
    ----------
    name
        Scenario name.
    sea_rate_factor
        Multiplies the tariff of sea legs (e.g. 3 for the 2024 Red Sea rate rise).
    rail_tariff_factor
        Multiplies the tariff of rail legs per country code (``"*"``: every country).
    transit_time_factor
        Multiplies the transit time of every route of a corridor (name → factor; e.g.
        ``{"Middle Corridor": 0.5}`` for the World Bank's halved travel time): its p50 and
        p95 outside the modelled queues, whose waits still come from the cost functions.
    through_disruptions
        Conditions the planner may route through (``"red-sea"``: Suez stays open).
    closed_nodes
        Node ids closed for the whole study period.
    capacity_factor
        Station name, node id or link id → factor on its capacity.
    demand_growth
        Relative change of every demand figure (0.1 = 10 % more).
    """

    name: str = "baseline"
    sea_rate_factor: float = 1.0
    rail_tariff_factor: dict[str, float] = field(default_factory=dict)
    transit_time_factor: dict[str, float] = field(default_factory=dict)
    through_disruptions: tuple[str, ...] = ()
    closed_nodes: tuple[str, ...] = ()
    capacity_factor: dict[str, float] = field(default_factory=dict)
    demand_growth: float = 0.0


#: Sea kilometres above which a route is the sea mode: a deep-sea voyage between Asia and
#: Europe is over 15,000 km, a short-sea leg of a rail route (Baltic, Black Sea feeders)
#: under 4,000 km.
DEEP_SEA_KM = 5000.0
#: The states every land route between China and Europe crosses one of.
LAND_BRIDGE_STATES = ("KZ", "MN", "RU", "KG", "UZ", "TM", "IR", "AF", "PK")


def corridor_of(route: PlannedRoute) -> tuple[int, int]:
    """Mode and corridor codes (indices into ``MODES`` and ``CORRIDORS``) of a planned route.

    A route is the sea mode when it sails more than ``DEEP_SEA_KM``, even when it starts or
    ends by rail; otherwise its corridor is the land corridor its label names (a rail route
    with a short-sea leg stays rail).

    Examples
    --------
    >>> from silkrail import load_network, plan
    >>> r = plan(load_network(), "Xi'an", "Duisburg", max_routes=1, modes=["rail"]).routes[0]
    >>> [CORRIDORS[c] for c in corridor_of(r)[1:]]
    ['Northern']
    """
    sea_km = sum(leg.distance_km for leg in route.legs if leg.mode == "sea")
    if sea_km > DEEP_SEA_KM:
        return MODES.index("sea"), CORRIDORS.index("sea")
    for name in ("Middle Corridor", "Northern", "Southern"):
        if name in route.label:
            return MODES.index("rail"), CORRIDORS.index(name)
    return MODES.index("rail"), CORRIDORS.index("other rail")


@dataclass(frozen=True)
class Alternatives:
    """The route set of every origin–destination pair, as arrays.

    Attributes
    ----------
    od
        Pair index of each alternative.
    label
        Route label.
    mode, corridor
        Codes into ``MODES`` and ``CORRIDORS``.
    tariff
        USD per TEU (scenario factors applied).
    hours_free
        Planner p50 hours minus the baseline waits it includes at congestible stations.
    spread_hours
        Planner p95 - p50 hours.
    baseline_wait
        The baseline waits removed from ``hours_free`` (hours).
    co2e_kg
        Well-to-wheel kg CO2e per TEU.
    station_ptr, station_idx
        The congestible stations each alternative passes (CSR layout).
    stations
        Capacity of the congestible stations.
    station_node
        Node id or link id of each station (for reports).
    station_category
        ``border``, ``gauge``, ``port``, ``ferry``, ``section`` … of each station.
    routes
        Each alternative's path (for the simulator check).
    """

    od: IntArray
    label: tuple[str, ...]
    mode: IntArray
    corridor: IntArray
    tariff: FloatArray
    hours_free: FloatArray
    spread_hours: FloatArray
    baseline_wait: FloatArray
    co2e_kg: FloatArray
    station_ptr: IntArray
    station_idx: IntArray
    stations: StationCapacity
    station_node: tuple[str, ...]
    station_category: tuple[str, ...]
    routes: tuple[CorridorRoute, ...] = ()

    @property
    def n(self) -> int:
        """Number of alternatives."""
        return int(self.od.size)

    def station_sum(self, per_station: FloatArray) -> FloatArray:
        """Sum a per-station value over each alternative's stations."""
        vals = np.asarray(per_station, dtype=float)[self.station_idx]
        out = np.add.reduceat(np.append(vals, 0.0), self.station_ptr[:-1])
        return np.where(np.diff(self.station_ptr) > 0, out, 0.0)

    def dispatched_share(
        self, trains_per_hour: FloatArray, *, max_utilization: float = RHO_MAX, sweeps: int = 500
    ) -> FloatArray:
        """Share of each alternative's trains that can run within the year.

        The equilibrium's costs see the offered traffic: a container that finds a station
        above capacity waits for a slot, and that wait (the cost function's steep tangent)
        is what diverts demand. Physically, the containers above capacity are held at their
        origin: a train is dispatched only if every station on its route can take it, and no
        station runs above ``max_utilization`` (the practical capacity, where the cost
        function's steady state ends). That is the traffic the simulator should see. Each
        station admits a share ``f`` of the trains offered to it, a route dispatches the
        share of its bottleneck (the smallest ``f`` on it), and the
        ``f`` are found by damped proportional updates ``f ← min(1, f · √(max_utilization / ρ))``
        to a fixed point (about 30 passes on the packaged network).

        Parameters
        ----------
        trains_per_hour
            Trains an hour offered to each alternative.
        max_utilization
            Highest utilisation a station is run at.
        sweeps
            Most update passes.

        Returns
        -------
        numpy.ndarray
            Per alternative, the dispatched share of its offered trains (1 where nothing is
            held back).
        """
        offered = np.asarray(trains_per_hour, dtype=float)
        counts = np.diff(self.station_ptr)
        n_st = len(self.stations.name)
        f = np.ones(n_st)
        share = np.ones(offered.size)
        for _ in range(sweeps):
            bottleneck = np.minimum.reduceat(
                np.append(f[self.station_idx], 1.0), self.station_ptr[:-1]
            )
            share = np.where(counts > 0, bottleneck, 1.0)
            lam = np.bincount(
                self.station_idx, weights=np.repeat(offered * share, counts), minlength=n_st
            ).astype(float)
            rho = utilization(self.stations, lam)
            with np.errstate(divide="ignore", invalid="ignore"):
                # Half steps (in logs): a full step overshoots where saturated stations
                # share trains and the iteration oscillates.
                new = np.where(rho > 0, np.minimum(1.0, f * np.sqrt(max_utilization / rho)), 1.0)
            if np.max(np.abs(new - f), initial=0.0) < 1e-9:
                break
            f = new
        return np.asarray(share, dtype=float)

    def network_state(
        self, trains_per_hour: FloatArray, *, origin_cv2: float = ORIGIN_CV2, sweeps: int = 64
    ) -> tuple[FloatArray, FloatArray]:
        """Arrival rate and squared CV of inter-arrival times at every station.

        Trains enter their first station at the route's rate with ``origin_cv2``; a station
        loaded above capacity passes on only what it can serve (the rest is deferred), and
        its departures' variability follows Whitt's QNA linking equation
        (:func:`~silkrail.simulation.congestion.departure_cv2`). A station's arrivals are the
        superposition of its routes' streams, by QNA's hybrid approximation (the rate-weighted
        CV² of the streams, pulled towards 1 as the effective number of streams grows).
        The rates are found first (``sweeps`` bounds the passes that settle which stations
        defer traffic); QNA's equations for the CV²s are then linear and iterated to a fixed
        point (to 1e-10).

        The variability returned is the one each station's wait sees: QNA's value lowered
        towards the routes' long-run variability by Whitt's hybrid weight
        ``1 / (1 + 4 (1 - rho)**2 (nu - 1))``, ``nu`` the effective number of routes
        (Whitt 1982, "Approximating a point process by a renewal process, I", Operations
        Research 30(1); Albin 1984, ibid. 32(5)). Near capacity a queue integrates its arrivals
        over long spans (Iglehart and Whitt 1970, heavy traffic), over which a timetable's
        counts do not drift however its trains are scattered: a route keeps its origin's
        long-run variability (``origin_cv2``) through every station below capacity, while QNA
        pulls each stream towards Poisson at every station it passes. A saturated station, a
        ferry or a sea leg between two ports restarts the long run from its departures; where
        QNA's value is below the long run (trains spaced by servers), it is kept. A stream from
        a line section into a section whose headway is no longer is the exception: trains already
        spaced by the slower section wait there only as far as their running times bunch them
        (:func:`~silkrail.simulation.congestion.tandem_cv2`). That holds for the section's own
        wait only; what the section passes on downstream stays QNA's.

        Parameters
        ----------
        trains_per_hour
            Trains an hour entering each alternative.
        origin_cv2
            Squared CV of the trains' departures from their origin.
        sweeps
            Most passes to settle the rates.

        Returns
        -------
        tuple of numpy.ndarray
            Per station: trains an hour arriving, squared CV of inter-arrival times.
        """
        n_st = len(self.stations.name)
        counts = np.diff(self.station_ptr)
        entry_rate = np.repeat(np.asarray(trains_per_hour, dtype=float), counts)
        first = np.zeros(self.station_idx.size, dtype=bool)
        first[self.station_ptr[:-1][counts > 0]] = True
        prev = np.where(first, 0, np.arange(self.station_idx.size) - 1)
        prev_station = self.station_idx[prev]
        # Stream of each entry: (station, upstream station) or (station, its own origin).
        entry_alt = np.repeat(np.arange(counts.size), counts)
        up_key = np.where(first, -1 - entry_alt, prev_station)
        pairs = np.stack([self.station_idx, up_key], axis=1)
        keys, stream = np.unique(pairs, axis=0, return_inverse=True)
        stream = stream.ravel()
        n_streams = keys.shape[0]
        stream_at = keys[:, 0]
        stream_from_origin = keys[:, 1] < 0
        stream_up = np.where(stream_from_origin, 0, keys[:, 1])
        served = np.ones(n_st)
        lam = np.zeros(n_st)
        rate = entry_rate
        # Rates first: a saturated station passes on only what it serves.
        for _ in range(sweeps):
            through = np.where(first, 1.0, served[prev_station])
            rate = entry_rate * _cumprod_by_route(through, first)
            lam = np.bincount(self.station_idx, weights=rate, minlength=n_st).astype(float)
            rho = utilization(self.stations, lam)
            new_served = np.where(rho > 1.0, 1.0 / np.maximum(rho, 1.0), 1.0)
            if np.array_equal(new_served, served):
                break
            served = new_served
        rho = utilization(self.stations, lam)
        # Then the variability: QNA's equations are linear in the arrival CV²s (a border
        # serves both directions, so the streams form cycles).
        # All trains from one station to the next are one stream: the share p of the upstream
        # station's departures that goes there. Its routing is deterministic (a train's next
        # station is fixed by its route), not a random thinning, so the stream keeps part of its
        # own arrival variability: c2 = p cd2 + (1 - p) ca2, the separation form of Bitran and
        # Tirupati (1988) for deterministic routing, with the station's arrival CV² standing for
        # the stream's own. (QNA's random thinning, p cd2 + 1 - p, made a border serving both
        # directions send each direction on as if half random: the waits behind it came out
        # 1.5-2 × the simulator's.) Each route's trains leaving their origin are their own stream.
        stream_rate = np.bincount(stream, weights=rate, minlength=n_streams)
        with np.errstate(invalid="ignore", divide="ignore"):
            up_rate = np.where(stream_from_origin, 1.0, lam[stream_up])
            p = np.where(stream_from_origin, 1.0, stream_rate / np.where(up_rate > 0, up_rate, 1.0))
            share2 = np.bincount(stream_at, weights=stream_rate**2, minlength=n_st) / lam**2
            # Whitt's hybrid: many independent streams superpose towards Poisson.
            w = 1.0 / (1.0 + 4.0 * (1.0 - np.minimum(rho, 1.0)) ** 2 * (1.0 / share2 - 1.0))
            weight = np.where(lam[stream_at] > 0, w[stream_at] * stream_rate / lam[stream_at], 0.0)
        a, b = departure_affine(self.stations, rho, lam)
        const = np.where(stream_from_origin, origin_cv2, p * a[stream_up])
        loaded = lam > 0
        v = np.bincount(stream_at, weights=weight * const, minlength=n_st)
        v = np.where(loaded, v + 1.0 - np.where(loaded, w, 0.0), origin_cv2)
        inner = ~stream_from_origin
        coef = p[inner] * b[stream_up[inner]] + 1.0 - p[inner]
        m = sparse.csr_matrix(
            (weight[inner] * coef, (stream_at[inner], stream_up[inner])), shape=(n_st, n_st)
        )
        # Fixed-point iteration of the linear map: exact after as many steps as the longest
        # route along chains, geometric through the cycles a shared border makes. (A direct
        # solve fails where two unlimited stations feed each other back: any value is then a
        # solution, and the iteration keeps its start.)
        ca2 = _fixed_point(m, np.where(loaded, v, origin_cv2))
        # What a queue in heavy traffic sees is the streams' long-run variability (Whitt's
        # asymptotic method), which QNA's superposition loses: every station a route passes
        # pulls its stream towards Poisson by that station's own, short time scale.
        # A station below capacity passes on its arrivals' long-run counts unchanged, so a
        # route keeps its origin's (the random share; a timetable's counts do not drift).
        # A saturated station, a ferry and a sea leg between two ports (not loaded here,
        # sailed by the simulator) release trains at their own rhythm or in vessel loads:
        # their streams start again from QNA's departure CV².
        cd2 = a + b * ca2
        cat = np.asarray((*self.station_category, ""))
        restart = ((rho >= 1.0) | (self.stations.kind == FERRY))[stream_up] & ~stream_from_origin
        sea = (cat[stream_at] == "port") & (
            cat[np.where(stream_from_origin, -1, stream_up)] == "port"
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(lam[stream_at] > 0, stream_rate / lam[stream_at], 0.0)
        const_am = np.where(
            stream_from_origin,
            origin_cv2,
            np.where(sea, 1.0, np.where(restart, p * cd2[stream_up], 0.0)),
        )
        v_am = np.bincount(stream_at, weights=share * const_am, minlength=n_st)
        coef_am = np.where(sea, 0.0, np.where(restart, 1.0 - p, 1.0))[inner]
        m_am = sparse.csr_matrix(
            (share[inner] * coef_am, (stream_at[inner], stream_up[inner])), shape=(n_st, n_st)
        )
        long_run = _fixed_point(m_am, np.where(loaded, v_am, origin_cv2))
        # Whitt's hybrid of the two (QNA, 1983; Albin 1984): the independent timetables (one
        # per route) look random over spans shorter than about nu of their trains, so the
        # weight of the long-run value is 1 / (1 + 4 (1 - rho)^2 (nu - 1)) with nu the
        # effective number of routes. Only where it lowers QNA's value: a stream more regular
        # than its long run was spaced by servers (headways, a busy yard), whose rhythm lasts
        # over the busy periods of the queue that spaced it.
        with np.errstate(invalid="ignore", divide="ignore"):
            route2 = np.bincount(self.station_idx, weights=rate**2, minlength=n_st) / lam**2
            nu = np.where(loaded, 1.0 / np.where(loaded, route2, 1.0), 1.0)
        w_run = 1.0 / (1.0 + 4.0 * (1.0 - np.minimum(rho, 1.0)) ** 2 * (nu - 1.0))
        qna = ca2
        ca2 = np.where(loaded, np.minimum(w_run * long_run + (1.0 - w_run) * qna, qna), qna)
        # What each wait sees: streams from a section into a section no slower than it take
        # the tandem variability instead of QNA's (one more pass of the map, not propagated).
        cap = self.stations
        at, up = stream_at[inner], stream_up[inner]
        tandem = (
            (cap.kind[at] == SECTION)
            & (cap.kind[up] == SECTION)
            & (cap.service_hours[up] >= cap.service_hours[at])
        )
        if not tandem.any():
            return lam, ca2
        seen = tandem_cv2(
            rho=rho[at[tandem]],
            headway_hours=cap.service_hours[at[tandem]],
            upstream_headway_hours=cap.service_hours[up[tandem]],
            upstream_spread_hours=_spread(cap)[up[tandem]],
            long_run_cv2=origin_cv2,
        )
        own = coef * qna[up] + p[inner] * a[up]
        shift = np.zeros(inner.sum())
        shift[tandem] = seen - own[tandem]
        adjust = np.bincount(at, weights=weight[inner] * shift, minlength=n_st)
        return lam, np.where(loaded, ca2 + adjust, ca2)


def _leg_tariff(route: PlannedRoute, country: dict[str, str], scenario: FlowScenario) -> float:
    """USD per TEU of a planned route with the scenario's tariff factors."""
    total = 0.0
    star = scenario.rail_tariff_factor.get("*", 1.0)
    for leg in route.legs:
        usd = leg.cost_usd
        if leg.mode == "sea":
            usd *= scenario.sea_rate_factor
        elif leg.mode == "rail":
            usd *= scenario.rail_tariff_factor.get(country.get(leg.from_id, ""), star)
        total += usd
    # Per TEU: half the FEU price (the planner's 20-ft ratios are for single containers).
    return total / 2.0


def build_alternatives(
    net: CorridorNetwork,
    demand: FlowDemand,
    *,
    scenario: FlowScenario | None = None,
    depart: str = "2024-07-01",
    max_routes: int = 6,
    baseline_waits: dict[str, float] | None = None,
    rail_only: Sequence[bool] | None = None,
    train_feu: float = TRAIN_FEU,
) -> Alternatives:
    """Plan the route set of every pair and the stations each route loads.

    Parameters
    ----------
    net
        The corridor network.
    demand
        The pairs.
    scenario
        Closures, tariff factors and disruptions the planner applies.
    depart
        Departure date for the planner's conditions (Red Sea, storms, congestion).
    max_routes
        Routes per pair (the best of each corridor family are always kept).
    baseline_waits
        Mean wait per simulator station already inside the planner's times (default: the
        packaged ``planning/baseline_waits.csv``).
    rail_only
        Per pair: offer no sea route (markets without a sea alternative in the data).

    Returns
    -------
    Alternatives
        The route sets.

    Raises
    ------
    silkrail.NoRouteError
        If a pair has no route at all.
    """
    from silkrail.routing.plan import plan
    from silkrail.simulation.corridor import CorridorService, corridor_model, route_from_plan

    sc = scenario or FlowScenario()
    waits = _baseline_waits() if baseline_waits is None else baseline_waits
    country = net.country_of
    od, label, mode, corr, tariff, p50, spread, co2 = [], [], [], [], [], [], [], []
    services = []
    for i, (o, d) in enumerate(zip(demand.origin, demand.destination, strict=True)):
        rp = plan(
            net,
            o,
            d,
            avoid_nodes=sc.closed_nodes,
            max_routes=max_routes,
            # Every corridor family, so that a market with a sea alternative has one for
            # every pair (the plausibility filter drops sea for some inland pairs).
            compare="plausible" if rail_only is not None and rail_only[i] else "all",
            depart=depart,
            through_disruptions=sc.through_disruptions,
        )
        routes = list(rp.routes)
        sea_market = rail_only is None or not rail_only[i]
        if sea_market and not any(corridor_of(r)[0] == MODES.index("sea") for r in routes):
            # The planner shows one route per family; a short-sea feeder can stand for the
            # sea family. Plan the deep-sea option without the land bridges explicitly.
            sea = plan(
                net,
                o,
                d,
                avoid_nodes=sc.closed_nodes,
                avoid_countries=LAND_BRIDGE_STATES,
                max_routes=2,
                depart=depart,
                through_disruptions=sc.through_disruptions,
            )
            routes += list(sea.routes)
        seen: set[tuple[str, ...]] = set()
        for r in routes:
            m, c = corridor_of(r)
            no_sea = rail_only is not None and rail_only[i] and m == MODES.index("sea")
            if r.nodes in seen or no_sea or ("road" in r.modes and "rail" not in r.modes):
                continue
            seen.add(r.nodes)
            od.append(i)
            label.append(r.label)
            mode.append(m)
            corr.append(c)
            tariff.append(_leg_tariff(r, country, sc))
            p50.append(r.transit_days_p50 * 24.0)
            spread.append(max(0.0, (r.transit_days_p95 - r.transit_days_p50) * 24.0))
            co2.append(r.co2e_kg_per_feu_wtw / 2.0)
            services.append(
                CorridorService(
                    o, d, trains_per_week=1.0, route=route_from_plan(r), name=f"alt{len(od)}"
                )
            )
    model = corridor_model(net, services)
    congestible = [st for st in model.stations if getattr(st, "category", "") != "sea"]
    cap = StationCapacity.from_stations(congestible, train_feu=train_feu)
    cap = _apply_capacity(cap, congestible, sc.capacity_factor)
    index = {st.name: k for k, st in enumerate(congestible)}
    ptr, idx, base = [0], [], []
    sea_mode = MODES.index("sea")
    for route, m in zip(model.routes, mode, strict=True):
        # A sea route's hinterland legs (rail or truck to the port) are not loaded: the
        # capacity of the sea ports' hinterland chains is not in the model, and loading it with
        # the whole sea demand would congest lines that barges and trucks serve.
        ks = [] if m == sea_mode else [index[s] for s in route.stations if s in index]
        idx.extend(ks)
        ptr.append(len(idx))
        base.append(
            sum(waits.get(alts_name, 0.0) for alts_name in (congestible[k].name for k in ks))
        )
    base_arr = np.asarray(base)
    time_factor = np.asarray([sc.transit_time_factor.get(CORRIDORS[c], 1.0) for c in corr])
    node_of = [getattr(st, "node", "") or getattr(st, "link", "") or st.name for st in congestible]
    return Alternatives(
        od=np.asarray(od, dtype=np.int64),
        label=tuple(label),
        mode=np.asarray(mode, dtype=np.int64),
        corridor=np.asarray(corr, dtype=np.int64),
        tariff=np.asarray(tariff),
        hours_free=(np.asarray(p50) - base_arr) * time_factor,
        spread_hours=np.asarray(spread) * time_factor,
        baseline_wait=base_arr,
        co2e_kg=np.asarray(co2),
        station_ptr=np.asarray(ptr, dtype=np.int64),
        station_idx=np.asarray(idx, dtype=np.int64),
        stations=cap,
        station_node=tuple(node_of),
        station_category=tuple(getattr(st, "category", "section") for st in congestible),
        routes=tuple(sv.route for sv in services if sv.route is not None),
    )


def _apply_capacity(
    cap: StationCapacity, stations: Sequence[object], factors: dict[str, float]
) -> StationCapacity:
    if not factors:
        return cap
    hours = cap.service_hours.copy()
    for k, st in enumerate(stations):
        keys = {
            getattr(st, "name", ""),
            getattr(st, "node", ""),
            getattr(st, "link", ""),
            *getattr(st, "tags", ()),
        }
        for key, f in factors.items():
            if key in keys:
                hours[k] /= f
    return replace(cap, service_hours=hours)


def _baseline_waits() -> dict[str, float]:
    from silkrail.datasets.parameters import baseline_waits

    table = baseline_waits()
    return {str(k): float(v) for k, v in table["mean_wait_h"].items()}


@dataclass(frozen=True)
class FlowResult:
    """An equilibrium: TEU a year per alternative and class, and the stations' state.

    Attributes
    ----------
    alternatives
        The route sets.
    demand
        The pairs.
    classes
        The cargo classes.
    teu
        TEU a year, shape (classes, alternatives).
    station_trains_per_week
        Trains a week at each congestible station.
    station_utilization, station_wait_hours, station_deferred_share
        Utilisation, mean wait (cost function) and the share of traffic above capacity.
    hours_p50, hours_p95
        Each alternative's p50 and p95 hours at the equilibrium's waits.
    gap
        Relative gap per iteration.
    converged
        Whether the last gap is at most the target.
    teu_per_train
        TEU per train used to turn TEU into trains.
    """

    alternatives: Alternatives
    demand: FlowDemand
    classes: tuple[CargoClass, ...]
    teu: FloatArray
    station_trains_per_week: FloatArray
    station_utilization: FloatArray
    station_wait_hours: FloatArray
    station_deferred_share: FloatArray
    hours_p50: FloatArray
    hours_p95: FloatArray
    gap: FloatArray
    converged: bool
    teu_per_train: float

    @property
    def teu_by_alternative(self) -> FloatArray:
        """TEU a year per alternative, all classes."""
        return np.asarray(self.teu.sum(axis=0), dtype=float)

    @cached_property
    def trains_per_week(self) -> tuple[FloatArray, FloatArray]:
        """Trains a week per alternative: offered, and dispatched within the year.

        Offered is TEU a year ÷ TEU per train ÷ 52.14; dispatched is the share of them every
        station on the route can take (:meth:`Alternatives.dispatched_share`), the rest being
        held at the origin.
        """
        offered = self.teu_by_alternative / self.teu_per_train / (HOURS_PER_YEAR / 168.0)
        return offered, offered * self.alternatives.dispatched_share(offered / 168.0)

    def share(self, *, market: str | None = None, by: str = "mode") -> dict[str, float]:
        """TEU shares by ``"mode"`` or ``"corridor"`` (rail corridors of the rail TEU).

        Parameters
        ----------
        market
            Only the pairs of this market (``None``: all).
        by
            ``"mode"``: share of all TEU by mode; ``"corridor"``: share of rail TEU by corridor.
        """
        alts = self.alternatives
        x = self.teu_by_alternative
        keep = np.ones(alts.n, dtype=bool)
        if market is not None:
            pairs = np.asarray([m == market for m in self.demand.market])
            keep &= pairs[alts.od]
        if by == "mode":
            tot = x[keep].sum()
            return {m: float(x[keep & (alts.mode == k)].sum() / tot) for k, m in enumerate(MODES)}
        rail = keep & (alts.mode == MODES.index("rail"))
        tot = x[rail].sum()
        return {
            c: float(x[rail & (alts.corridor == k)].sum() / tot) if tot > 0 else 0.0
            for k, c in enumerate(CORRIDORS)
            if c != "sea"
        }


def _generalized_cost(
    alts: Alternatives, waits_route: FloatArray, cls: CargoClass
) -> tuple[FloatArray, FloatArray, FloatArray]:
    p50 = alts.hours_free + waits_route
    # Congestion above the baseline widens p95 - p50 as much as it moves the mean: the wait
    # at a queue has an exponential tail, whose p95 - p50 is 2.3 times its mean, so this
    # errs on the narrow side.
    spread = alts.spread_hours + np.maximum(0.0, waits_route - alts.baseline_wait)
    gc = alts.tariff + cls.value_of_time * p50 + cls.value_of_reliability * spread
    return gc, p50, p50 + spread


def equilibrium_response(
    alts: Alternatives,
    demand: FlowDemand,
    classes: Sequence[CargoClass],
    params: ChoiceParameters,
    *,
    teu_per_train: float,
    offset: FloatArray | None = None,
) -> Callable[[FloatArray], tuple[FloatArray, FloatArray, FloatArray, FloatArray]]:
    """Return the map whose fixed point is the equilibrium: TEU in, the demand's choice out.

    ``response(x)`` loads the stations with the TEU ``x`` (shape (classes, alternatives)),
    prices every alternative at the cost functions' waits, and returns the TEU the nested
    logit then sends each way, with the stations' arrival rates and waits and the
    alternatives' p50 and p95 hours (stacked). :func:`equilibrium` solves ``response(x) = x``;
    ``bench/flows_equilibrium.py`` gives the same map to SciPy's solvers.

    Parameters
    ----------
    alts, demand, classes, params, teu_per_train, offset
        As for :func:`equilibrium`.

    Raises
    ------
    ValueError
        If the class shares do not sum to 1.
    """
    shares = np.asarray([c.share for c in classes])
    if not math.isclose(float(shares.sum()), 1.0, rel_tol=1e-6):
        msg = f"cargo class shares must sum to 1, got {shares.sum():.6f}"
        raise ValueError(msg)
    dem = demand.teu_per_year[alts.od]
    add = np.zeros(alts.n) if offset is None else np.asarray(offset, dtype=float)
    trains_per_hour_per_teu = 1.0 / (teu_per_train * HOURS_PER_YEAR)

    def response(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        # Trains a station defers do not reach the stations after it within the year.
        lam, ca2 = alts.network_state(x.sum(axis=0) * trains_per_hour_per_teu)
        w = mean_wait(alts.stations, lam, ca2=ca2)
        wr = alts.station_sum(w)
        y = np.empty_like(x)
        p50 = p95 = wr
        for k, cls in enumerate(classes):
            gc, p50, p95 = _generalized_cost(alts, wr, cls)
            prob = nested_logit(
                gc + add, mode=alts.mode, corridor=alts.corridor, params=params, group=alts.od
            )
            y[k] = shares[k] * dem * prob
        return y, lam, w, np.vstack([p50, p95])

    return response


def equilibrium(
    alts: Alternatives,
    demand: FlowDemand,
    classes: Sequence[CargoClass],
    params: ChoiceParameters,
    *,
    teu_per_train: float,
    offset: FloatArray | None = None,
    rgap: float = 1e-4,
    max_iter: int = 2000,
) -> FlowResult:
    """Find the stochastic user equilibrium of the demand over the route sets.

    Parameters
    ----------
    alts
        Route sets (:func:`build_alternatives`).
    demand
        TEU a year per pair.
    classes
        Cargo classes (shares sum to 1).
    params
        Nested-logit parameters.
    teu_per_train
        TEU per train, to turn TEU into trains.
    offset
        USD per TEU added to each alternative's generalized cost: the calibrated constants.
    rgap
        Target relative gap.
    max_iter
        Iteration limit.

    Returns
    -------
    FlowResult
        The flows and the gap per iteration.

    Examples
    --------
    A toy pair with two rail routes through one border of one server, and the sea:

    >>> import numpy as np
    >>> cap = StationCapacity.from_arrays(name=["border"], kind=[0], servers=[1],
    ...                                   service_hours=[2.0], service_cv=[0.5])
    >>> alts = Alternatives(
    ...     od=np.array([0, 0, 0]), label=("rail A", "rail B", "sea"),
    ...     mode=np.array([1, 1, 0]), corridor=np.array([1, 2, 0]),
    ...     tariff=np.array([3000.0, 3200.0, 1000.0]),
    ...     hours_free=np.array([400.0, 450.0, 900.0]), spread_hours=np.zeros(3),
    ...     baseline_wait=np.zeros(3), co2e_kg=np.zeros(3),
    ...     station_ptr=np.array([0, 1, 1, 1]), station_idx=np.array([0]), stations=cap,
    ...     station_node=("X",), station_category=("border",))
    >>> d = FlowDemand(("A",), ("B",), np.array([200_000.0]), ("toy",))
    >>> res = equilibrium(alts, d, [CargoClass("all", 1.0, 5.0, 0.0)],
    ...                   ChoiceParameters(beta=0.002), teu_per_train=100.0)
    >>> bool(res.converged), round(float(res.teu.sum()))
    (True, 200000)
    """
    response = equilibrium_response(
        alts, demand, classes, params, teu_per_train=teu_per_train, offset=offset
    )
    x = response(np.zeros((len(classes), alts.n)))[0]
    gaps: list[float] = []
    eta, prev = 1.0, math.inf
    for _ in range(max_iter):
        y = response(x)[0]
        total = float(x.sum())
        gap = float(np.abs(y - x).sum() / total) if total > 0 else 0.0
        gaps.append(gap)
        if gap <= rgap:
            break
        # Self-regulated averaging: a big step while the gap falls, a smaller one once it
        # grows (Liu et al. 2009, with their gamma = 0.01 and Gamma = 1.5... as step growth).
        eta = eta + (1.5 if gap >= prev else 0.01)
        prev = gap
        x = x + (y - x) / eta
    _, lam, w, p = response(x)
    return FlowResult(
        alternatives=alts,
        demand=demand,
        classes=tuple(classes),
        teu=x,
        station_trains_per_week=lam * 168.0,
        station_utilization=utilization(alts.stations, lam),
        station_wait_hours=np.where(alts.stations.kind == DELAY, 0.0, w),
        station_deferred_share=deferred_share(alts.stations, lam),
        hours_p50=p[0],
        hours_p95=p[1],
        gap=np.asarray(gaps),
        converged=bool(gaps and gaps[-1] <= rgap),
        teu_per_train=teu_per_train,
    )


def _spread(cap: StationCapacity) -> FloatArray:
    """Running-time spread of each station (0 where not given)."""
    n = len(cap.name)
    return np.zeros(n) if cap.exit_spread_hours is None else cap.exit_spread_hours


def _fixed_point(m: sparse.csr_matrix, v: FloatArray) -> FloatArray:
    """Iterate ``x = m x + v`` from ``v`` to 1e-10 (at most 1000 passes)."""
    x = v
    for _ in range(1000):
        nxt = m @ x + v
        if np.max(np.abs(nxt - x), initial=0.0) < 1e-10:
            return np.asarray(nxt, dtype=float)
        x = nxt
    return np.asarray(x, dtype=float)


def _cumprod_by_route(values: FloatArray, first: np.ndarray) -> FloatArray:
    """Cumulative product of ``values`` restarting at every ``first`` entry."""
    logs = np.log(np.maximum(values, 1e-300))
    csum = np.cumsum(logs)
    starts = np.flatnonzero(first)
    seg = np.cumsum(first) - 1
    base = np.where(starts > 0, csum[starts - 1], 0.0)
    return np.asarray(np.exp(csum - base[seg]), dtype=float)
