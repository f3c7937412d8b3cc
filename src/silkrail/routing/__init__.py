"""Routing engines: shortest paths and the multi-criteria route planner."""

from __future__ import annotations

from silkrail.routing.conditions import conditions_on
from silkrail.routing.families import CorridorFamily, family_of_label, land_family
from silkrail.routing.plan import CONTAINERS, plan
from silkrail.routing.results import Leg, Route, RoutePlan, lognormal_quantile
from silkrail.routing.search import CRITERIA, ParetoPath, dijkstra_one_to_all, pareto_paths
from silkrail.routing.service_classes import DEFAULT_SERVICE, SERVICES

__all__ = [
    "CONTAINERS",
    "CRITERIA",
    "DEFAULT_SERVICE",
    "SERVICES",
    "CorridorFamily",
    "Leg",
    "ParetoPath",
    "Route",
    "RoutePlan",
    "conditions_on",
    "dijkstra_one_to_all",
    "family_of_label",
    "land_family",
    "lognormal_quantile",
    "pareto_paths",
    "plan",
]
