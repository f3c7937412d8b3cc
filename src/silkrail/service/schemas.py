"""Request, response and settings models of the service (the only module that uses pydantic).

The plan response mirrors the ``silkrail plan --json`` layout field for field (docs/cli.md), so
a script can switch between the CLI and the API without changing its parser.
"""

from __future__ import annotations

from datetime import date, datetime  # noqa: TC003 - pydantic reads it at runtime
from pathlib import Path  # noqa: TC003 - pydantic reads it at runtime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "MAX_AVOID_COUNTRIES",
    "MAX_AVOID_NODES",
    "MAX_NAME_CHARS",
    "MAX_ROUTES",
    "MAX_SIM_DAYS",
    "MAX_SIM_REPLICATIONS",
    "MAX_VIA",
    "BorderOut",
    "BottleneckOut",
    "CountryList",
    "CountryOut",
    "ErrorBody",
    "EventIn",
    "EventOut",
    "FieldError",
    "ForecastOut",
    "Health",
    "IngestOut",
    "LegOut",
    "LocationList",
    "LocationOut",
    "NetworkFeature",
    "NetworkGeoJSON",
    "NetworkInfo",
    "PlanConstraints",
    "PlanRequest",
    "PlanResponse",
    "ReroutingOut",
    "RouteOut",
    "Settings",
    "ShipmentCreate",
    "ShipmentList",
    "ShipmentOut",
    "SimRouteOut",
    "SimulationJob",
    "SimulationOutcome",
    "SimulationProgress",
    "SimulationRequest",
    "SimulationRun",
]

#: Longest place name or id accepted in a request.
MAX_NAME_CHARS = 100
#: Most countries in ``avoid_countries`` (there are 249 ISO 3166-1 codes; the corridors touch ~40).
MAX_AVOID_COUNTRIES = 60
#: Most nodes in ``avoid_nodes``.
MAX_AVOID_NODES = 32
#: Most nodes in ``via`` any service may allow: each one multiplies the search work.
#: :attr:`Settings.plan_max_via` sets the served limit (the OpenAPI schema shows it).
MAX_VIA = 8
#: Largest ``max_routes`` any service may allow; :attr:`Settings.plan_max_routes` sets the
#: served limit.
MAX_ROUTES = 50
#: Largest ``days`` the schema admits; :attr:`Settings.sim_max_days` sets the served limit.
MAX_SIM_DAYS = 3650
#: Largest ``replications`` the schema admits; :attr:`Settings.sim_max_replications` sets the
#: served limit.
MAX_SIM_REPLICATIONS = 10_000
# A place must contain a visible character; ids, names and aliases in any script are accepted.
PlaceName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAME_CHARS, pattern=r"\S"),
    Field(examples=["Chongqing"]),
]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), Field(examples=["RU"])]
Mode = Literal["rail", "ferry", "sea", "road"]


