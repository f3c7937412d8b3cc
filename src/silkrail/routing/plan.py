"""The multi-criteria route planner behind ``silkrail plan``."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pycountry

from silkrail._memo import IdentityMemo
from silkrail.errors import NoRouteError
from silkrail.graph import EDGE_TRAVEL, CorridorGraph, LegEmissions, compile_graph
from silkrail.network._schema import MODES, LinkMode
from silkrail.network.lookup import Location, locate
from silkrail.routing._cache import caspian_ferry_links, link_index, network_cache
from silkrail.routing._routes import (
    PathNumbers,
    build_route,
    edge_legs,
    legs_label,
    paths_numbers,
)
from silkrail.routing.conditions import conditions_on
from silkrail.routing.detours import PLAUSIBLE_DETOUR, plausible
from silkrail.routing.families import NORTHERN_STATES, CorridorFamily, family_of_label
from silkrail.routing.percentiles import timed_network, with_percentiles
from silkrail.routing.results import (
    Route,
    RoutePlan,
)
from silkrail.routing.search import COMPILE_ABOVE_EDGES, LabelBudget, ParetoPath, pareto_paths
from silkrail.routing.service_classes import DEFAULT_SERVICE, service_class
from silkrail.routing.uncertainty import DelayParameters

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Sequence

    from silkrail._typing import BoolArray
    from silkrail.network.model import CorridorNetwork
    from silkrail.routing.results import Leg

__all__ = ["COMPARE", "CONTAINERS", "plan"]

CONTAINERS = ("20", "40")
COMPARE = ("plausible", "all")
# Routes sharing at least this share of the shorter one's km over the same links are one row,
# and so are routes of one corridor whose generalized costs differ by at most FOLD_GC.
FOLD_SHARE = 0.8
FOLD_GC = 0.05
_CRITERIA = ("time", "cost", "co2e")


@dataclass(frozen=True)
class _Request:
    origin: Location
    destination: Location
    avoid_countries: frozenset[str]
    avoid_nodes: frozenset[int]
    via: tuple[int, ...]
    modes: frozenset[str]
    max_transshipments: int | None
    include_planned: bool
    compile_above: int = COMPILE_ABOVE_EDGES
    # Nodes and links closed on the departure date by a disruption of the conditions table.
    closed: frozenset[int] = frozenset()
    container: str = "40"
    closed_links: frozenset[int] = frozenset()
    # Trucks on the trunk too (modes named road explicitly), or only for the first and last mile.
    road_trunk: bool = True
    # Labels every search of this plan may still create (None: unbounded).
    budget: LabelBudget | None = None


_PLANS_IN_PROCESS = [0]


def _compile_above(compiled: bool | None) -> int:
    """Edge count above which the search kernels run compiled.

    ``None`` (default): the first plan of a process runs uncompiled unless the graph is large
    (loading numba costs more than one search on the packaged network, which keeps a one-shot
    ``silkrail plan`` fast); every later plan runs compiled, as a warm process should.
    """
    if compiled is not None:
        return 0 if compiled else 2**62
    _PLANS_IN_PROCESS[0] += 1
    return COMPILE_ABOVE_EDGES if _PLANS_IN_PROCESS[0] == 1 else 0


def _country_codes(codes: Iterable[str]) -> frozenset[str]:
    out = set()
    for code in codes:
        c = code.strip().upper()
        if not c:
            continue
        if pycountry.countries.get(alpha_2=c) is None:
            msg = f"unknown country code {code!r}; use ISO 3166-1 alpha-2 codes such as 'RU', 'BY'"
            raise ValueError(msg)
        out.add(c)
    return frozenset(out)


@dataclass(frozen=True)
class _Edges:
    """What the masks of a plan read of each graph edge (made once per graph)."""

    tail: np.ndarray  # node the edge leaves
    head: np.ndarray  # node it enters
    travel: BoolArray  # a link, not an operation at a node
    link: np.ndarray  # its link (0 for operations)
    mode: np.ndarray  # its link's mode (that of link 0 for operations)


def _edges(net: CorridorNetwork, graph: CorridorGraph) -> _Edges:
    # By the graph's edge heads: the copy of a graph with other costs (a family option's
    # generalized-cost search) shares them, and every mask of every plan reads these.
    def make() -> _Edges:
        travel = graph.edge_kind == EDGE_TRAVEL
        link = np.where(travel, graph.edge_link, 0)
        return _Edges(
            tail=graph.state_node[graph.edge_tail],
            head=graph.state_node[graph.edge_head],
            travel=travel,
            link=link,
            mode=net.link_mode[link],
        )

    return _EDGES.get(graph.edge_head, make, id(net))


_EDGES: IdentityMemo[np.ndarray, _Edges] = IdentityMemo(bound=16)


def _edge_mask(net: CorridorNetwork, graph: CorridorGraph, req: _Request) -> BoolArray:
    ok = graph.open.copy()
    edges = _edges(net, graph)
    tail, head = edges.tail, edges.head
    if req.avoid_countries:
        bad = np.isin(net.node_country, list(req.avoid_countries)) & ~_straits(net)
        ok &= ~bad[tail] & ~bad[head]
    for nodes in (req.avoid_nodes, req.closed):
        if nodes:
            bad = np.zeros(net.n_nodes, dtype=bool)
            bad[list(nodes)] = True
            ok &= ~bad[tail] & ~bad[head]
    travel = edges.travel
    if req.closed_links:
        ok &= ~(travel & np.isin(graph.edge_link, list(req.closed_links)))
    if not req.road_trunk:
        road = travel & (edges.mode == LinkMode.ROAD)
        if road.any():
            ends = _last_mile(net, req.origin.index) | _last_mile(net, req.destination.index)
            ok &= ~road | (ends[tail] & ends[head])
    if req.modes != frozenset(MODES):
        allowed = np.isin(np.arange(len(MODES)), [MODES.index(m) for m in req.modes])
        ok &= ~travel | allowed[edges.mode]
    return ok


def _search(
    graph: CorridorGraph,
    req: _Request,
    ok: BoolArray,
    *,
    criteria: Sequence[str] = _CRITERIA,
    eps: float = 0.0,
    require: BoolArray | None = None,
) -> list[ParetoPath]:
    return pareto_paths(
        graph,
        req.origin.index,
        req.destination.index,
        criteria=criteria,
        edge_ok=ok,
        via=req.via,
        max_transshipments=req.max_transshipments,
        eps=eps,
        require=require,
        compile_above=req.compile_above,
        budget=req.budget,
    )


def _diagnose(net: CorridorNetwork, graph: CorridorGraph, req: _Request) -> NoRouteError:
    """Find which constraints block every route, by relaxing them one at a time."""
    where = f"{req.origin.name} to {req.destination.name}"
    for name, node in (("origin", req.origin), ("destination", req.destination)):
        if node.country in req.avoid_countries:
            return NoRouteError(
                f"no route from {where}: the {name} is in {node.country}, which "
                "--avoid-country excludes",
                blocking=("avoid_country",),
            )
        if node.index in req.avoid_nodes:
            return NoRouteError(
                f"no route from {where}: the {name} is excluded by --avoid-node",
                blocking=("avoid_node",),
            )
    relaxations: dict[str, Callable[[_Request], _Request]] = {
        "avoid_country": lambda r: _replace(r, avoid_countries=frozenset()),
        "avoid_node": lambda r: _replace(r, avoid_nodes=frozenset()),
        "via": lambda r: _replace(r, via=()),
        "modes": lambda r: _replace(r, modes=frozenset(MODES)),
        "max_transshipments": lambda r: _replace(r, max_transshipments=None),
        "include_planned": lambda r: _replace(r, include_planned=True),
    }
    active = {
        "avoid_country": bool(req.avoid_countries),
        "avoid_node": bool(req.avoid_nodes),
        "via": bool(req.via),
        "modes": req.modes != frozenset(MODES),
        "max_transshipments": req.max_transshipments is not None,
        "include_planned": not req.include_planned,
    }
    blocking = []
    for name, relax in relaxations.items():
        if not active[name]:
            continue
        r = relax(req)
        g = compile_graph(net, include_planned=r.include_planned) if r.include_planned else graph
        if _search(g, r, _edge_mask(net, g, r), criteria=("time",)):
            blocking.append(name)
    hints = {
        "avoid_country": "--avoid-country",
        "avoid_node": "--avoid-node",
        "via": "--via",
        "modes": "--modes",
        "max_transshipments": "--max-transshipments",
        "include_planned": "planned links (use --include-planned)",
    }
    if blocking:
        said = ", ".join(hints[b] for b in blocking)
        msg = (
            f"no route from {where} satisfies the constraints; "
            f"relaxing {said} alone would allow one"
        )
        return NoRouteError(msg, blocking=tuple(blocking))
    on = [hints[n] for n, a in active.items() if a and n != "include_planned"]
    if on:
        msg = (
            f"no route from {where} satisfies the constraints together "
            f"({', '.join(on)}); no single one of them is the only obstacle"
        )
        return NoRouteError(msg, blocking=tuple(n for n, a in active.items() if a))
    return NoRouteError(f"no route from {where}: the network does not connect them")


def _replace(req: _Request, **changes: Any) -> _Request:
    values = {f: getattr(req, f) for f in req.__dataclass_fields__}
    values.update(changes)
    return _Request(**values)


def _route(
    net: CorridorNetwork,
    graph: CorridorGraph,
    path: ParetoPath,
    value_of_time: float,
    *,
    req: _Request | None = None,
    label: str | None = None,
) -> Route:
    if req is None:
        return build_route(net, graph, path, value_of_time, label=label)
    return build_route(
        net, graph, path, value_of_time, container=req.container, via=req.via, label=label
    )


class _TravelKm:
    """Each route's travel km by link, made once per route in one fold, not once per pair.

    A fold compares every route with the rows before it; reading each route's legs again
    for every pair cost more than building the route.
    """

    def __init__(self) -> None:
        self._memo: IdentityMemo[Route, dict[str, float]] = IdentityMemo()

    def __call__(self, route: Route) -> dict[str, float]:
        return self._memo.get(route, lambda: _travel_km(route))


def _travel_km(route: Route) -> dict[str, float]:
    return _legs_km(route.legs)


def _legs_km(legs: Iterable[Leg]) -> dict[str, float]:
    return {leg.link_id: leg.distance_km for leg in legs if leg.kind == "travel"}


def _shared_share(
    a: Route, b: Route, *, travel_km: Callable[[Route], dict[str, float]] = _travel_km
) -> float:
    """Share of the shorter route's travel km that runs over links the other also uses."""
    return _km_share(travel_km(a), a.distance_km, travel_km(b), b.distance_km)


