"""Detour measures of a route and the rule for which routes a plan shows by default.

The detour index of a route is its km ÷ the great-circle km between origin and destination
(:attr:`silkrail.Route.detour_index`). Ships sail round continents, so a route with a deep-sea
voyage is far above 1 by nature (Chongqing → Duisburg round the Cape, 3.4) without any detour a
forwarder would object to. The *land detour index* measures what the great circle can judge:
the km of the route's land stretches (rail, road and the Caspian and Black Sea ferries) ÷ the
great-circle km between each stretch's ends. For a route without a sea voyage it is the detour
index itself. See docs/cli.md, "Comparison options and the detour rule".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from silkrail._memo import IdentityMemo
from silkrail.network._geo import great_circle_km

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail.routing.results import Leg, Route

__all__ = ["PLAUSIBLE_DETOUR", "PLAUSIBLE_GC_RATIO", "land_detour_index", "plausible"]

# A route other than the best row is shown by default when its land detour index is at most
# PLAUSIBLE_DETOUR and its generalized cost at most PLAUSIBLE_GC_RATIO x the best row's.
PLAUSIBLE_DETOUR = 2.0
PLAUSIBLE_GC_RATIO = 2.0


def land_detour_index(legs: Sequence[Leg]) -> float:
    """Return the km of a route's land stretches ÷ their great-circle km.

    A land stretch is a run of travel legs between the route's ends and its deep-sea voyages
    (legs of mode ``sea``); ferries across the Caspian and the Black Sea are part of the land
    corridor, as in the corridor families.

    Parameters
    ----------
    legs
        The route's legs (:attr:`silkrail.Route.legs`).

    Returns
    -------
    float
        1.0 for a route that is all sea (no land stretch); NaN for a route without legs.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> from silkrail.routing import plan
    >>> p = plan(load_network(), "Chongqing", "Duisburg", depart="2025-06-01")
    >>> land = next(r for r in p.routes if "sea" not in r.modes)
    >>> round(land_detour_index(land.legs), 6) == round(land.detour_index, 6)
    True
    """
    # A route's legs tuple is kept by every copy of the route (``dataclasses.replace``), and a
    # plan asks for its index several times (fold, comparison options, the answer).
    if not isinstance(legs, tuple):
        return _land_detour_index(legs)
    return _MEMO.get(legs, lambda: _land_detour_index(legs))


# Land detour index by legs tuple, bounded: a server plans many routes.
_MEMO: IdentityMemo[Sequence[Leg], float] = IdentityMemo(bound=4096)


def _land_detour_index(legs: Sequence[Leg]) -> float:
    travel = [leg for leg in legs if leg.kind == "travel"]
    if not travel:
        return float("nan")
    runs: list[list[Leg]] = [[]]
    for leg in travel:
        if leg.mode == "sea":
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(leg)
    runs = [run for run in runs if run]
    if not runs:
        return 1.0
    ends = np.array([[r[0].lat[0], r[0].lon[0], r[-1].lat[1], r[-1].lon[1]] for r in runs])
    crow = float(great_circle_km(ends[:, 0], ends[:, 1], ends[:, 2], ends[:, 3]).sum())
    km = sum(leg.distance_km for run in runs for leg in run)
    return km / crow if crow > 0 else float("nan")


def plausible(route: Route, best: Route) -> bool:
    """Whether a route other than the best row is a choice a shipper would weigh.

    A presentation rule, not a model: the route's land stretches may run at most
    :data:`PLAUSIBLE_DETOUR` times their great-circle distance (Almaty -> Tbilisi by Poland and
    Turkey, 3.5, is not; Beijing -> Baku by Zabaikalsk and Moscow, 2.03, is not) and it may cost
    at most :data:`PLAUSIBLE_GC_RATIO` times the best row's generalized cost (Kashgar ->
    Tashkent across the Caspian is not; nor Beijing -> Baku by sea round the Cape). A deep-sea
    voyage is not held to the great circle: the sea option is the benchmark a shipper compares a
    land corridor with, and its label names the passage (via Suez, via the Cape).

    Parameters
    ----------
    route
        The candidate row or comparison option.
    best
        The plan's best row (least generalized cost).

    Returns
    -------
    bool
        True when the route is shown by default.
    """
    cheap_enough = route.generalized_cost <= PLAUSIBLE_GC_RATIO * best.generalized_cost
    return bool(cheap_enough and land_detour_index(route.legs) <= PLAUSIBLE_DETOUR)
