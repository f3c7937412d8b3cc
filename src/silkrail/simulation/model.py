"""What the simulator runs: stations, routes, train services and scenario overrides.

A :class:`SimulationModel` is a set of stations (:class:`ServerStation`, :class:`Section`,
:class:`Ferry`), routes (ordered station names) and train services (block trains generated on
a route). It knows nothing about the corridor network: :func:`~silkrail.simulation.corridor_model`
builds one from a :class:`~silkrail.CorridorNetwork`, and the tests build small hand-made ones
(an M/M/c queue is one :class:`ServerStation` and one route).

Time is float hours from the scenario start throughout.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass, field
from functools import cached_property
from typing import Literal, TypeAlias

__all__ = [
    "DISTRIBUTIONS",
    "FERRY_POLICIES",
    "CapacityChange",
    "Closure",
    "Distribution",
    "Ferry",
    "FerryChange",
    "FerryPolicy",
    "Route",
    "Scenario",
    "Section",
    "ServerStation",
    "SimulationModel",
    "Station",
    "TrainService",
]

Distribution: TypeAlias = Literal["lognormal", "exponential", "gamma", "deterministic"]
FerryPolicy: TypeAlias = Literal["schedule", "full"]

#: Service- and running-time distributions; each is scaled to the stated mean and CV
#: (``exponential`` has CV 1 and ``deterministic`` CV 0 whatever ``cv`` says).
DISTRIBUTIONS: tuple[Distribution, ...] = ("lognormal", "exponential", "gamma", "deterministic")
#: Ferry sailing policies: on a fixed ``schedule``, or when ``full`` (or after a maximum wait).
FERRY_POLICIES: tuple[FerryPolicy, ...] = ("schedule", "full")


def _check_positive(owner: str, name: str, value: float, *, allow_zero: bool = False) -> None:
    ok = value >= 0 if allow_zero else value > 0
    if not (ok and not math.isnan(value)):
        rule = "≥ 0" if allow_zero else "> 0"
        msg = f"{owner}: {name} must be {rule}, got {value!r}"
        raise ValueError(msg)


def _check_distribution(owner: str, distribution: str) -> None:
    if distribution not in DISTRIBUTIONS:
        msg = f"{owner}: unknown distribution {distribution!r}; choose one of {DISTRIBUTIONS}"
        raise ValueError(msg)


@dataclass(frozen=True)
class ServerStation:
    """A FIFO queue with parallel servers: a border crossing point, gauge-change yard, port.

    A train holds one server for ``hours + hours_per_feu * feu`` hours on average, times a
    random factor with mean 1 and coefficient of variation `cv`.

    Parameters
    ----------
    name
        Unique station name.
    servers
        Parallel tracks or inspection lines; 0 means unlimited (a pure delay).
    hours
        Mean service time per train, fixed part.
    hours_per_feu
        Mean service time per FEU of the train (a gauge-change yard: 1 / FEU per hour per
        track).
    cv
        Coefficient of variation of the service time.
    distribution
        One of :data:`DISTRIBUTIONS`.
    category
        What the station is, for reports: ``"border"``, ``"gauge"``, ``"port"``,
        ``"terminal"`` or ``"other"``.
    node
        Network node id the station belongs to (``""`` outside a corridor model).
    tags
        Extra names a scenario can use to address the station (node id, link id).
    usd_per_feu
        Fee per FEU (gauge change, port handling), for the border-crossing cost KPI.

    Examples
    --------
    >>> ServerStation("Khorgos", servers=3, hours=6.0, cv=0.5).servers
    3
    """

    name: str
    _: KW_ONLY
    servers: int = 1
    hours: float = 1.0
    hours_per_feu: float = 0.0
    cv: float = 0.0
    distribution: Distribution = "lognormal"
    category: str = "other"
    node: str = ""
    tags: tuple[str, ...] = ()
    usd_per_feu: float = 0.0

    def __post_init__(self) -> None:
        if self.servers < 0:
            msg = f"station {self.name!r}: servers must be ≥ 0 (0 = unlimited), got {self.servers}"
            raise ValueError(msg)
        _check_positive(f"station {self.name!r}", "hours", self.hours, allow_zero=True)
        _check_positive(
            f"station {self.name!r}", "hours_per_feu", self.hours_per_feu, allow_zero=True
        )
        _check_positive(f"station {self.name!r}", "cv", self.cv, allow_zero=True)
        _check_distribution(f"station {self.name!r}", self.distribution)


@dataclass(frozen=True)
class Section:
    """A line section: capacity as a minimum headway, then a random running time.

    A train waits for the entry slot (trains enter FIFO, at least ``24 / trains_per_day``
    hours apart), then runs for ``hours`` on average with coefficient of variation `cv`.
    Running times are independent, so trains may overtake on the section (as on double track
    with passing loops).

    Parameters
    ----------
    name
        Unique station name.
    trains_per_day
        Section capacity in one direction; ``inf`` for no headway.
    hours
        Mean running time.
    cv
        Coefficient of variation of the running time.
    distribution
        One of :data:`DISTRIBUTIONS`.
    distance_km
        Length, for speeds in the KPIs (``nan`` if unknown).
    link
        Network link id (``""`` outside a corridor model).
    tags
        Extra names a scenario can use to address the station.

    Examples
    --------
    >>> Section("Dostyk-Aktogay", trains_per_day=24.0, hours=6.5).headway_hours
    1.0
    """

    name: str
    _: KW_ONLY
    trains_per_day: float
    hours: float
    cv: float = 0.0
    distribution: Distribution = "lognormal"
    distance_km: float = math.nan
    link: str = ""
    tags: tuple[str, ...] = ()
    category: str = "section"

    def __post_init__(self) -> None:
        _check_positive(f"section {self.name!r}", "trains_per_day", self.trains_per_day)
        _check_positive(f"section {self.name!r}", "hours", self.hours, allow_zero=True)
        _check_positive(f"section {self.name!r}", "cv", self.cv, allow_zero=True)
        _check_distribution(f"section {self.name!r}", self.distribution)

    @property
    def headway_hours(self) -> float:
        """Minimum time between two trains entering the section."""
        return 24.0 / self.trains_per_day


@dataclass(frozen=True)
class Ferry:
    """A ferry (or deep-sea) line: batch service of FEU with a vessel capacity.

    Trains' FEU queue FIFO at the port; a vessel takes up to `vessel_feu` FEU from the head of
    the queue (a train may be split across vessels) and lands ``hours`` later on average. A
    train leaves the ferry when its last FEU lands.

    * ``policy="schedule"``: vessels sail every `interval_hours` from `phase_hours`; a sailing
      due while the line is closed is cancelled.
    * ``policy="full"``: a vessel sails as soon as it is full, or `max_wait_hours` after its
      first FEU boarded, but never sooner than `interval_hours` after the previous sailing
      (the fleet's turnaround) and never while the line is closed.

    Weather closures are random episodes (a Poisson process of `weather_closures_per_year`
    with exponential durations of mean `weather_closure_days`) during which nothing sails.

    Parameters
    ----------
    name
        Unique station name.
    vessel_feu
        Vessel capacity in FEU.
    hours
        Mean crossing time.
    cv
        Coefficient of variation of the crossing time.
    distribution
        One of :data:`DISTRIBUTIONS`.
    policy
        One of :data:`FERRY_POLICIES`.
    interval_hours
        Time between scheduled sailings (``schedule``), or minimum time between sailings
        (``full``).
    phase_hours
        First scheduled sailing.
    max_wait_hours
        ``full`` policy: longest time a loaded vessel waits to fill up.
    weather_closures_per_year, weather_closure_days
        Rate and mean length of weather closures.
    distance_km
        Length, for speeds in the KPIs.
    link
        Network link id.
    tags
        Extra names a scenario can use to address the station (link id, both port ids).
    category
        ``"ferry"`` or ``"sea"``.

    Examples
    --------
    >>> Ferry("Aktau-Baku", vessel_feu=52, hours=20, interval_hours=48).policy
    'schedule'
    """

    name: str
    _: KW_ONLY
    vessel_feu: float
    hours: float
    cv: float = 0.0
    distribution: Distribution = "lognormal"
    policy: FerryPolicy = "schedule"
    interval_hours: float = 24.0
    phase_hours: float = 0.0
    max_wait_hours: float = math.inf
    weather_closures_per_year: float = 0.0
    weather_closure_days: float = 0.0
    distance_km: float = math.nan
    link: str = ""
    tags: tuple[str, ...] = ()
    category: str = "ferry"

    def __post_init__(self) -> None:
        owner = f"ferry {self.name!r}"
        _check_positive(owner, "vessel_feu", self.vessel_feu)
        _check_positive(owner, "hours", self.hours, allow_zero=True)
        _check_positive(owner, "cv", self.cv, allow_zero=True)
        _check_distribution(owner, self.distribution)
        if self.policy not in FERRY_POLICIES:
            msg = f"{owner}: unknown policy {self.policy!r}; choose one of {FERRY_POLICIES}"
            raise ValueError(msg)
        if self.policy == "schedule":
            _check_positive(owner, "interval_hours", self.interval_hours)
        else:
            _check_positive(owner, "interval_hours", self.interval_hours, allow_zero=True)
        _check_positive(owner, "phase_hours", self.phase_hours, allow_zero=True)
        _check_positive(owner, "max_wait_hours", self.max_wait_hours, allow_zero=True)
        _check_positive(
            owner, "weather_closures_per_year", self.weather_closures_per_year, allow_zero=True
        )
        _check_positive(owner, "weather_closure_days", self.weather_closure_days, allow_zero=True)


Station: TypeAlias = ServerStation | Section | Ferry


@dataclass(frozen=True)
class Route:
    """A route: the stations a train passes, in order.

    Parameters
    ----------
    name
        Unique route name.
    stations
        Station names in travel order.
    origin, destination
        Labels for reports (node ids in a corridor model).
    node_ids, link_ids
        The network path the route was built from (empty outside a corridor model).
    co2e_kg_per_feu_wtw
        Well-to-wheel kg CO2e of one FEU over the route (ISO 14083 / GLEC, as the planner
        computes it); NaN where unknown.

    Examples
    --------
    >>> Route("A-B", ("border", "line")).stations
    ('border', 'line')
    """

    name: str
    stations: tuple[str, ...]
    _: KW_ONLY
    origin: str = ""
    destination: str = ""
    node_ids: tuple[str, ...] = ()
    link_ids: tuple[str, ...] = ()
    co2e_kg_per_feu_wtw: float = math.nan

    def __post_init__(self) -> None:
        if not self.stations:
            msg = f"route {self.name!r} has no stations"
            raise ValueError(msg)


@dataclass(frozen=True)
class TrainService:
    """Block trains generated on one route.

    ``trains_per_week`` trains of `feu` FEU each enter the route's first station: a share
    `random_share` as a Poisson process, the rest to a timetable (evenly spaced with a random
    phase, or at the weekly `departures` hours), each scheduled train deviating from its slot
    by a normal error of standard deviation `jitter_hours`.

    Parameters
    ----------
    route
        Route name.
    trains_per_week
        Mean number of trains per week.
    feu
        FEU per train.
    random_share
        Share of the trains arriving at random (1 = Poisson, 0 = timetable only).
    departures
        Timetable hours within the week (0 = Monday 00:00); empty = evenly spaced. With
        departures, the timetable runs ``len(departures)`` trains a week and `trains_per_week`
        only sets the random part.
    jitter_hours
        Standard deviation of a scheduled train's deviation from its slot.
    start_hours
        When the service starts.
    name
        Service name for reports (defaults to the route name).

    Examples
    --------
    >>> TrainService("A-B", trains_per_week=14.0, feu=50).random_share
    1.0
    """

    route: str
    _: KW_ONLY
    trains_per_week: float
    feu: float = 50.0
    random_share: float = 1.0
    departures: tuple[float, ...] = ()
    jitter_hours: float = 0.0
    start_hours: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        owner = f"service on route {self.route!r}"
        _check_positive(owner, "trains_per_week", self.trains_per_week, allow_zero=True)
        _check_positive(owner, "feu", self.feu)
        _check_positive(owner, "jitter_hours", self.jitter_hours, allow_zero=True)
        _check_positive(owner, "start_hours", self.start_hours, allow_zero=True)
        if not 0.0 <= self.random_share <= 1.0:
            msg = f"{owner}: random_share must be in [0, 1], got {self.random_share!r}"
            raise ValueError(msg)
        for d in self.departures:
            if not 0.0 <= d < 168.0:
                msg = f"{owner}: departures must be hours in [0, 168), got {d!r}"
                raise ValueError(msg)

    @property
    def label(self) -> str:
        """The service name, or the route name when unnamed."""
        return self.name or self.route


@dataclass(frozen=True)
class SimulationModel:
    """Stations, routes and train services: everything the engine needs.

    Parameters
    ----------
    stations
        Every station, unique names.
    routes
        Routes over those stations.
    services
        Train services on those routes.

    Raises
    ------
    ValueError
        On a duplicate name or a route or service naming something unknown.

    Examples
    --------
    >>> m = SimulationModel(
    ...     stations=(ServerStation("border", servers=2, hours=3.0),),
    ...     routes=(Route("r", ("border",)),),
    ...     services=(TrainService("r", trains_per_week=70.0),),
    ... )
    >>> m.station_index["border"]
    0
    """

    stations: tuple[Station, ...]
    routes: tuple[Route, ...]
    services: tuple[TrainService, ...]
    _: KW_ONLY
    name: str = "model"
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stations", tuple(self.stations))
        object.__setattr__(self, "routes", tuple(self.routes))
        object.__setattr__(self, "services", tuple(self.services))
        names = [s.name for s in self.stations]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            msg = f"duplicate station names: {dup}"
            raise ValueError(msg)
        rnames = [r.name for r in self.routes]
        dup = sorted({n for n in rnames if rnames.count(n) > 1})
        if dup:
            msg = f"duplicate route names: {dup}"
            raise ValueError(msg)
        known = set(names)
        for r in self.routes:
            unknown = [s for s in r.stations if s not in known]
            if unknown:
                msg = f"route {r.name!r} names unknown stations {unknown}"
                raise ValueError(msg)
        rknown = set(rnames)
        for sv in self.services:
            if sv.route not in rknown:
                msg = f"a service names unknown route {sv.route!r}; routes are {sorted(rknown)}"
                raise ValueError(msg)

    @cached_property
    def station_index(self) -> dict[str, int]:
        """Station name → position in :attr:`stations`."""
        return {s.name: i for i, s in enumerate(self.stations)}

    @cached_property
    def route_index(self) -> dict[str, int]:
        """Route name → position in :attr:`routes`."""
        return {r.name: i for i, r in enumerate(self.routes)}

    def targets(self, target: str) -> list[int]:
        """Stations a scenario `target` addresses: by name, tag or node/link id.

        Parameters
        ----------
        target
            A station name, a tag, a node id or a link id.

        Returns
        -------
        list of int
            Station positions, in model order (empty if nothing matches).
        """
        out = []
        for i, s in enumerate(self.stations):
            node = getattr(s, "node", "")
            link = getattr(s, "link", "")
            if target in (s.name, node, link) or target in s.tags:
                out.append(i)
        return out


@dataclass(frozen=True)
class Closure:
    """A station (or every station a target addresses) closed over ``[start, end)`` hours.

    Examples
    --------
    >>> Closure("KZAKT", start_hours=240.0, end_hours=576.0).end_hours
    576.0
    """

    target: str
    _: KW_ONLY
    start_hours: float
    end_hours: float

    def __post_init__(self) -> None:
        if not self.end_hours > self.start_hours:
            msg = (
                f"closure of {self.target!r}: end_hours ({self.end_hours}) must be after "
                f"start_hours ({self.start_hours})"
            )
            raise ValueError(msg)


@dataclass(frozen=True)
class CapacityChange:
    """Change a station's capacity over ``[start, end)`` hours.

    `factor` multiplies the capacity: it divides service times at a server station and the
    headway of a section, and multiplies a ferry's vessel capacity. `servers` (server
    stations and sections) replaces the number of parallel servers.

    Examples
    --------
    >>> CapacityChange("CNKHG", factor=1.25).end_hours
    inf
    """

    target: str
    _: KW_ONLY
    factor: float = 1.0
    servers: int | None = None
    start_hours: float = 0.0
    end_hours: float = math.inf

    def __post_init__(self) -> None:
        _check_positive(f"capacity change of {self.target!r}", "factor", self.factor)
        if self.servers is not None and self.servers < 1:
            msg = f"capacity change of {self.target!r}: servers must be ≥ 1, got {self.servers}"
            raise ValueError(msg)
        if not self.end_hours > self.start_hours:
            msg = f"capacity change of {self.target!r}: end_hours must be after start_hours"
            raise ValueError(msg)


@dataclass(frozen=True)
class FerryChange:
    """Override ferry parameters, on one target or (``target=None``) on every ferry.

    Fields left ``None`` keep the model's value; see :class:`Ferry` for their meaning.

    Examples
    --------
    >>> FerryChange(policy="full", max_wait_hours=72.0).target is None
    True
    """

    target: str | None = None
    _: KW_ONLY
    vessel_feu: float | None = None
    policy: FerryPolicy | None = None
    interval_hours: float | None = None
    max_wait_hours: float | None = None
    weather_closures_per_year: float | None = None
    weather_closure_days: float | None = None


@dataclass(frozen=True)
class Scenario:
    """Overrides applied to a model for one run: closures, capacity, ferries, demand.

    Parameters
    ----------
    name
        Scenario name for reports.
    closures
        Stations closed over date ranges.
    capacity
        Capacity changes.
    ferries
        Ferry parameter overrides, applied in order.
    demand_growth
        Relative change of every service's trains per week (0.2 = 20 % more trains).
    service_growth
        ``(service label, growth)`` pairs that replace `demand_growth` for those services.
    description
        Free text.

    Examples
    --------
    >>> Scenario("growth", demand_growth=0.2).demand_growth
    0.2
    """

    name: str = "base"
    _: KW_ONLY
    closures: tuple[Closure, ...] = ()
    capacity: tuple[CapacityChange, ...] = ()
    ferries: tuple[FerryChange, ...] = ()
    demand_growth: float = 0.0
    service_growth: tuple[tuple[str, float], ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        if not self.demand_growth > -1.0:
            msg = f"scenario {self.name!r}: demand_growth must be > -1, got {self.demand_growth}"
            raise ValueError(msg)
        for label, g in self.service_growth:
            if not g > -1.0:
                msg = f"scenario {self.name!r}: growth of {label!r} must be > -1, got {g}"
                raise ValueError(msg)

    def growth_of(self, label: str) -> float:
        """Demand growth that applies to the service called `label`."""
        for name, g in self.service_growth:
            if name == label:
                return g
        return self.demand_growth
