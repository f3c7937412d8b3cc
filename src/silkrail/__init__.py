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
from silkrail.graph import CorridorGraph, CSRGraph, LegEmissions, compile_graph
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
from silkrail.routing import (
    Leg,
    Route,
    RoutePlan,
    dijkstra_one_to_all,
    pareto_paths,
    plan,
)

__version__ = "0.1.0"

__all__ = [
    "EXPORT_FORMATS",
    "CSRGraph",
    "ConvergenceWarning",
    "CorridorGraph",
    "CorridorNetwork",
    "DatasetError",
    "ExportError",
    "Gauge",
    "Leg",
    "LegEmissions",
    "LinkMode",
    "Location",
    "NetworkSummary",
    "NetworkValidationError",
    "NoRouteError",
    "NodeKind",
    "Problem",
    "Route",
    "RoutePlan",
    "SilkrailError",
    "UnknownLocationError",
    "__version__",
    "compile_graph",
    "dijkstra_one_to_all",
    "load_network",
    "locate",
    "network_from_frames",
    "network_from_geojson",
    "network_to_geojson",
    "pareto_paths",
    "plan",
    "read_network",
    "search_locations",
    "summarize_network",
    "write_network",
]