class Settings(BaseSettings):
    """Service configuration, read from ``SILKRAIL_*`` environment variables.

    Attributes
    ----------
    data
        Network to serve: a CSV folder, ``.geojson`` or ``.gpkg`` (``SILKRAIL_DATA``); the
        packaged corridor network when unset.
    cors_origins
        Origins allowed to call the API from another site (``SILKRAIL_CORS_ORIGINS``, a JSON
        list); empty, the default, turns CORS off.
    allowed_hosts
        Host names the service answers for (``SILKRAIL_ALLOWED_HOSTS``, a JSON list); a
        request whose ``Host`` header names another gets 400 ``invalid_host``, which defeats
        DNS rebinding. ``*.example.org`` allows the subdomains, ``["*"]`` every host (only
        behind a proxy that checks it). Default: localhost only.
    max_body_bytes
        Largest request body accepted; larger ones get 413.
    plan_cache_size
        Plans kept in memory per network, keyed by the normalised request (0 turns the cache
        off). Plans are deterministic for a given network, so a hit returns the same answer.
    plan_max_via
        Most ``via`` places of a plan request (each one adds a stage to the search).
    plan_max_routes
        Largest ``max_routes`` of a plan request.
    plan_max_labels
        Search budget of one plan request, in labels over all its searches (see
        :func:`silkrail.plan`'s ``max_labels``); a request that needs more gets 422
        ``search_budget``. The default keeps every plan under a second of server time; the
        packaged network's ordinary requests need under 50,000.
    plan_max_concurrent
        Plans computed at the same time in one server process; more wait their turn. The
        planner holds the interpreter lock while it searches, so more threads than cores only
        slow every request down, and the event loop (``/health``, cache hits) with them.
    sim_max_days
        Largest ``days`` of a simulation job.
    sim_max_replications
        Largest ``replications`` of a simulation job.
    sim_max_trains
        Most trains one replication may release (expected count: days × trains a week of the
        services, with the scenario's demand growth).
    sim_max_work
        Most trains a job may simulate in all: trains a replication × replications × runs
        (two with a baseline), estimated when it is submitted. The
        default is about eight minutes of one core (~17,500 trains a second, docs/service.md),
        inside :attr:`sim_timeout_s`; a job over it gets 422 ``job_too_large``.
    sim_max_services
        Most entries in a scenario's ``services`` (each one is routed by the planner when the
        job is accepted).
    sim_max_running
        Simulation jobs run at the same time, each in its own process.
    sim_max_queued
        Jobs waiting for a free slot; beyond that ``POST /simulations`` answers 429.
    sim_keep_jobs
        Finished jobs kept for ``GET /simulations/{id}``; older ones are forgotten (404).
    sim_timeout_s
        Wall-clock limit of one job; a job still running then is stopped and fails.
    sim_memory_mb
        Address-space limit of a job's process in MiB (0: none; Linux and macOS only).
    sim_jobs_dir
        Folder where jobs are also written, one JSON file each (``SILKRAIL_SIM_JOBS_DIR``):
        then every server process answers for every job, and finished jobs outlive a restart.
        ``silkrail serve --workers N`` (N > 1) uses a temporary folder when this is unset.
    database
        URL of the shipments store (``SILKRAIL_DATABASE``): ``sqlite:///FILE`` or
        ``postgresql+psycopg://USER@HOST/DB``; when unset, ``shipments.sqlite`` in the user
        data folder.
    private
        Whether reading shipments needs an API key with the ``read`` scope
        (``SILKRAIL_PRIVATE``, ``silkrail serve --private``); writes always need ``write``.
    server_read_timeout_s
        ``silkrail serve``: seconds a client has to send a whole request (headers and body)
        from its first byte; a slower one is disconnected.
    server_keep_alive_s
        ``silkrail serve``: seconds an idle kept-alive connection stays open.
    server_max_connections
        ``silkrail serve``: open connections per server process; beyond it the oldest one
        still sending its request is closed, or the new one if none is.
    """

    model_config = SettingsConfigDict(env_prefix="SILKRAIL_", frozen=True, extra="ignore")

    data: Path | None = None
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    plan_cache_size: int = Field(default=1024, ge=0, le=1_000_000)
    plan_max_via: int = Field(default=4, ge=0, le=MAX_VIA)
    plan_max_routes: int = Field(default=20, ge=1, le=MAX_ROUTES)
    plan_max_labels: int = Field(default=200_000, ge=1_000, le=1 << 24)
    plan_max_concurrent: int = Field(default=2, ge=1, le=256)
    sim_max_days: float = Field(default=730.0, ge=1.0, le=MAX_SIM_DAYS)
    sim_max_replications: int = Field(default=200, ge=1, le=MAX_SIM_REPLICATIONS)
    sim_max_trains: int = Field(default=100_000, ge=1, le=10_000_000)
    sim_max_work: int = Field(default=8_000_000, ge=1, le=10_000_000_000)
    sim_max_services: int = Field(default=50, ge=0, le=10_000)
    sim_max_running: int = Field(default=2, ge=1, le=64)
    sim_max_queued: int = Field(default=8, ge=0, le=10_000)
    sim_keep_jobs: int = Field(default=50, ge=1, le=100_000)
    sim_timeout_s: float = Field(default=900.0, gt=0, le=7 * 86400)
    sim_memory_mb: int = Field(default=4096, ge=0, le=1 << 30)
    sim_jobs_dir: Path | None = None
    database: str | None = None
    private: bool = False
    server_read_timeout_s: float = Field(default=10.0, gt=0, le=3600)
    server_keep_alive_s: float = Field(default=5.0, gt=0, le=3600)
    server_max_connections: int = Field(default=1000, ge=1, le=1_000_000)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Container = Annotated[
    str, StringConstraints(min_length=1, max_length=20), Field(examples=["CSQU3054383"])
]


