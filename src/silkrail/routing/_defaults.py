"""Defaults of the planner taken from the packaged, sourced parameter tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from silkrail.datasets.parameters import planning_parameter
from silkrail.graph import LegEmissions

if TYPE_CHECKING:
    from silkrail.network.model import CorridorNetwork


def default_vot() -> float:
    """Value of time, USD per FEU-hour."""
    return planning_parameter("value_of_time_usd_per_feu_hour")


def default_cargo_tonnes(container: str) -> float:
    """Default cargo mass per container (t)."""
    return 10.0 if container == "20" else 20.0  # TODO(emissions): from the factor table


def default_emissions(net: CorridorNetwork, tonnes: float) -> LegEmissions:
    """Emissions per link and transfer for one container of `tonnes` cargo."""
    return LegEmissions.zeros(net)  # TODO(emissions): from the factor table
