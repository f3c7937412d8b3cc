"""The ``silkrail warmup`` command: compile every numba engine once, ahead of first use.

Each engine runs once on a tiny problem with the argument types of real runs, so numba
compiles (or loads from its cache) every kernel it needs. Registered lazily by ``cli.py``;
uses only the public API.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click
import numpy as np

import silkrail
from silkrail._cli_common import emit_json, handle_errors, json_option
from silkrail._cli_common import stdout as _stdout

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["warmup"]


def _assignment() -> None:
    # Two parallel links between two zones: every method, and the skims, touch every kernel.
    net = silkrail.TrafficNetwork(
        init_node=np.array([1, 1, 2]),
        term_node=np.array([2, 2, 1]),
        capacity=np.ones(3),
        length=np.ones(3),
        free_flow_time=np.array([1.0, 2.0, 1.0]),
        b=np.array([1.0, 0.25, 0.15]),
        power=np.array([1.0, 1.0, 4.0]),
        toll=np.zeros(3),
        num_nodes=2,
        num_zones=2,
    )
    demand = np.array([[0.0, 4.0], [1.0, 0.0]])
    for method in silkrail.ASSIGNMENT_METHODS:
        result = silkrail.assign(net, demand, method=method, rgap=1e-6, max_iter=20)
    silkrail.assignment_skims(net, result)


def _routing() -> None:
    net = silkrail.load_network()
    silkrail.plan(net, "Chongqing", "Duisburg", compiled=True)
    graph = silkrail.CSRGraph.from_edges(
        np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([1.0, 1.0, 5.0]), n_vertices=3
    )
    silkrail.dijkstra_one_to_all(graph, 0)


def _simulation() -> None:
    net = silkrail.load_network()
    model = silkrail.corridor_model(net, silkrail.default_services(scale=0.01))
    silkrail.replicate(model, replications=2, days=7.0, seed=0, scheduler="serial")


ENGINES: dict[str, Callable[[], None]] = {
    "assignment": _assignment,
    "routing": _routing,
    "simulation": _simulation,
}


@click.command("warmup")
@json_option
@handle_errors
def warmup(as_json: bool) -> None:
    """Compile every numba engine once, so that first use is fast.

    Compiled kernels go to numba's cache (beside the package, else the user's cache folder,
    else the temporary folder), so this pays off for every later process. Prints the seconds
    each engine took: compiling when the cache was empty, loading it otherwise.
    """
    seconds: dict[str, float] = {}
    for name, run in ENGINES.items():
        start = time.perf_counter()
        run()
        seconds[name] = round(time.perf_counter() - start, 2)
    if as_json:
        emit_json({"seconds": seconds})
        return
    out = _stdout()
    for name, s in seconds.items():
        out.print(f"{name:<11} {s:6.2f} s", highlight=False)