class ShipmentCreate(_Model):
    """A shipment to track: its route is planned by silkrail, through `via` in order."""

    container: Container = Field(description="ISO 6346 container number (the shipment id).")
    origin: PlaceName
    destination: PlaceName
    depart: datetime = Field(description="Planned departure, ISO 8601 (UTC if no zone).")
    via: list[PlaceName] = Field(default_factory=list, max_length=MAX_VIA)
    service: Literal["fixed-schedule", "block", "regular"] = "block"


class EventIn(_Model):
    """One event, after DCSA Track & Trace (codes in docs/tracking.md)."""

    event_id: str = Field(min_length=1, max_length=100)
    container: Container | None = Field(
        default=None, description="Defaults to the shipment of the URL; must match it."
    )
    event_type: str = Field(examples=["TRANSPORT"], max_length=16)
    code: str = Field(examples=["DEPA"], max_length=8)
    classifier: str = Field(default="ACT", max_length=8)
    event_time: str = Field(examples=["2025-03-02T04:00:00Z"], max_length=40)
    location: PlaceName = Field(description="UN/LOCODE or silkrail node id, name or alias.")
    mode: str = Field(default="", max_length=8, description="RAIL, VESSEL, TRUCK or BARGE.")


class IngestOut(_Model):
    """What a batch of events did."""

    stored: int
    duplicates: int
    forecasts: int


class ForecastOut(_Model):
    """An arrival forecast from one basis event."""

    basis_event_id: str | None
    basis_code: str | None
    basis_location: str
    basis_time: datetime
    share_done: float
    p5: datetime
    p50: datetime
    p95: datetime
    next_location: str | None
    next_p95: datetime | None
    arrived: bool
    off_route: bool


class EventOut(_Model):
    """A stored event."""

    event_id: str
    container: str
    event_type: str
    code: str
    classifier: str
    event_time: datetime
    location: str
    mode: str


class ShipmentOut(_Model):
    """A shipment: route, position, latest forecast and its history, events, late flags."""

    id: str
    container: str
    origin: str
    destination: str
    depart: datetime
    service: str
    route: dict[str, Any]
    position: dict[str, Any] | None
    late: bool
    late_reasons: list[str]
    forecast: ForecastOut | None
    events: list[EventOut]
    forecast_history: list[ForecastOut]


class ShipmentList(_Model):
    """Shipments, by container number."""

    shipments: list[ShipmentOut]


class FieldError(_Model):
    """One invalid field of a request."""

    field: str = Field(description="Where the problem is, e.g. `origin`, `via.2`, `q`.")
    message: str


class ErrorBody(_Model):
    """The body of every 4xx and 5xx response."""

    error: str = Field(description="What went wrong, in words; names the field or value.")
    code: str = Field(
        description=(
            "Machine-readable kind: validation_error, unknown_location, no_route, "
            "invalid_option, search_budget, invalid_scenario, job_too_large, too_many_jobs, "
            "body_too_large, "
            "not_found, method_not_allowed, invalid_host, network_unavailable, "
            "bad_request, internal_error."
        )
    )
    field: str | None = Field(default=None, description="The request field at fault, if one.")
    errors: list[FieldError] | None = Field(
        default=None, description="Every invalid field (validation errors)."
    )
    suggestions: list[str] | None = Field(
        default=None, description="Close spellings of an unknown location."
    )
    blocking: list[str] | None = Field(
        default=None, description="Constraints that block every route (no_route)."
    )
    limit: int | None = Field(
        default=None, description="The budget that the request would exceed (search_budget)."
    )


class NetworkInfo(_Model):
    """Size of the served network."""

    name: str
    nodes: int
    links: int


class Health(_Model):
    """Liveness and the state of the served network."""

    status: Literal["ok", "unavailable"]
    version: str
    network: NetworkInfo | None = None
    error: str | None = None


class LocationOut(_Model):
    """A node found by id, name or alias."""

    id: str
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    kind: str = Field(description="terminal, border, yard, port or junction.")
    lat: float
    lon: float
    aliases: list[str]
    score: float = Field(description="Match quality, 0-100 (100 = exact id, name or alias).")


class LocationList(_Model):
    """Answer of ``GET /locations``: matches best first."""

    query: str
    locations: list[LocationOut]


class CountryOut(_Model):
    """A country that has nodes in the network."""

    code: str = Field(description="ISO 3166-1 alpha-2 code, as `avoid_countries` takes it.")
    numeric: str | None = Field(
        description="ISO 3166-1 numeric code (the `id` of the Natural Earth basemap features)."
    )
    name: str
    nodes: int = Field(description="Nodes of the network in the country.")


