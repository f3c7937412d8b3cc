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

import importlib
from typing import TYPE_CHECKING, Any

from silkrail.errors import (
    ConvergenceWarning,
    DatasetError,
    ExportError,
    InsufficientMemoryError,
    NetworkValidationError,
    NoRouteError,
    Problem,
    ScenarioError,
    SearchBudgetError,
    ShipmentDataError,
    SilkrailError,
    TNTPFormatError,
    UnknownLocationError,
    UnknownShipmentError,
)

if TYPE_CHECKING:
    from silkrail.assignment import (
        ASSIGNMENT_METHODS,
        AssignmentResult,
        ConvergenceReport,
        TNTPFlow,
        TrafficNetwork,
        UserClass,
        assign,
        assignment_skims,
        read_omx,
        read_tntp_flow,
        read_tntp_net,
        read_tntp_trips,
        write_omx,
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
    from silkrail.reports import ReportSection, study_report, write_study_report
    from silkrail.routing import (
        DEFAULT_SERVICE,
        SERVICES,
        Leg,
        Route,
        RoutePlan,
        dijkstra_one_to_all,
        pareto_paths,
        plan,
    )
    from silkrail.shipments import (
        Shipment,
        ShipmentEvent,
        ShipmentStore,
        forecast_shipment,
        plan_shipment,
        read_events_csv,
    )
    from silkrail.simulation import (
        CorridorService,
        MonteCarloResult,
        Scenario,
        ScenarioSpec,
        SimulationModel,
        SimulationResult,
        corridor_model,
        default_services,
        replicate,
        route_table,
        scenario_from_dict,
        scenario_from_yaml,
        services_from_plan,
        simulate,
        simulation_summary,
    )
    from silkrail.studies import StudyResult, flow_study_json, rerouted_trains_bound, run_study

# Everything but the errors loads on first use: pandas, numba and scipy cost about a second and
# 100 MB per process, and `silkrail assign` or a script using one engine should not pay for the
# others. The names are public all the same (`dir()` lists them, `from silkrail import X` works).
_LAZY: dict[str, str] = {
    "CorridorGraph": "silkrail.graph",
    "CSRGraph": "silkrail.graph",
    "LegEmissions": "silkrail.graph",
    "compile_graph": "silkrail.graph",
    "EXPORT_FORMATS": "silkrail.network",
    "CorridorNetwork": "silkrail.network",
    "Gauge": "silkrail.network",
    "LinkMode": "silkrail.network",
    "Location": "silkrail.network",
    "NetworkSummary": "silkrail.network",
    "NodeKind": "silkrail.network",
    "load_network": "silkrail.network",
    "locate": "silkrail.network",
    "network_from_frames": "silkrail.network",
    "network_from_geojson": "silkrail.network",
    "network_to_geojson": "silkrail.network",
    "read_network": "silkrail.network",
    "search_locations": "silkrail.network",
    "summarize_network": "silkrail.network",
    "write_network": "silkrail.network",
    "DEFAULT_SERVICE": "silkrail.routing",
    "SERVICES": "silkrail.routing",
    "Leg": "silkrail.routing",
    "Route": "silkrail.routing",
    "RoutePlan": "silkrail.routing",
    "dijkstra_one_to_all": "silkrail.routing",
    "pareto_paths": "silkrail.routing",
    "plan": "silkrail.routing",
    "ASSIGNMENT_METHODS": "silkrail.assignment",
    "AssignmentResult": "silkrail.assignment",
    "ConvergenceReport": "silkrail.assignment",
    "TNTPFlow": "silkrail.assignment",
    "TrafficNetwork": "silkrail.assignment",
    "UserClass": "silkrail.assignment",
    "assign": "silkrail.assignment",
    "assignment_skims": "silkrail.assignment",
    "read_omx": "silkrail.assignment",
    "read_tntp_flow": "silkrail.assignment",
    "read_tntp_net": "silkrail.assignment",
    "read_tntp_trips": "silkrail.assignment",
    "write_omx": "silkrail.assignment",
    "MonteCarloResult": "silkrail.simulation",
    "Scenario": "silkrail.simulation",
    "SimulationModel": "silkrail.simulation",
    "SimulationResult": "silkrail.simulation",
    "corridor_model": "silkrail.simulation",
    "replicate": "silkrail.simulation",
    "simulate": "silkrail.simulation",
    "simulation_summary": "silkrail.simulation",
    "CorridorService": "silkrail.simulation",
    "ScenarioSpec": "silkrail.simulation",
    "default_services": "silkrail.simulation",
    "scenario_from_dict": "silkrail.simulation",
    "scenario_from_yaml": "silkrail.simulation",
    "services_from_plan": "silkrail.simulation",
    "route_table": "silkrail.simulation",
    "Shipment": "silkrail.shipments",
    "ShipmentEvent": "silkrail.shipments",
    "ShipmentStore": "silkrail.shipments",
    "forecast_shipment": "silkrail.shipments",
    "plan_shipment": "silkrail.shipments",
    "read_events_csv": "silkrail.shipments",
    "StudyResult": "silkrail.studies",
    "ReportSection": "silkrail.reports",
    "study_report": "silkrail.reports",
    "write_study_report": "silkrail.reports",
    "run_study": "silkrail.studies",
    "flow_study_json": "silkrail.studies",
    "rerouted_trains_bound": "silkrail.studies",
}

__version__ = "0.1.0"

__all__ = [
    "ASSIGNMENT_METHODS",
    "DEFAULT_SERVICE",
    "EXPORT_FORMATS",
    "SERVICES",
    "AssignmentResult",
    "CSRGraph",
    "ConvergenceReport",
    "ConvergenceWarning",
    "CorridorGraph",
    "CorridorNetwork",
    "CorridorService",
    "DatasetError",
    "ExportError",
    "Gauge",
    "InsufficientMemoryError",
    "Leg",
    "LegEmissions",
    "LinkMode",
    "Location",
    "MonteCarloResult",
    "NetworkSummary",
    "NetworkValidationError",
    "NoRouteError",
    "NodeKind",
    "Problem",
    "ReportSection",
    "Route",
    "RoutePlan",
    "Scenario",
    "ScenarioError",
    "ScenarioSpec",
    "SearchBudgetError",
    "Shipment",
    "ShipmentDataError",
    "ShipmentEvent",
    "ShipmentStore",
    "SilkrailError",
    "SimulationModel",
    "SimulationResult",
    "StudyResult",
    "TNTPFlow",
    "TNTPFormatError",
    "TrafficNetwork",
    "UnknownLocationError",
    "UnknownShipmentError",
    "UserClass",
    "__version__",
    "assign",
    "assignment_skims",
    "compile_graph",
    "corridor_model",
    "default_services",
    "dijkstra_one_to_all",
    "flow_study_json",
    "forecast_shipment",
    "load_network",
    "locate",
    "network_from_frames",
    "network_from_geojson",
    "network_to_geojson",
    "pareto_paths",
    "plan",
    "plan_shipment",
    "read_events_csv",
    "read_network",
    "read_omx",
    "read_tntp_flow",
    "read_tntp_net",
    "read_tntp_trips",
    "replicate",
    "rerouted_trains_bound",
    "route_table",
    "run_study",
    "scenario_from_dict",
    "scenario_from_yaml",
    "search_locations",
    "services_from_plan",
    "simulate",
    "simulation_summary",
    "study_report",
    "summarize_network",
    "write_network",
    "write_omx",
    "write_study_report",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'silkrail' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
