"""silkrail: plan, assign and simulate container freight on the China–Central Asia–Europe corridors.

The pipeline runs one way: packaged corridor dataset → validated :class:`CorridorNetwork` →
compiled array graph → engines (routing, assignment, simulation) → results → CLI, service, reports.

Examples
--------
>>> import silkrail
>>> net = silkrail.load_network()
>>> silkrail.locate(net, "Khorgos").country in {"CN", "KZ"}
True
"""

from __future__ import annotations

from silkrail.errors import (
    ConvergenceWarning,
    DatasetError,
    ExportError,
    NetworkValidationError,
    NoRouteError,
    Problem,
    SilkrailError,
    UnknownLocationError,
)
from silkrail.network import (
    EXPORT_FORMATS,
    CorridorNetwork,
    Gauge,
    LinkMode,
    Location,
    NetworkSummary,
    NodeKind,
    load_network,
    locate,
    network_from_frames,
    network_from_geojson,
    network_to_geojson,
    read_network,
    search_locations,
    summarize_network,
    write_network,
)

__version__ = "0.1.0"

__all__ = [
    "EXPORT_FORMATS",
    "ConvergenceWarning",
    "CorridorNetwork",
    "DatasetError",
    "ExportError",
    "Gauge",
    "LinkMode",
    "Location",
    "NetworkSummary",
    "NetworkValidationError",
    "NoRouteError",
    "NodeKind",
    "Problem",
    "SilkrailError",
    "UnknownLocationError",
    "__version__",
    "load_network",
    "locate",
    "network_from_frames",
    "network_from_geojson",
    "network_to_geojson",
    "read_network",
    "search_locations",
    "summarize_network",
    "write_network",
]
