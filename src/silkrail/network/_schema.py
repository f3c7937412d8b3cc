"""Column specifications of the network files (see the dataset README)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

ColumnType = Literal["str", "float", "int", "bool", "enum"]


class NodeKind(IntEnum):
    """What a node is, operationally."""

    TERMINAL = 0
    BORDER = 1
    YARD = 2
    PORT = 3
    JUNCTION = 4


class LinkMode(IntEnum):
    """How a link is travelled."""

    RAIL = 0
    FERRY = 1
    SEA = 2
    ROAD = 3


class Gauge(IntEnum):
    """Rail track gauges on the corridors, in millimetres."""

    STANDARD = 1435
    RUSSIAN = 1520
    IBERIAN = 1668
    INDIAN = 1676


class Status(IntEnum):
    """Whether a node or link is in service."""

    OPEN = 0
    PLANNED = 1


KINDS = tuple(k.name.lower() for k in NodeKind)
MODES = tuple(m.name.lower() for m in LinkMode)
STATUSES = tuple(s.name.lower() for s in Status)
GAUGES = tuple(int(g) for g in Gauge)
WATER_MODES = (LinkMode.FERRY, LinkMode.SEA)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a network file."""

    name: str
    type: ColumnType
    required: bool = False
    choices: tuple[str, ...] = ()
    positive: bool = False
    nonnegative: bool = False
    #: May be left out of a file altogether (read as empty): columns added after the format's
    #: first release, so that older networks stay valid.
    optional: bool = False
    #: Plausible range ``(low, high)``, bounds included (docs/data.md, "Plausible ranges"):
    #: wide enough for any real corridor, narrow enough that no value overflows a computation
    #: (a speed of 1e-320 km/h made transit times infinite, a distance of 1e308 km overflowed).
    bounds: tuple[float, float] | None = None


# Shared plausible ranges: a month of dwell, a coefficient of variation of 10, USD 100,000 a
# FEU (about ten times the dearest corridor tariff), years of the railway age.
_HOURS = (0.0, 720.0)
_CV = (0.0, 10.0)
_USD = (0.0, 100_000.0)
_YEAR = (1800.0, 2100.0)

NODE_COLUMNS: tuple[Column, ...] = (
    Column("id", "str", required=True),
    Column("name", "str", required=True),
    Column("aliases", "str"),
    Column("country", "str", required=True),
    Column("lat", "float", required=True),
    Column("lon", "float", required=True),
    Column("kind", "enum", required=True, choices=KINDS),
    Column("gauge_change_hours", "float", positive=True, bounds=_HOURS),
    Column("gauge_change_feu_per_day", "float", positive=True, bounds=(0, 100_000)),
    Column("gauge_change_usd_per_feu", "float", nonnegative=True, bounds=_USD),
    Column("border_hours", "float", positive=True, bounds=_HOURS),
    Column("border_servers", "int", positive=True, bounds=(1, 1_000)),
    Column("border_cv", "float", nonnegative=True, bounds=_CV),
    Column("port_transfer_hours", "float", positive=True, bounds=_HOURS),
    Column("port_usd_per_feu", "float", nonnegative=True, bounds=_USD),
    Column("status", "enum", required=True, choices=STATUSES),
    Column("opening_year", "int", positive=True, bounds=_YEAR),
    Column("source_ids", "str", required=True),
    Column("note", "str"),
    Column("road_transfer_hours", "float", positive=True, optional=True, bounds=_HOURS),
    Column("road_usd_per_feu", "float", nonnegative=True, optional=True, bounds=_USD),
)

LINK_COLUMNS: tuple[Column, ...] = (
    Column("id", "str", required=True),
    Column("from_id", "str", required=True),
    Column("to_id", "str", required=True),
    Column("mode", "enum", required=True, choices=MODES),
    Column("distance_km", "float", required=True, positive=True, bounds=(0, 40_000)),
    Column("distance_basis", "enum", required=True, choices=("published", "derived", "searoute")),
    Column("gauge_mm", "int"),
    Column("tracks", "int", positive=True, bounds=(1, 20)),
    Column("electrified", "bool"),
    Column("speed_kmh", "float", positive=True, bounds=(0.1, 1_000)),
    Column("capacity_trains_per_day", "float", positive=True, bounds=(0, 10_000)),
    Column("sailings_per_week", "float", positive=True, bounds=(0, 1_000)),
    Column("tariff_usd_per_feu", "float", nonnegative=True, bounds=_USD),
    Column("time_cv", "float", nonnegative=True, bounds=_CV),
    Column("status", "enum", required=True, choices=STATUSES),
    Column("opening_year", "int", positive=True, bounds=_YEAR),
    Column("source_ids", "str", required=True),
    Column("note", "str"),
    Column("vessel_feu", "float", positive=True, optional=True, bounds=(0, 25_000)),
)

SOURCE_COLUMNS: tuple[Column, ...] = (
    Column("id", "str", required=True),
    Column("title", "str", required=True),
    Column("url", "str", required=True),
    Column("year", "int", required=True, positive=True, bounds=_YEAR),
    Column("note", "str"),
)

FILES: dict[str, tuple[Column, ...]] = {
    "nodes.csv": NODE_COLUMNS,
    "links.csv": LINK_COLUMNS,
    "sources.csv": SOURCE_COLUMNS,
}

# Parameters an operation or mode needs; the key column's presence switches the operation on.
NODE_OPERATIONS: dict[str, tuple[str, ...]] = {
    "gauge_change_hours": ("gauge_change_feu_per_day", "gauge_change_usd_per_feu"),
    "border_hours": ("border_servers", "border_cv"),
    "port_transfer_hours": ("port_usd_per_feu",),
    "road_transfer_hours": ("road_usd_per_feu",),
}
LINK_REQUIRED_BY_MODE: dict[str, tuple[str, ...]] = {
    "rail": (
        "gauge_mm",
        "tracks",
        "electrified",
        "speed_kmh",
        "capacity_trains_per_day",
        "tariff_usd_per_feu",
        "time_cv",
    ),
    "ferry": ("speed_kmh", "sailings_per_week", "tariff_usd_per_feu", "time_cv"),
    "sea": ("speed_kmh", "sailings_per_week", "tariff_usd_per_feu", "time_cv"),
    "road": ("speed_kmh", "tariff_usd_per_feu", "time_cv"),
}

TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")
GREAT_CIRCLE_TOLERANCE = 0.01
