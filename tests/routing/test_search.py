"""The Pareto search against brute-force enumeration, and the single-criterion Dijkstra."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

from silkrail import (
    CorridorNetwork,
    CSRGraph,
    LegEmissions,
    compile_graph,
    dijkstra_one_to_all,
    network_from_frames,
    pareto_paths,
)
from silkrail.graph import EDGE_TRANSFER, EDGE_TRAVEL
from silkrail.network import great_circle_km


def random_network(seed: int, n_nodes: int = 7, n_links: int = 12) -> CorridorNetwork:
    """A small valid network: gauges 1435/1520, gauge changes at some nodes, one ferry."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(40, 50, n_nodes)
    lon = rng.uniform(60, 80, n_nodes)
    changer = rng.random(n_nodes) < 0.4
    home = rng.choice([1435, 1520], n_nodes)
    pairs = list(itertools.combinations(range(n_nodes), 2))
    rng.shuffle(pairs)
    links = []
    for a, b in pairs:
        ga = {1435, 1520} if changer[a] else {int(home[a])}
        gb = {1435, 1520} if changer[b] else {int(home[b])}
        common = sorted(ga & gb)
        if not common:
            continue
        gauge = int(rng.choice(common))
        gc = float(great_circle_km(lat[[a]], lon[[a]], lat[[b]], lon[[b]])[0])
        links.append(
            {
                "id": f"L{len(links)}",
                "from_id": f"N{a}",
                "to_id": f"N{b}",
                "mode": "rail",
                "distance_km": round(gc * rng.uniform(1.05, 1.6), 1),
                "distance_basis": "derived",
                "gauge_mm": gauge,
                "tracks": 1,
                "electrified": bool(rng.random() < 0.5),
                "speed_kmh": round(rng.uniform(20, 60), 1),
                "capacity_trains_per_day": 20,
                "tariff_usd_per_feu": round(rng.uniform(100, 900)),
                "time_cv": 0.2,
                "status": "open",
                "source_ids": "t",
            }
        )
        if len(links) == n_links:
            break
    used = {int(x["from_id"][1:]) for x in links} | {int(x["to_id"][1:]) for x in links}
    nodes = [
        {
            "id": f"N{i}",
            "name": f"Node {i}",
            "country": "KZ" if i % 2 else "CN",
            "lat": lat[i],
            "lon": lon[i],
            "kind": "yard" if changer[i] else "junction",
            "gauge_change_hours": rng.uniform(1, 8) if changer[i] else np.nan,
            "gauge_change_feu_per_day": 500 if changer[i] else np.nan,
            "gauge_change_usd_per_feu": round(rng.uniform(50, 200)) if changer[i] else np.nan,
            "status": "open",
            "source_ids": "t",
        }
        for i in sorted(used)
    ]
    sources = pd.DataFrame([{"id": "t", "title": "t", "url": "https://example.org", "year": 2025}])
    node_cols = ["aliases", "border_hours", "border_servers", "border_cv", "port_transfer_hours"]
    nf = pd.DataFrame(nodes).assign(**dict.fromkeys([*node_cols, "port_usd_per_feu"], ""))
    nf = nf.assign(opening_year="", note="")
    lf = pd.DataFrame(links).assign(sailings_per_week="", opening_year="", note="")
    from silkrail.network._schema import LINK_COLUMNS, NODE_COLUMNS, SOURCE_COLUMNS

    return network_from_frames(
        nf[[c.name for c in NODE_COLUMNS if not c.optional]],
        lf[[c.name for c in LINK_COLUMNS if not c.optional]],  # optional ones may be left out
        sources.assign(note="")[[c.name for c in SOURCE_COLUMNS]],
    )


def random_emissions(net: CorridorNetwork, seed: int) -> LegEmissions:
    rng = np.random.default_rng(seed + 1000)
    wtw = rng.uniform(10, 500, net.n_links)
    node = rng.uniform(0, 30, net.n_nodes)
    return LegEmissions(wtw, wtw * 0.5, node, node * 0.5, node, node)


