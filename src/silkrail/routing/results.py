"""Results of the route planner: legs, routes and the plan, with table and GeoJSON views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from silkrail.routing.detours import land_detour_index

if TYPE_CHECKING:
    from silkrail.network.lookup import Location

__all__ = ["Leg", "Route", "RoutePlan", "lognormal_quantile"]

_Z95 = 1.6448536269514722  # standard normal 95th percentile
HOURS_PER_DAY = 24.0


def lognormal_quantile(mean: float, var: float, q_z: float) -> float:
    """Quantile of the lognormal with the given mean and variance (Fenton–Wilkinson).

    A route's time is a sum of independent leg times; its distribution is approximated by
    the lognormal with the same mean and variance (Fenton 1960), which keeps the right skew of
    delays.

    Parameters
    ----------
    mean, var
        Mean and variance of the total time.
    q_z
        The standard-normal z of the quantile (0 for the median, 1.645 for p95).

    Returns
    -------
    float
        The quantile, in the unit of `mean`.

    Examples
    --------
    >>> round(lognormal_quantile(100.0, 0.0, 1.645), 6)
    100.0
    >>> lognormal_quantile(100.0, 400.0, 0.0) < 100.0 < lognormal_quantile(100.0, 400.0, 1.645)
    True
    """
    if mean <= 0:
        return 0.0
    sigma2 = float(np.log1p(var / mean**2))
    mu = float(np.log(mean)) - sigma2 / 2
    return float(np.exp(mu + q_z * np.sqrt(sigma2)))


@dataclass(frozen=True)
class Leg:
    """One step of a route: a link travelled or an operation at a node.

    Attributes
    ----------
    kind
        ``"travel"``, ``"gauge change"`` or ``"transfer"`` (rail–water or ferry–sea).
    from_id, to_id
        Node ids (equal for an operation at a node).
    from_name, to_name
        Node names.
    mode
        ``rail``, ``ferry``, ``sea`` or ``road``; the arrival class for operations.
    gauge_mm
        Rail gauge, 0 for non-rail and operations.
    distance_km, hours, wait_hours, border_hours
        Length, expected time (including waits and border processing), expected wait for a
        sailing, and border processing at the arrival node.
    cost_usd, co2e_wtw_kg, co2e_ttw_kg
        Per FEU.
    link_id
        The network link, ``""`` for operations.
    """

    kind: str
    from_id: str
    to_id: str
    from_name: str
    to_name: str
    mode: str
    gauge_mm: int
    distance_km: float
    hours: float
    wait_hours: float
    border_hours: float
    cost_usd: float
    co2e_wtw_kg: float
    co2e_ttw_kg: float
    link_id: str
    lon: tuple[float, float]
    lat: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        """Return the leg as a JSON-ready dict."""
        return {
            "kind": self.kind,
            "from": self.from_id,
            "to": self.to_id,
            "from_name": self.from_name,
            "to_name": self.to_name,
            "mode": self.mode,
            "gauge_mm": self.gauge_mm or None,
            "distance_km": round(self.distance_km, 1),
            "hours": round(self.hours, 2),
            "wait_hours": round(self.wait_hours, 2),
            "border_hours": round(self.border_hours, 2),
            "cost_usd_per_feu": round(self.cost_usd, 2),
            "co2e_kg_per_feu_wtw": round(self.co2e_wtw_kg, 2),
            "co2e_kg_per_feu_ttw": round(self.co2e_ttw_kg, 2),
            "link_id": self.link_id or None,
        }


@dataclass(frozen=True)
class Route:
    """One route with its criteria.

    Attributes
    ----------
    label
        Corridor label, e.g. ``"Northern via Dostyk–Brest"``.
    hours_mean, hours_var
        Mean and variance of the door-to-door time (h, h²).
    transit_days_p50, transit_days_p95
        Median and 95th percentile of the transit time in days (lognormal approximation).
    cost_usd_per_feu, co2e_kg_per_feu_wtw, co2e_kg_per_feu_ttw, distance_km
        Totals per FEU.
    borders, transshipments
        Border crossings (country changes) and gauge changes plus rail–water transfers.
    countries, nodes
        Countries crossed and node ids visited, in order.
    legs
        The leg-by-leg breakdown.
    generalized_cost
        ``cost + value_of_time × hours_mean`` (USD per FEU), the ranking key.
    pareto
        Whether the route is in the Pareto set over (time, cost, CO2e) of the search that
        found it.
    transit_days_p5
        5th percentile of the transit time in days (Monte Carlo over the route's random
        parts, see :mod:`silkrail.routing.uncertainty`; NaN where not computed).
    service
        The service class the route was planned for (``fixed-schedule``, ``block``,
        ``regular``).
    detour_index
        Route km ÷ great-circle km between origin and destination (1 = as the crow flies).
    land_detour_index
        The km of the route's land stretches ÷ their great-circle km: the detour index for a
        route without a deep-sea voyage (see :mod:`silkrail.routing.detours`).
    container
        Container size priced: ``"40"`` (FEU) or ``"20"`` (TEU).
    cost_usd_per_container
        Cost for one container of that size: the per-FEU cost for ``"40"``; for ``"20"`` each
        leg's cost times the sourced TEU/FEU price ratio of its mode (see docs/cli.md).
    variants
        Routes folded into this one because they share most of its kilometres (see
        docs/cli.md), best first; empty when there are none.
    """

    label: str
    hours_mean: float
    hours_var: float
    transit_days_p50: float
    transit_days_p95: float
    cost_usd_per_feu: float
    co2e_kg_per_feu_wtw: float
    co2e_kg_per_feu_ttw: float
    distance_km: float
    borders: int
    transshipments: int
    countries: tuple[str, ...]
    nodes: tuple[str, ...]
    legs: tuple[Leg, ...]
    generalized_cost: float
    pareto: bool = True
    transit_days_p5: float = float("nan")
    service: str = "block"
    detour_index: float = float("nan")
    container: str = "40"
    cost_usd_per_container: float = float("nan")
    variants: tuple[Route, ...] = ()

    @property
    def land_detour_index(self) -> float:
        """The km of the land stretches ÷ their great-circle km (see :mod:`~.detours`)."""
        return land_detour_index(self.legs)

    @property
    def modes(self) -> tuple[str, ...]:
        """Modes used, in order of first use."""
        return tuple(dict.fromkeys(leg.mode for leg in self.legs if leg.kind == "travel"))

    def to_dict(self, *, legs: bool = True) -> dict[str, Any]:
        """Return the route in the ``silkrail plan --json`` layout."""
        out: dict[str, Any] = {
            "label": self.label,
            "service": self.service,
            "transit_days_p5": round(self.transit_days_p5, 2),
            "transit_days_p50": round(self.transit_days_p50, 2),
            "transit_days_p95": round(self.transit_days_p95, 2),
            "transit_days_mean": round(self.hours_mean / HOURS_PER_DAY, 2),
            "cost_usd_per_feu": round(self.cost_usd_per_feu, 2),
            "co2e_kg_per_feu_wtw": round(self.co2e_kg_per_feu_wtw, 1),
            "co2e_kg_per_feu_ttw": round(self.co2e_kg_per_feu_ttw, 1),
            "distance_km": round(self.distance_km, 1),
            "borders": self.borders,
            "transshipments": self.transshipments,
            "countries": list(self.countries),
            "nodes": list(self.nodes),
            "generalized_cost_usd_per_feu": round(self.generalized_cost, 2),
            "pareto_optimal": self.pareto,
            "detour_index": round(self.detour_index, 3),
            "land_detour_index": round(self.land_detour_index, 3),
            "container": self.container,
            "cost_usd_per_container": round(self.cost_usd_per_container, 2),
        }
        out["variants"] = [v.to_dict(legs=False) for v in self.variants]
        out["legs"] = [leg.to_dict() for leg in self.legs] if legs else []
        return out


@dataclass(frozen=True)
class RoutePlan:
    """The answer of :func:`silkrail.plan`: routes between two places, best first.

    Attributes
    ----------
    origin, destination
        The resolved locations.
    routes
        Rows ranked by generalized cost, each the best of the routes folded into it (see
        ``Route.variants``); a corridor family's best route is included for comparison where
        it is plausible (``compare="all"``: always).
    value_of_time
        USD per FEU-hour used in the ranking.
    cargo_tonnes
        Cargo mass per container used for the emissions.
    constraints
        The constraints as given (for reports).
    """

    origin: Location
    destination: Location
    routes: tuple[Route, ...]
    value_of_time: float
    cargo_tonnes: float
    constraints: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per route with its criteria."""
        rows = [
            {
                "label": r.label,
                "service": r.service,
                "transit_days_p5": r.transit_days_p5,
                "transit_days_p50": r.transit_days_p50,
                "transit_days_p95": r.transit_days_p95,
                "cost_usd_per_feu": r.cost_usd_per_feu,
                "co2e_kg_per_feu_wtw": r.co2e_kg_per_feu_wtw,
                "co2e_kg_per_feu_ttw": r.co2e_kg_per_feu_ttw,
                "distance_km": r.distance_km,
                "borders": r.borders,
                "transshipments": r.transshipments,
                "countries": "-".join(r.countries),
                "generalized_cost": r.generalized_cost,
                "pareto_optimal": r.pareto,
                "detour_index": r.detour_index,
                "land_detour_index": r.land_detour_index,
                "container": r.container,
                "cost_usd_per_container": r.cost_usd_per_container,
                "variants": len(r.variants),
            }
            for r in self.routes
        ]
        return pd.DataFrame(rows)

    def legs_frame(self) -> pd.DataFrame:
        """Return one row per leg of every route."""
        rows = [
            {"route": i, "label": r.label, **leg.to_dict()}
            for i, r in enumerate(self.routes)
            for leg in r.legs
        ]
        return pd.DataFrame(rows)

    def to_dict(self, *, legs: bool = True) -> dict[str, Any]:
        """Return the plan in the ``silkrail plan --json`` layout (see docs/cli.md)."""
        return {
            "origin": self.origin.to_dict(),
            "destination": self.destination.to_dict(),
            "value_of_time_usd_per_feu_hour": self.value_of_time,
            "cargo_tonnes": self.cargo_tonnes,
            "constraints": self.constraints,
            "routes": [r.to_dict(legs=legs) for r in self.routes],
        }

    def to_geojson(self) -> dict[str, Any]:
        """Return the routes as GeoJSON ``MultiLineString`` features, best first."""
        features = []
        for rank, r in enumerate(self.routes, start=1):
            lines = [
                [[leg.lon[0], leg.lat[0]], [leg.lon[1], leg.lat[1]]]
                for leg in r.legs
                if leg.kind == "travel"
            ]
            props = r.to_dict(legs=False)
            props.pop("legs")
            props["rank"] = rank
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "MultiLineString", "coordinates": lines},
                    "properties": props,
                }
            )
        return {"type": "FeatureCollection", "features": features}