def _km_share(km_a: dict[str, float], km_a_total: float, km_b: dict[str, float],
              km_b_total: float) -> float:  # fmt: skip
    shorter = min(km_a_total, km_b_total)
    if shorter <= 0:
        return 0.0
    # A list, not a generator: the same additions in the same order, at less cost.
    return sum([km for link, km in km_a.items() if link in km_b]) / shorter


class _Candidate:
    """A path the fold reads, built into a route only when the fold needs the route.

    Its legs come from the graph's legs (made once per edge): their travel km by link tell
    a path that shares :data:`FOLD_SHARE` of its km with a row (a variant, whatever its
    label) without building it; and its label and generalized cost (the route's, bit for
    bit) tell a variant of the same corridor without building it either.
    """

    def __init__(
        self,
        legs: Sequence[Leg],
        numbers: PathNumbers,
        label: Callable[[Sequence[Leg]], str],
        build: Callable[[str], Route],
    ):
        self.legs = legs
        self.km = _legs_km(legs)
        self.distance_km = numbers.distance_km
        self.generalized_cost = numbers.generalized_cost
        self._label = label
        self._build = build

    @functools.cached_property
    def label(self) -> str:
        return self._label(self.legs)

    @functools.cached_property
    def route(self) -> Route:
        return self._build(self.label)

    def shares_km_with(self, row: _Candidate) -> bool:
        """Whether this path runs :data:`FOLD_SHARE` of the shorter one's km on `row`'s links."""
        return _km_share(row.km, row.distance_km, self.km, self.distance_km) >= FOLD_SHARE