class CountryList(_Model):
    """Answer of ``GET /countries``: the countries of the network, by code."""

    countries: list[CountryOut]


class NetworkFeature(_Model):
    """A node (``Point``) or link (``LineString``) with every column of the file layout."""

    type: Literal["Feature"]
    id: str | None = None
    geometry: dict[str, Any]
    properties: dict[str, Any] = Field(
        description="`layer` (`node` or `link`) and every column of nodes.csv / links.csv."
    )


class NetworkGeoJSON(_Model):
    """The network as a GeoJSON FeatureCollection (``silkrail network export`` layout)."""

    type: Literal["FeatureCollection"]
    name: str | None = None
    silkrail: dict[str, Any] = Field(description="Format version and the sources table.")
    features: list[NetworkFeature]


class PlanRequest(_Model):
    """A planning request: the arguments and options of ``silkrail plan``."""

    origin: PlaceName = Field(description="Id, name or alias of the origin.")
    destination: PlaceName = Field(
        description="Id, name or alias of the destination.", examples=["Duisburg"]
    )
    avoid_countries: list[CountryCode] = Field(
        default_factory=list,
        max_length=MAX_AVOID_COUNTRIES,
        description="ISO 3166-1 alpha-2 codes no route may touch.",
    )
    avoid_nodes: list[PlaceName] = Field(
        default_factory=list, max_length=MAX_AVOID_NODES, description="Nodes no route may use."
    )
    via: list[PlaceName] = Field(
        default_factory=list,
        max_length=MAX_VIA,
        description="Nodes every route must pass, in order (the service's limit applies).",
    )
    modes: list[Mode] | None = Field(
        default=None, min_length=1, max_length=4, description="Allowed modes (default: all)."
    )
    max_transshipments: int | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=20,
        description="Most gauge changes plus rail–water transfers.",
    )
    container: Literal["20", "40"] = Field(default="40", description="Container size.")
    cargo_tonnes: float | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=30,
        allow_inf_nan=False,
        description="Cargo mass per container.",
    )
    value_of_time: float | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=100_000,
        allow_inf_nan=False,
        description="USD per FEU-hour used to rank routes (default: packaged parameter).",
    )
    include_planned: StrictBool = Field(default=False, description="Allow planned links and nodes.")
    max_routes: int = Field(
        strict=True,
        default=8,
        ge=1,
        le=MAX_ROUTES,
        description="Most routes returned (the service's limit applies).",
    )
    variants: StrictBool = Field(
        default=False, description="List the routes folded into each row (`variants`)."
    )
    legs: StrictBool = Field(
        default=True,
        description=(
            "Include each route's leg-by-leg breakdown (`legs`); `false` answers with empty "
            "`legs` lists, about a tenth of the bytes."
        ),
    )
    compare: Literal["plausible", "all"] = Field(
        default="plausible",
        description=(
            "Rows and corridor-family comparison options: only plausible ones (land detour "
            "index <= 2, generalized cost <= 2x the best row's) or all."
        ),
    )
    service: Literal["fixed-schedule", "block", "regular"] = Field(
        default="block",
        description=(
            "Service class: fixed-schedule express (timetabled Chinese paths, border priority), "
            "the ordinary block train, or regular shipments as ADB CAREC CPMM measures them."
        ),
    )
    depart: date | None = Field(
        default=None,
        description="Departure date (default: today); the dated conditions of that date apply.",
    )
    through_disruptions: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,40}$")]] = (
        Field(
            default_factory=list,
            max_length=4,
            description="Disruptions to plan through anyway (routes through them are labelled).",
        )
    )
    seed: int = Field(
        strict=True, default=0, ge=0, le=2**31 - 1, description="Seed of the Monte Carlo draws."
    )


class LegOut(_Model):
    """One step of a route: a link travelled, or a gauge change or transfer at a node."""

    kind: str = Field(description="`travel`, `gauge change` or `transfer`.")
    from_: str = Field(alias="from")
    to: str
    from_name: str
    to_name: str
    mode: str
    gauge_mm: int | None
    distance_km: float
    hours: float
    wait_hours: float
    border_hours: float
    cost_usd_per_feu: float
    co2e_kg_per_feu_wtw: float
    co2e_kg_per_feu_ttw: float
    link_id: str | None


