"""Routing engines: shortest paths and the multi-criteria route planner."""

from __future__ import annotations

from silkrail.routing.plan import CONTAINERS, plan
from silkrail.routing.results import Leg, Route, RoutePlan, lognormal_quantile
from silkrail.routing.search import CRITERIA, ParetoPath, dijkstra_one_to_all, pareto_paths

__all__ = [
    "CONTAINERS",
    "CRITERIA",
    "Leg",
    "ParetoPath",
    "Route",
    "RoutePlan",
    "dijkstra_one_to_all",
    "lognormal_quantile",
    "pareto_paths",
    "plan",
]