@functools.lru_cache(maxsize=4096)
def _corridor(label: str) -> str:
    """Return a label without its stops.

    ``"Northern"``, ``"Sea via Suez"``, ``"Middle Corridor, then sea via Suez"``.
    """
    head, _, rest = label.partition(", then ")
    name = head if head.startswith("Sea ") else head.split(" via ")[0]
    name = name.split(" (")[0].split(", via ")[0]
    return f"{name}, then {rest.split(' (')[0]}" if rest else name


def _variant_of(
    better: Route, route: Route, *, travel_km: Callable[[Route], dict[str, float]] = _travel_km
) -> bool:
    """Return whether `route` is a variant of the `better` one.

    It is when it has the same corridor label, runs at least :data:`FOLD_SHARE` of the shorter
    route's km over the same links, or follows the same corridor (label without stops) at a
    generalized cost at most :data:`FOLD_GC` higher.
    """
    return (
        _same_corridor(better, route)
        or _shared_share(better, route, travel_km=travel_km) >= FOLD_SHARE
    )


def _same_corridor(better: Route, route: Route | _Candidate) -> bool:
    """Return the label tests of :func:`_variant_of` (same label, or corridor within FOLD_GC)."""
    return better.label == route.label or (
        _corridor(better.label) == _corridor(route.label)
        and route.generalized_cost <= (1 + FOLD_GC) * better.generalized_cost
    )


def _fold(
    candidates: Iterable[_Candidate],
    *,
    max_rows: int | None = None,
    counts: Callable[[Route, Route], bool] | None = None,
    keep_variants: bool = True,
) -> list[Route]:
    """Fold paths, given best generalized cost first, into rows.

    A route joins the first (better) row of which it is a variant (see :func:`_variant_of`),
    as one of that row's variants; otherwise it opens a row. With `max_rows`, routes after
    the one that opens the last row are not read: they could only be variants. With `counts`
    (a row and the best row), only the rows it accepts count towards `max_rows` (the others are
    still rows, which take their variants, and the caller drops them). Without
    `keep_variants`, rows come without variants, and a path that shares :data:`FOLD_SHARE` of
    its km with a row is passed over unbuilt.
    """
    rows: list[tuple[Route, list[Route], _Candidate]] = []
    shown = 0
    for item in candidates:
        # The km test of _variant_of on the paths' own km (the same numbers as the routes').
        by_km = [item.shares_km_with(c) for _, _, c in rows]
        if not keep_variants and any(by_km):
            continue
        for (head, variants, _), km in zip(rows, by_km, strict=True):
            if km or _same_corridor(head, item):
                if keep_variants:
                    variants.append(item.route)
                break
        else:
            r = item.route
            rows.append((r, [], item))
            shown += counts is None or len(rows) == 1 or counts(r, rows[0][0])
            if max_rows is not None and shown >= max_rows:
                break
    # A row without variants is its head as built (which has none): no copy needed.
    return [
        replace(head, variants=tuple(variants)) if variants or head.variants else head
        for head, variants, _ in rows
    ]