class RouteOut(_Model):
    """One route with its criteria (see docs/cli.md for the field meanings)."""

    label: str
    service: str = Field(description="The service class the route is planned for.")
    transit_days_p5: float = Field(description="5th percentile of the transit days.")
    transit_days_p50: float
    transit_days_p95: float
    transit_days_mean: float
    cost_usd_per_feu: float
    co2e_kg_per_feu_wtw: float
    co2e_kg_per_feu_ttw: float
    distance_km: float
    borders: int
    transshipments: int
    countries: list[str]
    nodes: list[str]
    generalized_cost_usd_per_feu: float
    pareto_optimal: bool
    detour_index: float = Field(
        description="Route km ÷ great-circle km between origin and destination."
    )
    land_detour_index: float = Field(
        description=(
            "Km of the route's land stretches ÷ their great-circle km (the detour index for a "
            "route without a deep-sea voyage)."
        )
    )
    container: Literal["20", "40"] = Field(description="Container size priced.")
    cost_usd_per_container: float = Field(description="Cost for one container of that size.")
    variants: list[RouteOut] = Field(
        default_factory=list,
        description="Routes folded into this row (sharing most of its km), without legs.",
    )
    legs: list[LegOut]


class PlanConstraints(_Model):
    """The constraints as applied, with places resolved to node ids."""

    avoid_countries: list[str]
    avoid_nodes: list[str]
    via: list[str]
    modes: list[str]
    max_transshipments: int | None
    container: str
    include_planned: bool
    service: str
    depart: str
    conditions: list[str]
    through_disruptions: list[str]


class PlanResponse(_Model):
    """Routes between two places, best first: the ``silkrail plan --json`` layout."""

    origin: LocationOut
    destination: LocationOut
    value_of_time_usd_per_feu_hour: float
    cargo_tonnes: float
    constraints: PlanConstraints
    routes: list[RouteOut]


class SimulationRequest(_Model):
    """A simulation job: the options of ``silkrail simulate``."""

    days: float = Field(
        strict=True,
        default=365.0,
        ge=1,
        le=MAX_SIM_DAYS,
        allow_inf_nan=False,
        description="Days of train releases per replication (the service's limit applies).",
    )
    replications: int = Field(
        strict=True,
        default=20,
        ge=1,
        le=MAX_SIM_REPLICATIONS,
        description="Monte Carlo replications (the service's limit applies).",
    )
    seed: int | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=2**63 - 1,
        description="Root seed; the same seed gives the same result (default: fresh entropy).",
    )
    warmup_days: float = Field(
        strict=True,
        default=0.0,
        ge=0,
        le=MAX_SIM_DAYS,
        allow_inf_nan=False,
        description="Days excluded from the statistics at the start; less than `days`.",
    )
    baseline: StrictBool | None = Field(
        default=None,
        description="Also run without the scenario, same seed (default: on with a scenario).",
    )
    top: int = Field(strict=True, default=10, ge=1, le=100, description="Bottlenecks to report.")
    reassign: StrictBool = Field(
        default=False,
        description=(
            "Run the trains of the corridor equilibrium instead of the packaged ones (`silkrail "
            "simulate --reassign`; docs/flows.md): the demand chooses mode and route under the "
            "scenario, the baseline under the base year, and traffic above capacity waits at "
            "its origin. Adds the equilibrium's route planning (about 10-30 s) to the job."
        ),
    )
    scenario: dict[str, Any] | None = Field(
        default=None,
        description=(
            "A scenario in the JSON form of a YAML scenario file (docs/simulation.md): "
            "`name`, `description`, `start_date`, `closures`, `capacity`, `ferries`, "
            "`demand`, `services`, `model`, `flows` (used with `reassign`). Default: the "
            "packaged 2024 services as they are."
        ),
        examples=[
            {
                "name": "aktau-closure",
                "closures": [{"target": "KZ-AKTAU", "start": 60, "end": 74}],
                "demand": {"growth": 0.2},
            }
        ],
    )


class SimulationProgress(_Model):
    """Replications finished so far (with a baseline, both runs count)."""

    done: int
    total: int
    fraction: float = Field(description="`done / total`, 0-1.")


class SimulationRun(_Model):
    """The job's options as run (the seed drawn when none was given)."""

    days: float
    replications: int
    seed: int
    warmup_days: float
    baseline: bool
    top: int
    reassign: bool = False
    scenario: str = Field(description="Scenario name; `base` without a scenario.")


