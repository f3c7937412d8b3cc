"""Defaults of the planner taken from the packaged, sourced parameter tables."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from silkrail.datasets.factors import emission_factors
from silkrail.datasets.parameters import planning_parameter
from silkrail.graph import leg_emissions

if TYPE_CHECKING:
    from silkrail.graph import LegEmissions
    from silkrail.network.model import CorridorNetwork


def default_vot() -> float:
    """Return the value of time, USD per FEU-hour."""
    return planning_parameter("value_of_time_usd_per_feu_hour")


@cache
def teu_price_ratios() -> dict[str, float]:
    """Return the price of a 20-ft container as a share of a 40-ft one.

    Keys: ``rail`` (and road), ``sea`` (and ferry) and ``handling`` (gauge changes and
    transfers), from the packaged, sourced planner parameters.
    """
    kinds = ("rail", "sea", "handling")
    return {k: planning_parameter(f"teu_feu_price_ratio_{k}") for k in kinds}


def default_cargo_tonnes(container: str) -> float:
    """Return the default cargo mass per container (t): 10 t per TEU."""
    f = emission_factors()
    return f.cargo_tonnes_per_teu * (1.0 if container == "20" else f.teu_per_feu)


def default_emissions(net: CorridorNetwork, tonnes: float) -> LegEmissions:
    """Return emissions per link and transfer for one container of `tonnes` cargo."""
    return leg_emissions(net, emission_factors(), cargo_tonnes=tonnes)