def _refold(rows: list[Route]) -> list[tuple[Route, list[Route]]]:
    """Group rows (best first) into heads and the later rows that are variants of them."""
    out: list[tuple[Route, list[Route]]] = []
    travel_km = _TravelKm()
    for r in sorted(rows, key=lambda r: r.generalized_cost):
        for head, merged in out:
            if r.pareto and _variant_of(head, r, travel_km=travel_km):
                merged.append(replace(r, variants=()))
                break
        else:
            out.append((r, []))
    return out


def _outdone(rows: list[Route], chosen: list[Route]) -> bool:
    """Whether each of a family's rows is slower and dearer than a row of another family.

    Then the family's best route may be missing from the rows: dominated by that other row
    too, it left the Pareto front, while a worse route of the family stayed on it by its CO2e
    (Xi'an -> Kars avoiding Russia: the Turkmenbashi ferry row, 19.6 days, stayed; the Aktau
    ferry route, 17.7 days and a lower generalized cost, was dominated by the route through
    Iran). The family's own search is then run, as for a family without a row.
    """

    def outdone(r: Route) -> bool:
        return any(
            _family(o) != _family(r)
            and o.hours_mean <= r.hours_mean
            and o.cost_usd_per_feu <= r.cost_usd_per_feu
            for o in chosen
        )

    return all(outdone(r) for r in rows)


def _repeats_a_row(option: Route, rows: list[Route]) -> bool:
    """Whether a family's comparison option is a variant of a row of the same family.

    A row of another family is no reason to hide it: Chengdu -> Baku by the Aktau ferry shares
    most of its km (China and Kazakhstan) with the row round the Caspian through Russia, and the
    Caspian crossing is the choice the option is there to show.
    """
    return any(_family(r) == _family(option) and _variant_of(r, option) for r in rows)


def _select(
    paths: Sequence[ParetoPath],
    numbers: Sequence[PathNumbers],
    build: Callable[[ParetoPath, str], Route],
    max_routes: int,
    *,
    variants: bool,
    plausible_only: bool = True,
    legs: Callable[[ParetoPath], Sequence[Leg]],
    label: Callable[[Sequence[Leg]], str],
) -> list[Route]:
    """Fold variants (see :func:`_fold`) and keep the best rows, ranked by generalized cost.

    A route that goes to sea, lands, and goes to sea again (Xiamen by sea to Bandar Abbas, rail
    across Iran and Russia, sea again from Poti) is no product anyone sells: such chains are
    dropped while a route with at most one sea voyage remains. With `plausible_only` (the
    default view) a row after the best is kept only if :func:`~silkrail.routing.detours.plausible`.

    Paths are ranked on their `numbers` (the sums their routes would hold), and routes are
    built in that order only until the rows are full, unless the `variants` are kept: building
    a route costs more than finding it, and most paths end up as dropped variants. Without
    `variants`, a path whose `legs` share :data:`FOLD_SHARE` of their travel km with a row, or
    whose `label` (of its legs) is a row's corridor (:func:`_same_corridor`), is not built.
    """
    single = [i for i, n in enumerate(numbers) if n.sea_voyages <= 1] or range(len(paths))
    ranked = sorted(single, key=lambda i: numbers[i].generalized_cost)
    candidates = (
        _Candidate(legs(paths[i]), numbers[i], label, functools.partial(build, paths[i]))
        for i in ranked
    )
    rows = _fold(
        candidates,
        max_rows=None if variants else max_routes,
        counts=plausible if plausible_only else None,
        keep_variants=variants,
    )
    if plausible_only:
        rows = rows[:1] + [r for r in rows[1:] if plausible(r, rows[0])]
    return rows[:max_routes]


