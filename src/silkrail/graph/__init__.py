"""Compiled array graphs: the corridor network as state-expanded CSR arrays.

The names load on first use (module ``__getattr__``): the assignment engine imports the shared
shortest-path kernels in ``graph/_kernels.py`` without loading ``compile.py`` and pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from silkrail._lazy import lazy_attributes

if TYPE_CHECKING:
    from silkrail.graph.compile import (
        CLASS_NAMES,
        EDGE_TRANSFER,
        EDGE_TRAVEL,
        N_RAIL_CLASSES,
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
    "N_RAIL_CLASSES",
    "CSRGraph",
    "CorridorGraph",
    "LegEmissions",
    "compile_graph",
    "leg_emissions",
]

_MODULE = dict.fromkeys(__all__, "silkrail.graph.compile") | {
    "leg_emissions": "silkrail.graph.emissions"
}


__getattr__, __dir__ = lazy_attributes(__name__, _MODULE)
