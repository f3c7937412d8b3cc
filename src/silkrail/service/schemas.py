"""Request, response and settings models of the service (the only module that uses pydantic).

The plan response mirrors the ``silkrail plan --json`` layout field for field (docs/cli.md), so
a script can switch between the CLI and the API without changing its parser.
"""

from __future__ import annotations

from pathlib import Path  # noqa: TC003 - pydantic reads it at runtime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "MAX_AVOID_COUNTRIES",
    "MAX_AVOID_NODES",
    "MAX_NAME_CHARS",
    "MAX_VIA",
    "CountryList",
    "CountryOut",
    "ErrorBody",
    "FieldError",
    "Health",
    "LegOut",
    "LocationList",
    "LocationOut",
    "NetworkFeature",
    "NetworkGeoJSON",
    "NetworkInfo",
    "PlanConstraints",
    "PlanRequest",
    "PlanResponse",
    "RouteOut",
    "Settings",
]

#: Longest place name or id accepted in a request.
MAX_NAME_CHARS = 100
#: Most countries in ``avoid_countries`` (there are 249 ISO 3166-1 codes; the corridors touch ~40).
MAX_AVOID_COUNTRIES = 60
#: Most nodes in ``avoid_nodes``.
MAX_AVOID_NODES = 32
#: Most nodes in ``via``: each one multiplies the search work.
MAX_VIA = 8

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
    max_body_bytes
        Largest request body accepted; larger ones get 413.
    plan_cache_size
        Plans kept in memory per network, keyed by the normalised request (0 turns the cache
        off). Plans are deterministic for a given network, so a hit returns the same answer.
    """

    model_config = SettingsConfigDict(env_prefix="SILKRAIL_", frozen=True, extra="ignore")

    data: Path | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    plan_cache_size: int = Field(default=1024, ge=0, le=1_000_000)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


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
            "invalid_option, body_too_large, not_found, method_not_allowed, "
            "network_unavailable, bad_request, internal_error."
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
        default_factory=list, max_length=MAX_VIA, description="Nodes every route must pass."
    )
    modes: list[Mode] | None = Field(
        default=None, min_length=1, max_length=4, description="Allowed modes (default: all)."
    )
    max_transshipments: int | None = Field(
        default=None, ge=0, le=20, description="Most gauge changes plus rail–water transfers."
    )
    container: Literal["20", "40"] = Field(default="40", description="Container size.")
    cargo_tonnes: float | None = Field(
        default=None, ge=0, le=30, allow_inf_nan=False, description="Cargo mass per container."
    )
    value_of_time: float | None = Field(
        default=None,
        ge=0,
        le=100_000,
        allow_inf_nan=False,
        description="USD per FEU-hour used to rank routes (default: packaged parameter).",
    )
    include_planned: bool = Field(default=False, description="Allow planned links and nodes.")
    max_routes: int = Field(default=8, ge=1, le=50, description="Most routes returned.")


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


class PlanResponse(_Model):
    """Routes between two places, best first: the ``silkrail plan --json`` layout."""

    origin: LocationOut
    destination: LocationOut
    value_of_time_usd_per_feu_hour: float
    cargo_tonnes: float
    constraints: PlanConstraints
    routes: list[RouteOut]