def brute_force_pareto(
    graph, origin: int, dest: int, cols: list[str], *, cap: int | None = None, require=None
) -> set[tuple[float, ...]]:
    """Enumerate every path that visits no node twice (an operation at a node, such as a
    gauge change, stays at it) and return the Pareto front of their criteria `cols`. With
    `cap`, only paths with at most that many transshipments, which are a further criterion
    (as the search adds them); with `require`, only paths using one of those edges."""
    cols = [*cols, "transship"] if cap is not None else cols
    crit = np.column_stack([getattr(graph, c) for c in cols]).astype(float)
    targets = set(graph.states_of(dest).tolist())
    node = graph.state_node
    found: list[np.ndarray] = []

    def walk(state: int, seen: set[int], nodes: set[int], total: np.ndarray, used: bool) -> None:
        if state in targets:
            if (cap is None or total[-1] <= cap) and (require is None or used):
                found.append(total)
            return
        for e in range(graph.indptr[state], graph.indptr[state + 1]):
            nxt = int(graph.edge_head[e])
            here, there = int(node[state]), int(node[nxt])
            if nxt in seen or not graph.open[e] or (there != here and there in nodes):
                continue
            hit = used or (require is not None and bool(require[e]))
            walk(nxt, seen | {nxt}, nodes | {there}, total + crit[e], hit)

    for s in graph.states_of(origin).tolist():
        walk(s, {s}, {origin}, np.zeros(len(cols)), False)
    front = set()
    for a in found:
        if not any(np.all(b <= a) and np.any(b < a) for b in found):
            front.add(tuple(np.round(a, 6)))
    return front


@pytest.mark.parametrize("compile_above", [0, 10**9], ids=["compiled", "python"])
@pytest.mark.parametrize("seed", range(12))
def test_pareto_set_matches_brute_force(seed: int, compile_above: int) -> None:
    net = random_network(seed)
    graph = compile_graph(net, emissions=random_emissions(net, seed))
    origin, dest = 0, net.n_nodes - 1
    expected = brute_force_pareto(graph, origin, dest, ["time_mean", "cost", "co2_wtw"])
    paths = pareto_paths(graph, origin, dest, compile_above=compile_above)
    got = {tuple(np.round(p.criteria, 6)) for p in paths}
    assert got == expected
    # Each path's criteria equal the sums over its edges, and paths are contiguous.
    for p in paths:
        assert np.allclose(p.criteria[0], graph.time_mean[p.edges].sum())
        assert np.all(graph.edge_head[p.edges[:-1]] == graph.edge_tail[p.edges[1:]])


@pytest.mark.parametrize("seed", range(6))
def test_no_returned_path_is_dominated(seed: int) -> None:
    net = random_network(seed, n_nodes=9, n_links=18)
    graph = compile_graph(net, emissions=random_emissions(net, seed))
    crit = np.array([p.criteria for p in pareto_paths(graph, 0, net.n_nodes - 1)])
    for i, a in enumerate(crit):
        for j, b in enumerate(crit):
            assert i == j or not (np.all(b <= a) and np.any(b < a))


@pytest.mark.parametrize("seed", range(8))
def test_gauge_changes_only_at_capable_nodes(seed: int) -> None:
    net = random_network(seed, n_nodes=9, n_links=18)
    graph = compile_graph(net)
    transfer = graph.edge_kind == EDGE_TRANSFER
    assert net.offers_gauge_change[graph.edge_node[transfer]].all()
    # Every travel edge keeps the gauge of its state.
    travel = ~transfer
    gauges = np.array([1435, 1520, 1668, 1676, 0, 0, 0, 0])[graph.state_class]
    assert np.all(gauges[graph.edge_tail[travel]] == net.link_gauge_mm[graph.edge_link[travel]])
    assert np.all(gauges[graph.edge_head[travel]] == net.link_gauge_mm[graph.edge_link[travel]])
    for p in pareto_paths(graph, 0, net.n_nodes - 1):
        for e in p.edges:
            tail_gauge = gauges[graph.edge_tail[e]]
            head_gauge = gauges[graph.edge_head[e]]
            if tail_gauge != head_gauge:
                assert graph.edge_kind[e] == EDGE_TRANSFER
                assert net.offers_gauge_change[graph.edge_node[e]]


def test_via_and_max_transshipments_match_brute_force() -> None:
    net = random_network(3, n_nodes=8, n_links=16)
    graph = compile_graph(net, emissions=random_emissions(net, 3))
    paths = pareto_paths(graph, 0, net.n_nodes - 1, via=[2])
    for p in paths:
        visited = graph.state_node[graph.edge_head[p.edges]]
        assert 2 in visited.tolist()
    capped = pareto_paths(graph, 0, net.n_nodes - 1, max_transshipments=0)
    for p in capped:
        assert graph.transship[p.edges].sum() == 0


