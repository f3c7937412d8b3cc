"""Bring the planner's expected times and percentiles in line with the route's random parts."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from silkrail.graph.compile import HOURS_PER_WEEK
from silkrail.routing._cache import caspian_ferry_links, network_cache
from silkrail.routing.results import HOURS_PER_DAY
from silkrail.routing.uncertainty import (
    DelayParameters,
    draw_route_hours,
    expected_caspian_hours,
    route_parts,
)

if TYPE_CHECKING:
    from silkrail.network.model import CorridorNetwork
    from silkrail.routing.conditions import Conditions
    from silkrail.routing.results import Route
    from silkrail.routing.service_classes import ServiceClass

__all__ = ["timed_network", "with_percentiles"]


def timed_network(
    net: CorridorNetwork, params: DelayParameters, conditions: Conditions
) -> CorridorNetwork:
    """Return the network with the expected delays the route search must see.

    Half the expected extra hours of a Caspian crossing (vessel space, storm closure of the
    departure month, port dwell) is added to the rail–water transfer time of each Caspian
    ferry port, so a crossing (two transfers) carries all of it; a congestion period in force
    on the departure date adds its mean wait to the node's border time.

    Parameters
    ----------
    net
        The network (of a service class).
    params
        The estimated delay parameters.
    conditions
        The departure date's conditions.

    Returns
    -------
    CorridorNetwork
        A network with adjusted ``port_transfer_hours`` and ``border_hours``.

    Examples
    --------
    >>> import silkrail
    >>> from silkrail.routing.conditions import conditions_on
    >>> net = silkrail.load_network()
    >>> t = timed_network(net, DelayParameters.packaged(), conditions_on("2025-12-01"))
    >>> i = net.index_of("KZ-AKTAU")
    >>> bool(t.port_transfer_hours[i] > net.port_transfer_hours[i])
    True
    """
    month = conditions.depart.month
    active = tuple(p for p in conditions.congestion if p.start <= conditions.depart <= p.end)
    key = (params, month, conditions.storm_fraction, conditions.storm_length_days, active)
    cached = network_cache(net)
    hit = cached.get(key)
    if hit is not None:
        return hit  # type: ignore[return-value]
    port = net.port_transfer_hours.copy()
    for k in np.flatnonzero(caspian_ferry_links(net)):
        headway = HOURS_PER_WEEK / float(net.sailings_per_week[k])
        extra = expected_caspian_hours(params, conditions, headway) / 2
        for node in (net.link_from[k], net.link_to[k]):
            if not np.isnan(port[node]):
                port[node] = max(port[node], net.port_transfer_hours[node] + extra)
    border = net.border_hours.copy()
    for p in active:
        for node_id in p.nodes:
            if node_id in net.country_of:
                i = net.index_of(node_id)
                border[i] = np.nan_to_num(border[i]) + p.hours
    out = replace(net, port_transfer_hours=port, border_hours=border)
    cached[key] = out
    return out


def with_percentiles(
    routes: list[Route],
    net: CorridorNetwork,
    cls: ServiceClass,
    params: DelayParameters,
    conditions: Conditions,
    *,
    value_of_time: float,
    seed: int = 0,
) -> list[Route]:
    """Replace each route's time statistics by Monte Carlo over its random parts.

    The mean, p5, p50 and p95 come from :func:`~silkrail.routing.uncertainty.draw_route_hours`
    (each random part its own stream of `seed`, so a route's figures do not depend on the
    other routes, and routes sharing a part share its draws); the generalized cost is
    recomputed with the new mean and the routes re-ranked. Routes through a disruption the
    caller planned through are labelled with it.

    Parameters
    ----------
    routes
        Planned routes.
    net
        The network they were planned on.
    cls
        Their service class.
    params
        The estimated delay parameters.
    conditions
        The departure date's conditions.
    value_of_time
        USD per FEU-hour of the ranking.
    seed
        Seed of the draws.

    Returns
    -------
    list of Route
        The routes, ranked by the new generalized cost.
    """
    disrupted = conditions.through
    if not routes:
        return []
    drawn = []
    for r in routes:
        parts = route_parts(
            r,
            cls.network,  # untimed: the draws add the expected delays the search saw
            conditions,
            queue_priority=cls.queue_priority,
            origin_dwell=cls.origin_dwell_factor > 0,
        )
        drawn.append(
            draw_route_hours(
                parts, params, conditions, dwell_factor=cls.origin_dwell_factor, seed=seed
            )
        )
    # One call over every route's row: NumPy's percentile, mean and variance along an axis
    # are its 1-D ones row by row (the same bits), without their per-call cost.
    hours = np.stack(drawn)
    quantiles = (np.percentile(hours, [5, 50, 95], axis=1) / HOURS_PER_DAY).T.tolist()
    means = hours.mean(axis=1).tolist()
    variances = hours.var(axis=1).tolist()
    out = []
    for r, (p5, p50, p95), mean, var in zip(routes, quantiles, means, variances, strict=True):
        label = r.label
        through = sorted({disrupted[n] for n in r.nodes if n in disrupted})
        if through:
            label += f" (through the {', '.join(through)} disruption)"
        out.append(
            replace(
                r,
                label=label,
                hours_mean=mean,
                hours_var=var,
                transit_days_p5=p5,
                transit_days_p50=p50,
                transit_days_p95=p95,
                generalized_cost=r.cost_usd_per_feu + value_of_time * mean,
                service=cls.name,
            )
        )
    return sorted(out, key=lambda r: r.generalized_cost)
