"""CO2e per FEU of every link and transfer, by the ISO 14083 / GLEC activity × intensity method."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from silkrail.errors import DatasetError
from silkrail.graph.compile import LegEmissions
from silkrail.network._schema import LinkMode

if TYPE_CHECKING:
    from silkrail.datasets.factors import EmissionFactors
    from silkrail.network.model import CorridorNetwork

__all__ = ["leg_emissions"]


def leg_emissions(
    net: CorridorNetwork, factors: EmissionFactors, *, cargo_tonnes: float
) -> LegEmissions:
    """Compute kg CO2e per FEU for each link (tank-to-wheel and well-to-wheel).

    ``activity = distance_km × cargo_tonnes`` (tonne-km); diesel rail, ferry, sea and road
    (an articulated diesel truck) use a g CO2e/tkm intensity; electric rail uses kWh/tkm × the
    grid intensity of the link's country, TTW 0. A link whose ends lie in two countries takes
    half its energy at each country's grid factor. No hub (gauge change, port, truck lift)
    factor could be sourced, so transfers emit 0 here; reports say so.

    Parameters
    ----------
    net
        The network.
    factors
        Default intensities, see :func:`silkrail.datasets.factors.emission_factors`.
    cargo_tonnes
        Cargo mass in the container (t).

    Returns
    -------
    LegEmissions
        Per link and per node, kg CO2e per container.

    Raises
    ------
    DatasetError
        If an electrified link runs in a country without a grid factor.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> from silkrail.datasets.factors import emission_factors
    >>> em = leg_emissions(load_network(), emission_factors(), cargo_tonnes=20.0)
    >>> bool((em.link_wtw >= em.link_ttw).all())
    True
    """
    dist_t = net.distance_km * cargo_tonnes
    ttw = np.zeros(net.n_links)
    wtw = np.zeros(net.n_links)
    rail = net.link_mode == LinkMode.RAIL
    electric = rail & (net.electrified == 1.0)
    diesel = rail & ~electric
    ttw[diesel] = dist_t[diesel] * factors.diesel_rail[0] / 1000
    wtw[diesel] = dist_t[diesel] * factors.diesel_rail[1] / 1000
    per_tkm = (
        (LinkMode.FERRY, factors.ferry),
        (LinkMode.SEA, factors.sea),
        (LinkMode.ROAD, factors.road),
    )
    for mode, (f_ttw, f_wtw) in per_tkm:
        sel = net.link_mode == mode
        ttw[sel] = dist_t[sel] * f_ttw / 1000
        wtw[sel] = dist_t[sel] * f_wtw / 1000
    if electric.any():
        grid = factors.grid_wtw_g_per_kwh
        ends = np.concatenate([net.link_from[electric], net.link_to[electric]])
        missing = sorted({str(c) for c in net.node_country[ends]} - set(grid))
        if missing:
            msg = (
                f"no grid carbon intensity for {missing} (electrified links run there); "
                f"factors/grid_intensity.csv covers {sorted(grid)}"
            )
            raise DatasetError(msg)
        g_from = np.array([grid[str(c)] for c in net.node_country[net.link_from[electric]]])
        g_to = np.array([grid[str(c)] for c in net.node_country[net.link_to[electric]]])
        kwh = dist_t[electric] * factors.electric_rail_kwh_per_tkm
        wtw[electric] = kwh * (g_from + g_to) / 2 / 1000
    zeros = np.zeros(net.n_nodes)
    return LegEmissions(wtw, ttw, zeros, zeros, zeros, zeros)