def test_dijkstra_matches_scipy_on_random_graph() -> None:
    rng = np.random.default_rng(7)
    n, m = 400, 3000
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    cost = rng.uniform(0.1, 10, m)
    g = CSRGraph.from_edges(tail, head, cost, n_vertices=n)
    dist, pred = dijkstra_one_to_all(g, 0)
    # scipy would add up parallel edges; keep the cheapest, which is what a shortest path uses.
    frame = (
        pd.DataFrame({"t": tail, "h": head, "c": cost}).groupby(["t", "h"]).c.min().reset_index()
    )
    mat = csr_matrix((frame.c, (frame.t, frame.h)), shape=(n, n))
    expected = scipy_dijkstra(mat, indices=0)
    assert np.allclose(dist, expected)
    reached = np.isfinite(dist) & (np.arange(n) != 0)
    assert np.allclose(dist[g.indices[pred[reached]]], dist[reached])  # pred reaches the vertex
    assert np.allclose(dist[reached], dist[_tails(g)[pred[reached]]] + g.cost[pred[reached]])


def _tails(g: CSRGraph) -> np.ndarray:
    return np.repeat(np.arange(g.n_vertices), np.diff(g.indptr))


def test_dijkstra_checks_inputs() -> None:
    g = CSRGraph.from_edges(np.array([0]), np.array([1]), np.array([1.0]), n_vertices=2)
    bad = CSRGraph(g.indptr, g.indices, g.link_ids, g.cost.astype(np.float32))
    with pytest.raises(TypeError, match="cost must be float64, got float32"):
        dijkstra_one_to_all(bad, 0)
    with pytest.raises(ValueError, match="source 5 out of range"):
        dijkstra_one_to_all(g, 5)


def brute_force_via(graph, origin: int, dest: int, via: list[int]) -> set[tuple[float, ...]]:
    """The Pareto front of simple paths that pass `via` in order, by enumeration."""
    cols = ["time_mean", "cost", "co2_wtw"]
    crit = np.column_stack([getattr(graph, c) for c in cols]).astype(float)
    node = graph.state_node
    found: list[np.ndarray] = []

    def walk(state: int, seen: set[int], order: list[int], total: np.ndarray) -> None:
        if node[state] == dest:
            met = [n for n in order if n in via]
            if met == via:
                found.append(total)
            return
        for e in range(graph.indptr[state], graph.indptr[state + 1]):
            nxt = int(graph.edge_head[e])
            here, there = int(node[state]), int(node[nxt])
            if nxt in seen or not graph.open[e] or (there != here and there in order):
                continue
            walk(nxt, seen | {nxt}, order if there == here else [*order, there], total + crit[e])

    for s in graph.states_of(origin).tolist():
        walk(s, {s}, [origin], np.zeros(len(cols)))
    front = set()
    for a in found:
        if not any(np.all(b <= a) and np.any(b < a) for b in found):
            front.add(tuple(np.round(a, 6)))
    return front


