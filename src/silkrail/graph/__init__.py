"""Compiled array graphs: the corridor network as state-expanded CSR arrays."""

from __future__ import annotations

from silkrail.graph.compile import (
    CLASS_NAMES,
    EDGE_TRANSFER,
    EDGE_TRAVEL,
    CorridorGraph,
    CSRGraph,
    LegEmissions,
    compile_graph,
)
from silkrail.graph.emissions import leg_emissions

__all__ = [
    "CLASS_NAMES",
    "EDGE_TRANSFER",
    "EDGE_TRAVEL",
    "CSRGraph",
    "CorridorGraph",
    "LegEmissions",
    "compile_graph",
    "leg_emissions",
]