def plan(
    net: CorridorNetwork,
    origin: str,
    destination: str,
    *,
    avoid_countries: Iterable[str] = (),
    avoid_nodes: Iterable[str] = (),
    via: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    max_transshipments: int | None = None,
    container: str = "40",
    cargo_tonnes: float | None = None,
    value_of_time: float | None = None,
    include_planned: bool = False,
    max_routes: int = 8,
    emissions: LegEmissions | None = None,
    eps: float = 0.0,
    compiled: bool | None = None,
    compare: str = "plausible",
    variants: bool = False,
    service: str = DEFAULT_SERVICE,
    depart: dt.date | str | None = None,
    through_disruptions: Iterable[str] = (),
    delays: DelayParameters | None = None,
    seed: int = 0,
    max_labels: int | None = None,
) -> RoutePlan:
    """Plan container routes between two places: the Pareto set over time, cost and CO2e.

    The network is compiled to a state-expanded graph (gauge and mode in the state, so gauge
    changes and transshipments happen only where a node offers them); a multi-criteria
    label-setting search finds every route that no other route beats on expected time, cost and
    well-to-wheel CO2e together; no route visits a node twice. Routes that share most of their
    kilometres (or their corridor label) fold into one row, the best by generalized cost, with
    the others as its ``variants``; rows are ranked by generalized cost. The best route of each
    corridor family (Northern, Middle Corridor, sea) missing from the rows is added for
    comparison where it is a plausible choice (see `compare`).

    Parameters
    ----------
    net
        The corridor network.
    origin, destination
        Ids, names or aliases (see :func:`silkrail.locate`).
    avoid_countries
        ISO 3166-1 alpha-2 codes of countries no route may touch.
    avoid_nodes
        Nodes no route may use.
    via
        Nodes every route must pass, in order.
    modes
        Allowed modes among ``rail``, ``ferry``, ``sea``, ``road`` (default: all).
    max_transshipments
        Most gauge changes plus rail–water transfers a route may have.
    container
        ``"40"`` (FEU, default) or ``"20"`` (TEU); sets the default cargo mass for emissions.
        Tariffs in the dataset are per FEU; routes are found and ranked per FEU, and each
        route's ``cost_usd_per_container`` prices the chosen size (for 20 ft, each leg's cost
        times the sourced TEU/FEU price ratio of its mode or of handling).
    cargo_tonnes
        Cargo mass in the container (default: the emission factor table's default).
    value_of_time
        USD per FEU-hour for ranking (default: the packaged, sourced planner parameter).
    include_planned
        Allow links and nodes whose status is ``planned``.
    max_routes
        Most routes returned.
    emissions
        Per-link and per-transfer emissions; default computed from the packaged factors.
    eps
        Relative tolerance of Pareto dominance (0 = exact).
    compiled
        Run the search kernels compiled with numba: ``None`` (default) from the second plan of a
        process on (and on large graphs), so that a one-shot plan does not wait for numba to
        load; ``True`` always, for long-running processes such as the web service; ``False``
        never.
    compare
        Which rows and corridor-family comparison options to show: ``"plausible"`` (default)
        the best row and those others whose land stretches run at most
        :data:`~silkrail.routing.detours.PLAUSIBLE_DETOUR` times their great-circle km and whose
        generalized cost is at most :data:`~silkrail.routing.detours.PLAUSIBLE_GC_RATIO` times
        the best row's (:func:`~silkrail.routing.detours.plausible`); ``"all"`` every row and
        every family's best route. An option sharing most of its kilometres with a row of its
        own family is never added.
    variants
        Keep each row's folded variants in ``Route.variants`` (with their own time
        percentiles); by default they are dropped.
    service
        The service class: ``"fixed-schedule"`` (timetabled express with border priority),
        ``"block"`` (the ordinary block train, default) or ``"regular"`` (regular shipments
        as ADB CAREC CPMM measures them); see
        :func:`silkrail.routing.service_classes.service_class`.
    depart
        Departure date (``datetime.date`` or ``"YYYY-MM-DD"``; default today): the dated
        conditions (disruptions, congestion periods, Caspian storm season) of that date apply.
    through_disruptions
        Ids of disruptions to plan through anyway (e.g. ``["red-sea"]`` for the Suez route);
        routes through them are labelled.
    delays
        The estimated delay parameters (default: the packaged calibrated values).
    seed
        Seed of the Monte Carlo draws behind the percentiles; the same seed gives the same plan.
    max_labels
        Budget of the route searches, in labels, over all of them (the Pareto search, the
        corridor-family options and the diagnosis of a missing route). Search time grows
        faster than the labels, so this bounds the time of a plan: ~150,000 labels take well
        under a second. Default: unbounded (a server should set one).

    Returns
    -------
    RoutePlan
        Routes best first, each with time p50/p95, cost, CO2e, borders, transshipments,
        countries and legs.

    Raises
    ------
    UnknownLocationError
        If a place is not found (with suggestions).
    NoRouteError
        If no route satisfies the constraints; ``blocking`` names the constraints that
        block every route.
    SearchBudgetError
        If the searches need more than `max_labels` labels.
    ValueError
        If an option is out of range.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> net = load_network()
    >>> p = plan(net, "Chongqing", "Duisburg")
    >>> any(r.label.startswith("Northern") for r in p.routes)
    True
    >>> p2 = plan(net, "Chongqing", "Duisburg", avoid_countries=["RU", "BY"])
    >>> any("RU" in r.countries or "BY" in r.countries for r in p2.routes)
    False
    """
    from silkrail.routing._defaults import default_cargo_tonnes, default_vot

    if container not in CONTAINERS:
        msg = f"unknown container {container!r}; choose one of {list(CONTAINERS)}"
        raise ValueError(msg)
    allowed = frozenset(MODES) if modes is None else frozenset(m.strip().lower() for m in modes)
    bad_modes = sorted(allowed - set(MODES))
    if bad_modes or not allowed:
        msg = f"unknown modes {bad_modes}; choose from {list(MODES)}"
        raise ValueError(msg)
    if max_transshipments is not None and max_transshipments < 0:
        msg = f"max_transshipments must be >= 0, got {max_transshipments}"
        raise ValueError(msg)
    if max_routes < 1:
        msg = f"max_routes must be >= 1, got {max_routes}"
        raise ValueError(msg)
    if compare not in COMPARE:
        msg = f"unknown compare {compare!r}; choose one of {list(COMPARE)}"
        raise ValueError(msg)
    tonnes = default_cargo_tonnes(container) if cargo_tonnes is None else float(cargo_tonnes)
    if not 0 <= tonnes <= 30.0:
        msg = f"cargo_tonnes must be between 0 and 30 t per container, got {tonnes}"
        raise ValueError(msg)
    vot = default_vot() if value_of_time is None else float(value_of_time)
    if vot < 0:
        msg = f"value_of_time must be >= 0, got {vot}"
        raise ValueError(msg)
    req = _Request(
        origin=locate(net, origin),
        destination=locate(net, destination),
        avoid_countries=_country_codes(avoid_countries),
        avoid_nodes=frozenset(locate(net, n).index for n in avoid_nodes),
        via=tuple(locate(net, n).index for n in via),
        modes=allowed,
        max_transshipments=max_transshipments,
        include_planned=include_planned,
        compile_above=_compile_above(compiled),
        container=container,
        road_trunk=modes is not None and "road" in allowed,
        budget=None if max_labels is None else LabelBudget(max_labels),
    )
    if req.origin.index == req.destination.index:
        msg = f"origin and destination are the same place ({req.origin.name})"
        raise ValueError(msg)
    ignore = tuple(dict.fromkeys(str(c).strip() for c in through_disruptions))
    conditions = conditions_on(depart, ignore=ignore)
    cls = service_class(net, service)
    params = DelayParameters.packaged() if delays is None else delays
    net = timed_network(cls.network, params, conditions)
    closed = frozenset(net.index_of(n) for n in conditions.closed if n in net.country_of)
    links = link_index(net)
    closed_links = frozenset(links[k] for k in conditions.closed if k in links)
    req = _replace(req, closed=closed, closed_links=closed_links)
    graph = _compiled(net, tonnes, emissions, include_planned=include_planned)
    ok = _edge_mask(net, graph, req)
    paths = _search(graph, req, ok, eps=eps)
    if not paths:
        raise _diagnose(net, graph, req)
    numbers = paths_numbers(net, graph, paths, vot)
    chosen = _select(
        paths, numbers, lambda p, label: _route(net, graph, p, vot, req=req, label=label),
        max_routes, variants=variants, plausible_only=compare == "plausible",
        legs=lambda p: edge_legs(net, graph, p.edges),
        label=lambda legs: legs_label(net, legs, via=req.via),
    )  # fmt: skip
    extras: list[Route] = []
    for family, finder in _FAMILIES.items():
        present = [r for r in chosen if _family(r) == family]
        if present and not _outdone(present, chosen):
            continue
        option = finder(net, graph, req, ok, vot, eps)
        if option is None:
            continue
        if present:
            # Better than the family's rows: shown, and a row it shares most km with folds
            # into it as a variant below.
            if option.generalized_cost >= min(r.generalized_cost for r in present):
                continue
        elif _repeats_a_row(option, [*chosen, *extras]):
            continue
        if compare == "all" or plausible(option, chosen[0]):
            extras.append(_with_pareto(option, numbers))
    if modes is None and chosen[0].land_detour_index > PLAUSIBLE_DETOUR:
        # By default trucks carry only the first and last mile. Where every rail route goes
        # far round (Termez -> Islamabad through Iran, 7.7 times the great circle), the trunk
        # goes by truck in practice (Afghanistan): offer the best route with road on it, if
        # it goes less far round.
        road = _road_trunk_option(net, graph, req, vot, eps, within=chosen[0].land_detour_index)
        if road is not None:
            extras.append(_with_pareto(road, numbers))
    if extras:
        keep = chosen[: max(max_routes - len(extras), 1)]
        chosen = sorted([*keep, *extras], key=lambda r: r.generalized_cost)
        if compare == "plausible":
            chosen = chosen[:1] + [r for r in chosen[1:] if plausible(r, chosen[0])]
    chosen = with_percentiles(chosen, net, cls, params, conditions, value_of_time=vot, seed=seed)
    # The drawn means re-rank the rows: fold again those that are now variants of a better row.
    chosen = [
        replace(head, variants=tuple(v for r in (head, *merged) for v in (r.variants or ()))
                + tuple(merged))
        for head, merged in _refold(chosen)
    ]  # fmt: skip
    # Variants get the same time statistics as rows, but only when asked for: they cost draws.
    chosen = [
        replace(r, variants=tuple(with_percentiles(
            list(r.variants), net, cls, params, conditions, value_of_time=vot, seed=seed
        ))) if variants and r.variants else replace(r, variants=()) if r.variants else r
        for r in chosen
    ]  # fmt: skip
    constraints = {
        "service": service,
        "depart": conditions.depart.isoformat(),
        "conditions": sorted({*conditions.closed.values(), *conditions.ignored}),
        "through_disruptions": list(ignore),
        "avoid_countries": sorted(req.avoid_countries),
        "avoid_nodes": sorted(str(net.node_id[i]) for i in req.avoid_nodes),
        "via": [str(net.node_id[i]) for i in req.via],
        "modes": sorted(allowed),
        "max_transshipments": max_transshipments,
        "container": container,
        "include_planned": include_planned,
    }
    return RoutePlan(
        origin=req.origin,
        destination=req.destination,
        routes=tuple(chosen),
        value_of_time=vot,
        cargo_tonnes=tonnes,
        constraints=constraints,
    )