@pytest.mark.parametrize("compile_above", [0, 10**9], ids=["compiled", "python"])
def test_via_paths_are_simple_and_exact(compile_above: int, monkeypatch) -> None:
    # A via off the way is cheapest to meet by going out to it and back; such a spur must
    # never be returned, and the simple paths returned must be exactly the Pareto set.
    import silkrail.routing.search as search

    relaxed = []
    repeated = search._repeated_in_any

    def spy(graph, paths, *, compiled=False):
        out = repeated(graph, paths, compiled=compiled)
        # All paths at once find what each path alone finds, compiled or not.
        each = sorted({n for p in paths for n in search._repeated_nodes(graph, p.edges)})
        assert out == each
        assert repeated(graph, paths, compiled=not compiled) == each
        relaxed.append(bool(out))
        return out

    monkeypatch.setattr(search, "_repeated_in_any", spy)
    checked = 0
    for seed in range(12):
        net = random_network(seed, n_nodes=8, n_links=14)
        graph = compile_graph(net, emissions=random_emissions(net, seed))
        dest = net.n_nodes - 1
        for via in range(1, dest):
            paths = pareto_paths(graph, 0, dest, via=[via], compile_above=compile_above)
            for p in paths:
                assert not search._repeated_nodes(graph, p.edges)
            got = {tuple(np.round(p.criteria, 6)) for p in paths}
            assert got == brute_force_via(graph, 0, dest, [via])
            checked += 1
    assert checked > 20
    assert any(relaxed)  # some searches needed the tracked-node re-run


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compiled_trace_gives_the_python_trace(seed: int) -> None:
    from silkrail.routing.search import _trace, _trace_compiled

    # Random label trees: label i's predecessor is an earlier label (or none, a source).
    rng = np.random.default_rng(seed)
    n = 400
    pred = np.array([-1] + [int(rng.integers(-1, i)) for i in range(1, n)], dtype=np.int64)
    edge = np.where(pred >= 0, rng.integers(0, 50, n), -1).astype(np.int64)
    pred = np.where(pred >= 0, pred, 0)  # a source's predecessor is never read
    edge_ids = rng.permutation(50).astype(np.int64)
    labels = rng.choice(n, 25, replace=False).astype(np.int64)
    want = _trace(labels, edge_ids, pred, edge)
    got = _trace_compiled(labels, edge_ids, pred, edge)
    assert [g.tolist() for g in got] == [w.tolist() for w in want]
    assert any(len(w) > 2 for w in want)
    assert _trace_compiled(labels[:0], edge_ids, pred, edge) == []


@pytest.mark.parametrize("compile_above", [0, 10**9], ids=["compiled", "python"])
@pytest.mark.parametrize("seed", range(8))
def test_transshipment_cap_and_required_edges_match_brute_force(
    seed: int, compile_above: int
) -> None:
    # The search prunes with lower bounds on every criterion, the capped one included, and
    # those bounds ignore the required edges: both must leave the exact Pareto set.
    net = random_network(seed, n_nodes=8, n_links=16)
    graph = compile_graph(net, emissions=random_emissions(net, seed))
    dest = net.n_nodes - 1
    three = ["time_mean", "cost", "co2_wtw"]
    for cap in (0, 1):
        paths = pareto_paths(graph, 0, dest, max_transshipments=cap, compile_above=compile_above)
        got = {tuple(np.round(p.criteria, 6)) for p in paths}
        assert got == brute_force_pareto(graph, 0, dest, three, cap=cap)
    # Travel edges only, as the planner requires (sea, Caspian ferry, Northern links): an
    # operation at a node does not count as a visit, so a required gauge change could be met
    # by changing there and back.
    rng = np.random.default_rng(seed)
    require = (rng.random(graph.n_edges) < 0.2) & (graph.edge_kind == EDGE_TRAVEL)
    paths = pareto_paths(graph, 0, dest, require=require, compile_above=compile_above)
    got = {tuple(np.round(p.criteria, 6)) for p in paths}
    assert got == brute_force_pareto(graph, 0, dest, three, require=require)


@pytest.mark.parametrize("seed", range(4))
def test_lower_bounds_are_each_states_least_sum_to_the_destination(seed: int) -> None:
    from silkrail.routing._kernels import N_CRIT
    from silkrail.routing.search import _lower_bounds

    net = random_network(seed, n_nodes=9, n_links=18)
    graph = compile_graph(net, emissions=random_emissions(net, seed))
    ok = graph.open & (np.random.default_rng(seed).random(graph.n_edges) < 0.8)
    cut = graph.states_of(1)
    ok &= ~np.isin(graph.edge_tail, cut)  # node 1 reaches nothing: its bounds are inf
    targets = graph.states_of(net.n_nodes - 1)
    crit = np.zeros((graph.n_edges, N_CRIT))
    crit[:, :3] = np.column_stack([graph.time_mean, graph.cost, graph.co2_wtw])
    for compiled in (True, False):
        lower = _lower_bounds(graph, crit, ok, targets, 3, compiled=compiled)
        for k in range(3):
            # scipy over the same edges, reversed, from the targets: each state's least sum
            # *to* a target (parallel edges: the least, which a sparse matrix would add up).
            best: dict[tuple[int, int], float] = {}
            for e in np.flatnonzero(ok):
                key = (int(graph.edge_head[e]), int(graph.edge_tail[e]))
                best[key] = min(best.get(key, np.inf), float(crit[e, k]))
            heads, tails = zip(*best, strict=True)
            # Explicit zeros would read as "no edge": shift every weight by a tiny amount.
            weights = np.array(list(best.values())) + 1e-9
            m = csr_matrix((weights, (heads, tails)), shape=(graph.n_states, graph.n_states))
            want = scipy_dijkstra(m, indices=targets, directed=True).min(axis=0)
            assert np.allclose(lower[:, k], want, rtol=1e-9, atol=1e-6)
        reachable = np.isfinite(lower[:, 0])
        assert reachable[targets].all()
        assert (lower[targets] == 0).all()
        assert np.isinf(lower[~reachable]).all()
        assert not reachable[cut].any()