class _Record(BaseModel):
    # Rows of the engine's tables: extra columns are dropped rather than failing the response.
    model_config = ConfigDict(extra="ignore")


class SimRouteOut(_Record):
    """One route: transit-time percentiles with CI half-widths (means over replications)."""

    route: str
    name: str | None = Field(
        default=None, description='Named by its places, e.g. "Moscow → Ürümqi via Khorgos".'
    )
    origin: str
    destination: str
    finished: float | None = Field(description="Trains finished per replication.")
    p50_days: float | None
    p50_days_ci: float | None
    p95_days: float | None
    p95_days_ci: float | None
    swod_kmh: float | None = Field(description="CAREC speed without delay.")
    swd_kmh: float | None = Field(description="CAREC speed with delay.")
    co2e_kg_per_feu_wtw: float | None = Field(
        default=None, description="Well-to-wheel kg CO2e of one FEU over the route."
    )
    co2e_t_wtw: float | None = Field(
        default=None, description="Well-to-wheel t CO2e of the trains finished per replication."
    )
    base_p50_days: float | None = Field(default=None, description="Baseline p50, if run.")
    base_p95_days: float | None = Field(default=None, description="Baseline p95, if run.")
    base_co2e_t_wtw: float | None = Field(
        default=None, description="Baseline t CO2e per replication, if run."
    )


class BottleneckOut(_Record):
    """A station where trains lose time waiting."""

    station: str
    name: str | None = Field(
        default=None, description='Named by its places, e.g. "Manzhouli–Zabaikalsk, westbound".'
    )
    category: str
    wait_train_hours_per_day: float | None
    wait_train_hours_per_day_ci: float | None
    utilization: float | None = Field(description="None for stations of unlimited capacity.")
    mean_wait_h: float | None
    mean_wait_h_ci: float | None
    p95_wait_h: float | None
    p_wait_over: float | None = Field(description="Share of waits over 72 hours.")
    max_queue: float | None


class BorderOut(_Record):
    """CAREC CPMM indicators of one border crossing point: time and cost to clear."""

    node: str
    name: str | None = Field(default=None, description="The node's name.")
    crossings: float | None
    crossings_ci: float | None
    mean_clear_h: float | None
    mean_clear_h_ci: float | None
    p50_clear_h: float | None
    p50_clear_h_ci: float | None
    p95_clear_h: float | None
    p95_clear_h_ci: float | None
    usd_per_feu: float | None
    usd_per_feu_ci: float | None


class CorridorTrainsOut(_Model):
    """Rail trains a week on one corridor at the corridor equilibrium."""

    corridor: str
    baseline_trains_per_week: float = Field(description="The base year's, as dispatched.")
    trains_per_week: float = Field(description="This run's, as dispatched (simulated).")
    held_back_trains_per_week: float = Field(
        description="This run's trains above a station's capacity, kept at their origin."
    )


class ReroutingOut(_Model):
    """The equilibrium trains a `reassign` job ran, by corridor."""

    corridors: list[CorridorTrainsOut]
    relative_gap: float = Field(description="Relative gap of this run's equilibrium.")
    baseline_relative_gap: float = Field(description="Relative gap of the base year's.")


class SimulationOutcome(_Model):
    """The results: the ``silkrail simulate --json`` layout (without ``files``)."""

    scenario: str
    days: float
    replications: int
    seed: int
    confidence: float
    trains_per_replication: float
    co2e_t_wtw: float | None = Field(
        default=None,
        description="Well-to-wheel t CO2e of all trains finished per replication (ISO 14083).",
    )
    base_co2e_t_wtw: float | None = Field(default=None, description="The baseline's, if run.")
    routes: list[SimRouteOut]
    bottlenecks: list[BottleneckOut]
    borders: list[BorderOut]
    baseline_bottlenecks: list[BottleneckOut] | None = None
    rerouting: ReroutingOut | None = Field(
        default=None, description="Set when the job asked for `reassign`."
    )
    elapsed_s: float = Field(description="Wall time of the runs in the job's process.")


class SimulationJob(_Model):
    """A simulation job: its status, progress and, once done, its results."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress: SimulationProgress
    run: SimulationRun
    error: str | None = Field(default=None, description="Why the job failed.")
    result: SimulationOutcome | None = Field(default=None, description="Set when done.")
