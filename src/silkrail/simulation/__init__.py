"""Discrete-event simulation of block trains through a corridor's capacity-limited operations.

Trains run through sections (capacity as a minimum headway, random running times), border
crossing points and gauge-change yards (FIFO queues with parallel servers), rail–water
transfers and ferries (batch service on schedule or when full, weather closures). The engine
is one numba event loop over arrays (:mod:`silkrail.simulation._kernels`); it agrees with
queueing theory and with a SimPy reference model (see the tests) and runs far faster.

* :func:`simulate` runs one replication of a :class:`SimulationModel`;
* :func:`replicate` runs many on Dask (or in-process) and adds confidence intervals;
* :func:`corridor_model` builds the model of train services on the corridor network, on the
  route planner's routes; :func:`default_services` are the packaged, sourced 2024 demand;
* :func:`scenario_from_yaml` reads a scenario file (closures, capacity, ferries, demand);

Examples
--------
>>> from silkrail.simulation import queue_model, simulate
>>> res = simulate(queue_model(arrival_rate=0.5, service_rate=1.0), days=10, seed=1)
>>> round(float(res.station_stats().column("utilization")[0]), 1)
0.5
"""

from __future__ import annotations

from silkrail.simulation.corridor import (
    DEFAULT_TRAIN_FEU,
    DEFAULT_VESSEL_FEU,
    PLANNER_MODES,
    ROUTERS,
    CorridorRoute,
    CorridorService,
    Router,
    corridor_model,
    corridor_path,
    default_services,
    planner_route,
    route_from_plan,
    services_from_plan,
)
from silkrail.simulation.engine import (
    fifo_queue,
    normalize_seed,
    queue_model,
    simulate,
    tandem_model,
)
from silkrail.simulation.model import (
    DISTRIBUTIONS,
    FERRY_POLICIES,
    CapacityChange,
    Closure,
    Ferry,
    FerryChange,
    Route,
    Scenario,
    Section,
    ServerStation,
    SimulationModel,
    TrainService,
)
from silkrail.simulation.montecarlo import MonteCarloResult, mean_ci, replicate
from silkrail.simulation.results import (
    BORDER_METRICS,
    ROUTE_METRICS,
    STATION_METRICS,
    MetricTable,
    QueueSeries,
    SimulationResult,
)
from silkrail.simulation.scenario import ScenarioSpec, scenario_from_dict, scenario_from_yaml
from silkrail.simulation.summary import route_table, simulation_summary

__all__ = [
    "BORDER_METRICS",
    "DEFAULT_TRAIN_FEU",
    "DEFAULT_VESSEL_FEU",
    "DISTRIBUTIONS",
    "FERRY_POLICIES",
    "PLANNER_MODES",
    "ROUTERS",
    "ROUTE_METRICS",
    "STATION_METRICS",
    "CapacityChange",
    "Closure",
    "CorridorRoute",
    "CorridorService",
    "Ferry",
    "FerryChange",
    "MetricTable",
    "MonteCarloResult",
    "QueueSeries",
    "Route",
    "Router",
    "Scenario",
    "ScenarioSpec",
    "Section",
    "ServerStation",
    "SimulationModel",
    "SimulationResult",
    "TrainService",
    "corridor_model",
    "corridor_path",
    "default_services",
    "fifo_queue",
    "mean_ci",
    "normalize_seed",
    "planner_route",
    "queue_model",
    "replicate",
    "route_from_plan",
    "route_table",
    "scenario_from_dict",
    "scenario_from_yaml",
    "services_from_plan",
    "simulate",
    "simulation_summary",
    "tandem_model",
]