def test_lower_bounds_prune_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bounds order the labels and drop those that cannot beat a route already found: the
    # packaged network's Chongqing -> Duisburg search makes well under half the labels it
    # makes with zero bounds (the plain target pruning) and finds the same paths.
    import silkrail.routing.search as search
    from silkrail.network import load_network

    net = load_network()
    graph = compile_graph(net)
    o, d = net.index_of("CNCKG"), net.index_of("DE-DUISBURG")

    def search_with(bounds: bool) -> tuple[int, set[tuple[float, ...]]]:
        budget = search.LabelBudget(10**7)
        with monkeypatch.context() as m:
            if not bounds:
                real = search._lower_bounds

                def zero(*args: object, **kwargs: object) -> np.ndarray:
                    lower = real(*args, **kwargs)  # type: ignore[arg-type]
                    return np.where(np.isinf(lower), np.inf, 0.0)

                m.setattr(search, "_lower_bounds", zero)
            paths = pareto_paths(graph, o, d, budget=budget)
        return 10**7 - budget.remaining, {tuple(np.round(p.criteria, 6)) for p in paths}

    (with_bounds, found), (without, plain) = search_with(True), search_with(False)
    assert found == plain
    assert with_bounds < 0.5 * without, (with_bounds, without)


@pytest.mark.parametrize("compile_above", [0, 10**9], ids=["compiled", "python"])
def test_paths_through_two_vias_are_simple_and_exact(compile_above: int) -> None:
    # The staged bounds (to the next via, then on) and the loop entries tracked for simple
    # paths must still give exactly the Pareto set of simple paths through both vias in order.
    checked = 0
    for seed in range(8):
        net = random_network(seed, n_nodes=8, n_links=15)
        graph = compile_graph(net, emissions=random_emissions(net, seed))
        dest = net.n_nodes - 1
        for a, b in itertools.permutations(range(1, dest), 2):
            if (a + b + seed) % 3:  # a third of the ordered pairs keeps the test short
                continue
            paths = pareto_paths(graph, 0, dest, via=[a, b], compile_above=compile_above)
            got = {tuple(np.round(p.criteria, 6)) for p in paths}
            assert got == brute_force_via(graph, 0, dest, [a, b]), (seed, a, b)
            checked += 1
    assert checked > 30


def test_staged_bounds_prune_a_search_through_vias(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bounded by the distance to the destination alone, every label before the last via is
    # kept: Yiwu -> Madrid via Małaszewicze and Irun then needs several times the labels
    # (before the staged bounds it overran the service's budget of 200,000).
    import silkrail.routing.search as search
    from silkrail.network import load_network

    net = load_network()
    graph = compile_graph(net)
    o, d = net.index_of("CN-YIWU"), net.index_of("ESMAD")
    via = [net.index_of("PL-MALASZEWICZE"), net.index_of("ES-IRUN")]

    def search_with(staged: bool) -> tuple[int, set[tuple[float, ...]]]:
        budget = search.LabelBudget(10**7)
        with monkeypatch.context() as m:
            if not staged:

                def to_destination(graph, crit, ok, vias, destination, n_cols, layers, *,
                                   compiled):  # fmt: skip
                    lower = search._lower_bounds(graph, crit, ok, graph.states_of(destination),
                                                 n_cols, compiled=compiled)  # fmt: skip
                    return np.tile(lower, (layers, 1))

                m.setattr(search, "_staged_lower_bounds", to_destination)
            paths = pareto_paths(graph, o, d, via=via, budget=budget, compile_above=0)
        return 10**7 - budget.remaining, {tuple(np.round(p.criteria, 6)) for p in paths}

    (staged, found), (plain, same) = search_with(True), search_with(False)
    assert found == same
    assert found
    assert staged < 0.5 * plain, (staged, plain)
    assert staged < 100_000
