"""Route building from search paths: per-edge legs and the numbers ranking uses."""

from __future__ import annotations

import pytest

from silkrail import CorridorNetwork, Route, load_network, locate
from silkrail.graph import compile_graph
from silkrail.routing._routes import build_route, edge_legs, paths_numbers
from silkrail.routing.search import pareto_paths


@pytest.fixture(scope="module")
def net() -> CorridorNetwork:
    return load_network()


def _sea_voyages(route: Route) -> int:
    """Separate deep-sea voyages counted from a route's legs (runs of sea legs)."""
    voyages, at_sea = 0, False
    for leg in route.legs:
        if leg.kind != "travel":
            continue
        if leg.mode == "sea" and not at_sea:
            voyages += 1
        at_sea = leg.mode == "sea"
    return voyages


@pytest.mark.parametrize(
    ("origin", "destination"), [("CNCKG", "DE-DUISBURG"), ("Shanghai", "Rotterdam")]
)
def test_path_numbers_rank_exactly_as_the_built_routes(
    net: CorridorNetwork, origin: str, destination: str
) -> None:
    graph = compile_graph(net)
    paths = pareto_paths(graph, locate(net, origin).index, locate(net, destination).index)
    assert len(paths) > 3
    voyages = set()
    for p, n in zip(paths, paths_numbers(net, graph, paths, 7.5), strict=True):
        # A path's numbers are the same among others as alone.
        assert n == paths_numbers(net, graph, [p], 7.5)[0]
        r = build_route(net, graph, p, 7.5)
        # Bit for bit: the planner ranks on these before it builds any route.
        assert n.generalized_cost == r.generalized_cost
        assert (n.hours_mean, n.cost_usd_per_feu, n.co2e_kg_per_feu_wtw) == (
            r.hours_mean, r.cost_usd_per_feu, r.co2e_kg_per_feu_wtw,
        )  # fmt: skip
        assert n.sea_voyages == _sea_voyages(r)
        voyages.add(n.sea_voyages)
    if destination == "Rotterdam":
        assert max(voyages) >= 1


def test_legs_are_made_once_per_edge_and_graph(net: CorridorNetwork) -> None:
    graph = compile_graph(net)
    p = pareto_paths(graph, net.index_of("CNCKG"), net.index_of("DE-DUISBURG"))[0]
    first = edge_legs(net, graph, p.edges)
    again = edge_legs(net, graph, p.edges)
    assert all(a is b for a, b in zip(first, again, strict=True))
    # Another graph of the same network has its own legs.
    other = compile_graph(net, include_planned=True)
    assert edge_legs(net, other, p.edges[:1])[0] is not first[0]