def _last_mile(net: CorridorNetwork, node: int) -> BoolArray:
    """Nodes a truck reaches from `node` by road before the first terminal with a truck lift.

    By default trucks carry containers only between a place and its nearest terminals (the
    first and last mile); on the trunk they compete only when road is named in ``modes``.
    """
    cache = network_cache(net)
    key = ("last_mile", node)
    hit = cache.get(key)
    if isinstance(hit, np.ndarray):
        return hit
    hit_nbrs = cache.get("road_neighbours")
    nbrs: dict[int, list[int]] = hit_nbrs if isinstance(hit_nbrs, dict) else {}
    if not isinstance(hit_nbrs, dict):
        for k in np.flatnonzero(net.link_mode == LinkMode.ROAD):
            a, b = int(net.link_from[k]), int(net.link_to[k])
            nbrs.setdefault(a, []).append(b)
            nbrs.setdefault(b, []).append(a)
        cache["road_neighbours"] = nbrs
    lift = net.offers_road_transfer
    seen = np.zeros(net.n_nodes, dtype=bool)
    seen[node] = True
    frontier = [] if lift[node] else [node]
    while frontier:
        nxt = []
        for a in frontier:
            for b in nbrs.get(a, ()):
                if not seen[b]:
                    seen[b] = True
                    if not lift[b]:
                        nxt.append(b)
        frontier = nxt
    cache[key] = seen
    return seen


