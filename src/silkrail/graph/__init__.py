"""Compiled array graphs: the corridor network as state-expanded CSR arrays.

The names load on first use (module ``__getattr__``): the assignment engine imports the shared
shortest-path kernels in ``graph/_kernels.py`` without loading ``compile.py`` and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_MODULE = dict.fromkeys(__all__, "silkrail.graph.compile") | {
    "leg_emissions": "silkrail.graph.emissions"
}


def __getattr__(name: str) -> Any:
    module = _MODULE.get(name)
    if module is None:
        msg = f"module 'silkrail.graph' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
