"""Route choice with simulated delays fed back: assign → simulate → update → reassign.

DESIGN §5: corridor congestion is set by border crossings, gauge-change yards, single-track
sections and ferries, and the simulator measures the delays they cause. :func:`reassign`
closes the loop. Each round simulates the services on their current routes, adds every
station's simulated mean wait to the network (border, gauge-change and port hours at nodes;
running time on links, beyond the half sailing interval the planner already counts for water
links), and re-plans every service on that network. Each of a service's routes then hands the
share ``min(1, (T - T_best) / T_best) / k`` of its trains to the new best route in round
``k``, where ``T`` is the route's simulated mean transit time and ``T_best`` the planner's
expected time of the best route on the delayed network: route swapping in proportion to the
cost difference (Smith 1984) with the decreasing steps of the method of successive averages
(Sheffi 1985 §12), and no move within an indifference band. A station no train reaches in a
round keeps its last wait, so trains do not drift back into a closure they left. A closure
that lasts the whole run makes its stations' waits as long as the run, so the trains leave
it; a short one costs less than a detour, and they stay. With ``keep_via`` (the default) a
service keeps the border gateway the demand table gives it and only the rest of its route may
change. This is a heuristic, not a proven equilibrium: the report of each round says how much
still moves.

The result holds the final model (each service split over its routes: the first keeps the
service's name, a route the loop found is ``"<service> — <planner label>"``) and its
simulation, the trains/week of every service on every route, and a report per round.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from silkrail.errors import NoRouteError
from silkrail.graph.compile import HOURS_PER_WEEK
from silkrail.network import LinkMode
from silkrail.routing import plan
from silkrail.routing.families import CorridorFamily, land_family
from silkrail.routing.labels import CASPIAN_STATES
from silkrail.simulation._demand import DEMAND_DATE
from silkrail.simulation.corridor import (
    PLANNER_MODES,
    CorridorRoute,
    CorridorService,
    corridor_model,
    planner_route,
    route_from_plan,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from silkrail.network import CorridorNetwork
    from silkrail.simulation.model import Scenario, SimulationModel
    from silkrail.simulation.montecarlo import MonteCarloResult

__all__ = ["ReassignIteration", "Reassignment", "delayed_network", "reassign", "route_family"]

#: A service's route share below this is dropped (and the rest rescaled), so that the model
#: does not fill with routes that carry a train a year.
MIN_ROUTE_SHARE = 0.01

_WATER = (int(LinkMode.FERRY), int(LinkMode.SEA))

#: Default indifference band: half a day on a ten-day route does not make a shipper switch.
INDIFFERENCE = 0.05


@dataclass(frozen=True)
class ReassignIteration:
    """One round of the loop.

    Attributes
    ----------
    iteration
        1, 2, …
    moved_share
        Share of all trains a week that changed route in this round.
    routes
        Service routes in use after the round.
    mean_days
        Mean simulated transit days over all finished trains of the round's simulation
        (before its update).
    """

    iteration: int
    moved_share: float
    routes: int
    mean_days: float


@dataclass(frozen=True)
class Reassignment:
    """The outcome of :func:`reassign`.

    Attributes
    ----------
    model
        The final model: services split over their routes.
    result
        Its simulation.
    flows
        One row per service and route: ``service``, ``route`` (model route name), ``family``
        (Northern, Middle Corridor, …), ``initial_trains_per_week``, ``trains_per_week``.
    iterations
        The report of each round.
    """

    model: SimulationModel
    result: MonteCarloResult
    flows: pd.DataFrame
    iterations: tuple[ReassignIteration, ...]

    def family_shares(self) -> pd.DataFrame:
        """Trains a week by corridor family, initial and final.

        Returns
        -------
        pandas.DataFrame
            Indexed by family; columns ``initial_trains_per_week``, ``trains_per_week``.
        """
        cols = ["initial_trains_per_week", "trains_per_week"]
        return self.flows.groupby("family")[cols].sum().sort_values(cols[1], ascending=False)

    def to_dict(self, *, flows: bool = True) -> dict[str, Any]:
        """Return the trains a week by family, the rounds and (with `flows`) every route.

        Returns
        -------
        dict
            ``rounds``, ``families`` (``family, initial_trains_per_week,
            trains_per_week``), ``iterations`` (``iteration, moved_share, routes,
            mean_days``) and ``flows`` (the rows of :attr:`flows`); NaN as None.
        """
        out: dict[str, Any] = {
            "rounds": len(self.iterations),
            "families": [
                {
                    "family": str(name),
                    "initial_trains_per_week": float(row["initial_trains_per_week"]),
                    "trains_per_week": float(row["trains_per_week"]),
                }
                for name, row in self.family_shares().iterrows()
            ],
            "iterations": [
                {
                    "iteration": it.iteration,
                    "moved_share": it.moved_share,
                    "routes": it.routes,
                    "mean_days": None if math.isnan(it.mean_days) else it.mean_days,
                }
                for it in self.iterations
            ],
        }
        if flows:
            out["flows"] = [
                {str(k): (float(v) if isinstance(v, float) else v) for k, v in rec.items()}
                for rec in self.flows.to_dict(orient="records")
            ]
        return out


def route_family(net: CorridorNetwork, route: CorridorRoute) -> CorridorFamily:
    """Name the corridor family of a route as the planner's labels do.

    Examples
    --------
    >>> from silkrail import load_network
    >>> from silkrail.simulation import planner_route
    >>> net = load_network()
    >>> route_family(net, planner_route(net, "Xi'an", "Duisburg"))
    <CorridorFamily.NORTHERN: 'Northern'>
    """
    country = net.country_of
    countries = {country[n] for n in route.node_ids}
    link_row = {str(k): i for i, k in enumerate(net.link_id)}
    caspian = any(
        int(net.link_mode[link_row[link]]) == int(LinkMode.FERRY)
        and country[a] in CASPIAN_STATES
        and country[b] in CASPIAN_STATES
        for link, a, b in zip(route.link_ids, route.node_ids, route.node_ids[1:], strict=False)
    )
    return land_family(countries, caspian_ferry=caspian)


def delayed_network(net: CorridorNetwork, stations: pd.DataFrame) -> CorridorNetwork:
    """Return a copy of `net` with simulated mean waits added where the planner counts time.

    Parameters
    ----------
    net
        The network the model was built on.
    stations
        :meth:`MonteCarloResult.station_summary` of a corridor model (station names as
        :func:`corridor_model` gives them; columns ``category`` and ``mean_wait_h``).

    Returns
    -------
    CorridorNetwork
        Border, gauge-change and port hours raised by the waits at those node stations;
        link speeds lowered so that each link's running time grows by the longer of its two
        directions' waits (for ferry and sea links, by the part beyond half the sailing
        interval, which the planner already adds).

    Examples
    --------
    >>> import pandas as pd
    >>> from silkrail import load_network
    >>> net = load_network()
    >>> waits = pd.DataFrame({"category": ["border"], "mean_wait_h": [10.0]},
    ...                      index=["BY-BREST:border"])
    >>> i = net.index_of("BY-BREST")
    >>> float(delayed_network(net, waits).border_hours[i] - net.border_hours[i])
    10.0
    """
    border = net.border_hours.copy()
    gauge = net.gauge_change_hours.copy()
    transfer = net.port_transfer_hours.copy()
    speed = net.speed_kmh.copy()
    link_wait: dict[int, float] = {}
    node_col = {"border": border, "gauge": gauge, "port": transfer}
    for name, row in stations.iterrows():
        wait = float(row["mean_wait_h"])
        if not (wait > 0 and math.isfinite(wait)):
            continue
        where, kind = str(name).rsplit(":", 1)
        if row["category"] in node_col and kind == row["category"]:
            col = node_col[str(row["category"])]
            i = net.index_of(where)
            col[i] = np.nan_to_num(col[i]) + wait
        elif row["category"] in ("section", "ferry"):
            k = int(np.flatnonzero(net.link_id == where)[0])
            link_wait[k] = max(link_wait.get(k, 0.0), wait)
    for k, wait in link_wait.items():
        if int(net.link_mode[k]) in _WATER:
            wait = max(wait - HOURS_PER_WEEK / float(net.sailings_per_week[k]) / 2.0, 0.0)
        if wait > 0:
            hours = float(net.distance_km[k] / speed[k]) + wait
            speed[k] = net.distance_km[k] / hours
    return dataclasses.replace(
        net,
        border_hours=border,
        gauge_change_hours=gauge,
        port_transfer_hours=transfer,
        speed_kmh=speed,
    )


def _key(route: CorridorRoute) -> tuple[str, ...]:
    return route.link_ids


def _label(sv: CorridorService) -> str:
    return sv.name or f"{sv.origin}>{sv.destination}"


def _services(
    services: Sequence[CorridorService],
    flows: list[dict[tuple[str, ...], float]],
    routes: list[dict[tuple[str, ...], tuple[CorridorRoute, str]]],
) -> tuple[list[CorridorService], list[int]]:
    """One service per (service, route) with trains, and the index of its service.

    A service's first route keeps the service's name; a route the loop found is named
    ``"<service> — <planner label>"``, so the same path has the same name in every run.
    """
    out, owner = [], []
    for i, (sv, flow, known) in enumerate(zip(services, flows, routes, strict=True)):
        for key, tpw in flow.items():
            route, label = known[key]
            name = f"{_label(sv)} — {label}" if label else _label(sv)
            out.append(dataclasses.replace(sv, trains_per_week=tpw, route=route, name=name))
            owner.append(i)
    return out, owner


def _scenario_for(
    scenario: Scenario | None,
    model: SimulationModel,
    services: Sequence[CorridorService],
    owner: Sequence[int],
) -> Scenario | None:
    """Fit the scenario to a reassigned model.

    Growth named for a service applies to all its routes; closures and capacity or ferry
    changes at places no route uses any more (the trains left them) are dropped.
    """
    if scenario is None:
        return None
    growth = dict(scenario.service_growth)
    per_route = tuple(
        (route.name, growth[_label(services[i])])
        for route, i in zip(model.services, owner, strict=True)
        if _label(services[i]) in growth
    )
    return dataclasses.replace(
        scenario,
        service_growth=per_route,
        closures=tuple(c for c in scenario.closures if model.targets(c.target)),
        capacity=tuple(c for c in scenario.capacity if model.targets(c.target)),
        ferries=tuple(f for f in scenario.ferries if f.target is None or model.targets(f.target)),
    )


def _remember(known: pd.DataFrame, stations: pd.DataFrame) -> pd.DataFrame:
    """Update the waits of the stations trains reached; keep the last known elsewhere.

    A station no train reaches in a round (its trains moved away from a closure) keeps the
    wait it had, so the trains do not move back into it the next round.
    """
    seen = stations.loc[stations["arrivals"] > 0, ["category", "mean_wait_h"]]
    return pd.concat([known.drop(index=seen.index, errors="ignore"), seen])


def _route_days(mc: MonteCarloResult) -> tuple[dict[str, float], float]:
    """Return simulated mean transit days per route, and over all finished trains.

    A route where no train finished gets infinity; the overall mean is NaN if none finished.
    """
    df = mc.route_summary()
    done = df["finished"].to_numpy(dtype=float)
    days = df["mean_days"].to_numpy(dtype=float)
    ok = (done > 0) & np.isfinite(days)
    per_route = {
        str(n): float(d) if good else math.inf
        for n, d, good in zip(df.index, days, ok, strict=True)
    }
    mean = float((days[ok] * done[ok]).sum() / done[ok].sum()) if ok.any() else math.nan
    return per_route, mean


def reassign(
    net: CorridorNetwork,
    services: Sequence[CorridorService],
    run: Callable[[SimulationModel, Scenario | None], MonteCarloResult],
    *,
    scenario: Scenario | None = None,
    iterations: int = 4,
    keep_via: bool = True,
    indifference: float = INDIFFERENCE,
    include_planned: bool = False,
    **corridor_options: object,
) -> Reassignment:
    """Re-route services by their simulated delays until the loop has run `iterations` rounds.

    See the module docstring for the method.

    Parameters
    ----------
    net
        The network.
    services
        Train services; those without a route get the planner's.
    run
        Simulates a model under a scenario, e.g. ``lambda m, s: replicate(m, scenario=s,
        days=365, replications=10, seed=1)``; the same seed each round (common random
        numbers) keeps rounds comparable.
    scenario
        Closures, capacity and demand changes for every round.
    iterations
        Rounds of simulate → update → re-plan; the final model is simulated once more.
    indifference
        Trains stay on a route unless the new best is faster by more than this share of its
        time (the indifference band of bounded-rational route choice, Mahmassani and Chang
        1987), so that simulation noise does not scatter them over near-equal routes.
    keep_via
        Keep each service's ``via`` places (the demand table's border gateway) when
        re-planning; ``False`` lets the gateway change too.
    include_planned
        Let the planner use planned links and nodes.
    **corridor_options
        Passed to :func:`corridor_model` (vessel sizes, ferry policy, …).

    Returns
    -------
    Reassignment
        Final model, simulation, flows and the report per round.

    Raises
    ------
    ValueError
        If `iterations` is negative.

    Examples
    --------
    >>> from silkrail import load_network
    >>> from silkrail.simulation import CorridorService, replicate
    >>> net = load_network()
    >>> sv = [CorridorService("Xi'an", "Duisburg", trains_per_week=10)]
    >>> out = reassign(net, sv, lambda m, s: replicate(m, scenario=s, days=30,
    ...                replications=2, seed=1, scheduler="serial"), iterations=1)
    >>> float(out.flows["trains_per_week"].sum())
    10.0
    """
    if iterations < 0:
        msg = f"iterations must be >= 0, got {iterations}"
        raise ValueError(msg)
    services = list(services)
    flows: list[dict[tuple[str, ...], float]] = []
    known: list[dict[tuple[str, ...], tuple[CorridorRoute, str]]] = []
    for i, sv in enumerate(services):
        route = sv.route or planner_route(
            net, sv.origin, sv.destination, via=sv.via, include_planned=include_planned
        )
        if not sv.name:
            # Named by node ids, as corridor_model names a service without a name.
            services[i] = dataclasses.replace(sv, name=f"{route.origin}>{route.destination}")
        flows.append({_key(route): sv.trains_per_week})
        known.append({_key(route): (route, "")})
    initial = [dict(f) for f in flows]
    opts = {**corridor_options, "include_planned": include_planned}
    report: list[ReassignIteration] = []
    waits = pd.DataFrame({"category": pd.Series(dtype=str), "mean_wait_h": pd.Series(dtype=float)})
    for k in range(1, iterations + 1):
        expanded, owner = _services(services, flows, known)
        model = corridor_model(net, expanded, **opts)  # type: ignore[arg-type]
        mc = run(model, _scenario_for(scenario, model, services, owner))
        waits = _remember(waits, mc.station_summary())
        delayed = delayed_network(net, waits)
        simulated, mean_days = _route_days(mc)
        moved = 0.0
        for i, sv in enumerate(services):
            if sum(flows[i].values()) <= 0:
                continue  # a service without trains has nothing to move
            try:
                planned = plan(
                    delayed,
                    sv.origin,
                    sv.destination,
                    via=sv.via if keep_via else (),
                    modes=PLANNER_MODES,
                    max_routes=1,
                    include_planned=include_planned,
                    depart=DEMAND_DATE,
                    # Hundreds of plans a round: the compiled kernels pay for their loading.
                    compiled=True,
                ).routes[0]
            except NoRouteError:
                continue
            best = route_from_plan(planned)
            key = _key(best)
            known[i].setdefault(key, (best, planned.label))
            best_days = planned.hours_mean / 24.0
            names = [r.name for r, o in zip(model.services, owner, strict=True) if o == i]
            new = dict(flows[i])
            for name, (r, tpw) in zip(names, flows[i].items(), strict=True):
                if r == key:
                    continue
                days = simulated.get(name, math.inf)
                gain = (days - best_days) / best_days
                share = min(1.0, gain) / k if gain > indifference else 0.0
                new[r] -= share * tpw
                new[key] = new.get(key, 0.0) + share * tpw
            total = sum(flows[i].values())
            kept = {r: v for r, v in new.items() if v >= MIN_ROUTE_SHARE * total}
            scale = total / sum(kept.values())
            new = {r: v * scale for r, v in kept.items()}
            moved += 0.5 * sum(
                abs(new.get(r, 0.0) - flows[i].get(r, 0.0)) for r in set(new) | set(flows[i])
            )
            flows[i] = new
        all_trains = sum(sum(f.values()) for f in flows)
        report.append(
            ReassignIteration(
                iteration=k,
                moved_share=moved / all_trains if all_trains else 0.0,
                routes=sum(len(f) for f in flows),
                mean_days=mean_days,
            )
        )
    expanded, owner = _services(services, flows, known)
    model = corridor_model(net, expanded, **opts)  # type: ignore[arg-type]
    mc = run(model, _scenario_for(scenario, model, services, owner))
    rows = []
    for sv_final, i, train in zip(expanded, owner, model.services, strict=True):
        assert sv_final.route is not None
        rows.append(
            {
                "service": _label(services[i]),
                "route": train.name,
                "family": route_family(net, sv_final.route),
                "initial_trains_per_week": initial[i].get(_key(sv_final.route), 0.0),
                "trains_per_week": sv_final.trains_per_week,
            }
        )
    # Initial routes the loop left entirely.
    for i, sv in enumerate(services):
        for key, tpw in initial[i].items():
            if key not in flows[i]:
                rows.append(
                    {
                        "service": _label(sv),
                        "route": "",
                        "family": route_family(net, known[i][key][0]),
                        "initial_trains_per_week": tpw,
                        "trains_per_week": 0.0,
                    }
                )
    return Reassignment(model, mc, pd.DataFrame(rows), tuple(report))