def _straits(net: CorridorNetwork) -> BoolArray:
    """Sea waypoints that are international straits, not canals.

    Avoiding a country avoids its ports, land and canals (a sea link between two waypoints of
    one country, e.g. Suez or Kiel), but not the straits ships pass under transit passage
    (Dover, the Bosphorus, Gibraltar): those stay open.
    """
    cache = network_cache(net)
    hit = cache.get("straits")
    if isinstance(hit, np.ndarray):
        return hit
    wp = net.is_sea_waypoint
    sea = net.link_mode == LinkMode.SEA
    a, b = net.link_from, net.link_to
    canal = sea & wp[a] & wp[b] & (net.node_country[a] == net.node_country[b])
    is_canal = np.zeros(net.n_nodes, dtype=bool)
    is_canal[a[canal]] = True
    is_canal[b[canal]] = True
    out: BoolArray = wp & ~is_canal
    cache["straits"] = out
    return out


def _compiled(
    net: CorridorNetwork,
    tonnes: float,
    emissions: LegEmissions | None,
    *,
    include_planned: bool,
) -> CorridorGraph:
    """Compile the graph, cached per network, cargo mass and planned-link option."""
    from silkrail.routing._defaults import default_emissions

    if emissions is not None:
        return compile_graph(net, emissions=emissions, include_planned=include_planned)
    cache = network_cache(net)
    key = ("graph", tonnes, include_planned)
    graph = cache.get(key)
    if not isinstance(graph, CorridorGraph):
        em = default_emissions(net, tonnes)
        graph = compile_graph(net, emissions=em, include_planned=include_planned)
        cache[key] = graph
    return graph


def _family(route: Route) -> CorridorFamily:
    return family_of_label(route.label)


def _option(
    net: CorridorNetwork,
    graph: CorridorGraph,
    req: _Request,
    ok: BoolArray,
    vot: float,
    eps: float,
    *,
    require: BoolArray,
    exclude: BoolArray,
    family: CorridorFamily,
) -> Route | None:
    """Find the best route of one corridor family (one that visits no node twice)."""
    if not (ok & require).any():
        return None
    # First minimise the generalized cost itself, a one-criterion search (the cost column of a
    # copy of the graph holds it): the mask makes its best path a route of the family but for
    # rare sea routes that start abroad, which the (time, cost) search below then handles.
    gc_graph = _GC_GRAPHS.get(
        graph, lambda: replace(graph, cost=graph.cost + vot * graph.time_mean), vot
    )
    paths = _search(gc_graph, req, ok & ~exclude, eps=eps, require=require, criteria=("cost",))
    if not paths:
        return None
    fitting = _fitting(net, graph, paths, vot, req=req, family=family)
    if fitting:
        path, label, _ = fitting[0]
        return _route(net, graph, path, vot, req=req, label=label)
    # The generalized cost is a positive mix of time and cost, so its optimum lies on the
    # (time, cost) Pareto front: a two-criteria search is exact here and much smaller.
    paths = _search(graph, req, ok & ~exclude, eps=eps, require=require, criteria=("time", "cost"))
    fitting = _fitting(net, graph, paths, vot, req=req, family=family)
    if not fitting:
        return None
    path, label, _ = min(fitting, key=lambda f: f[2].generalized_cost)
    return _route(net, graph, path, vot, req=req, label=label)


def _fitting(
    net: CorridorNetwork,
    graph: CorridorGraph,
    paths: Sequence[ParetoPath],
    vot: float,
    *,
    req: _Request,
    family: CorridorFamily,
) -> list[tuple[ParetoPath, str, PathNumbers]]:
    """Return the paths of a family with at most one sea voyage (read from labels, not routes)."""
    out = []
    for p, numbers in zip(paths, paths_numbers(net, graph, paths, vot), strict=True):
        label = legs_label(net, edge_legs(net, graph, p.edges), via=req.via)
        if family_of_label(label) == family and numbers.sea_voyages <= 1:
            out.append((p, label, numbers))
    return out


# The generalized-cost copy of each graph, by value of time: a plan's family options each
# search it, and so does every plan on the same graph.
_GC_GRAPHS: IdentityMemo[CorridorGraph, CorridorGraph] = IdentityMemo(bound=16)


def _sea_option(
    net: CorridorNetwork,
    graph: CorridorGraph,
    req: _Request,
    ok: BoolArray,
    vot: float,
    eps: float,
) -> Route | None:
    """Find the best route whose main haul is a deep-sea voyage, for comparison.

    It reaches a port and leaves the destination port on standard or Iberian gauge rail only
    (no 1520 mm network, no Caspian or Black Sea ferry) and must use a sea link: the shipper's
    real alternative, not a detour that adds a sea leg to a land route.
    """
    edges = _edges(net, graph)
    travel, mode, link = edges.travel, edges.mode, edges.link
    broad_or_ferry = travel & ((mode == LinkMode.FERRY) | (net.link_gauge_mm[link] == 1520))
    return _option(
        net, graph, req, ok, vot, eps,
        require=travel & (mode == LinkMode.SEA), exclude=broad_or_ferry,
        family=CorridorFamily.SEA,
    )  # fmt: skip


def _middle_option(
    net: CorridorNetwork,
    graph: CorridorGraph,
    req: _Request,
    ok: BoolArray,
    vot: float,
    eps: float,
) -> Route | None:
    """Find the best Middle Corridor route: one that crosses the Caspian by ferry, no sea."""
    edges = _edges(net, graph)
    travel, mode = edges.travel, edges.mode
    require = travel & caspian_ferry_links(net)[edges.link]
    # The Trans-Caspian route is the one that avoids Russia and Belarus (unless a trip starts
    # or ends there): crossing the Caspian to rejoin the Northern route is no alternative.
    north = np.isin(net.node_country, list(NORTHERN_STATES))
    north[[req.origin.index, req.destination.index]] = False
    exclude = travel & ((mode == LinkMode.SEA) | north[edges.tail] | north[edges.head])
    return _option(
        net, graph, req, ok, vot, eps, require=require, exclude=exclude,
        family=CorridorFamily.MIDDLE,
    )  # fmt: skip


def _northern_option(
    net: CorridorNetwork,
    graph: CorridorGraph,
    req: _Request,
    ok: BoolArray,
    vot: float,
    eps: float,
) -> Route | None:
    """Find the best Northern route: rail through Russia or Belarus, no ferry or sea."""
    edges = _edges(net, graph)
    north = np.isin(net.node_country, list(NORTHERN_STATES))
    touches = north[edges.tail] | north[edges.head]
    return _option(
        net, graph, req, ok, vot, eps,
        require=edges.travel & touches, exclude=edges.travel & (edges.mode != LinkMode.RAIL),
        family=CorridorFamily.NORTHERN,
    )  # fmt: skip


# The corridor families a forwarder compares; the best of each is shown even when dominated
# where it is a plausible choice (see silkrail.routing.detours.plausible).
_FAMILIES = {
    CorridorFamily.NORTHERN: _northern_option,
    CorridorFamily.MIDDLE: _middle_option,
    CorridorFamily.SEA: _sea_option,
}


def _road_trunk_option(
    net: CorridorNetwork,
    graph: CorridorGraph,
    req: _Request,
    vot: float,
    eps: float,
    *,
    within: float,
) -> Route | None:
    """Find the best route with trucks allowed on the trunk.

    Returns the route of least generalized cost if it runs by road somewhere and its land
    stretches go less far round than ``within`` (a land detour index), else None.
    """
    road = _replace(req, road_trunk=True)
    ok = _edge_mask(net, graph, road)
    paths = _search(graph, road, ok, eps=eps)
    if not paths:
        return None
    numbers = paths_numbers(net, graph, paths, vot)
    best = min(range(len(paths)), key=lambda i: numbers[i].generalized_cost)
    route = _route(net, graph, paths[best], vot, req=road)
    if "road" not in route.modes or route.land_detour_index >= within:
        return None
    return route


def _with_pareto(route: Route, pareto_routes: Sequence[Route | PathNumbers]) -> Route:
    """Mark a route found by a restricted search as (not) Pareto-optimal overall."""
    from dataclasses import replace

    def key(r: Route | PathNumbers) -> np.ndarray:
        return np.array([r.hours_mean, r.cost_usd_per_feu, r.co2e_kg_per_feu_wtw])

    a = key(route)
    dominated = any(np.all(key(r) <= a) and np.any(key(r) < a) for r in pareto_routes)
    return replace(route, pareto=not dominated)
