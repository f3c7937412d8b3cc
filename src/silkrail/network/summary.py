"""Counts that describe a network: what `silkrail network info` prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from silkrail.network._schema import LinkMode, Status

if TYPE_CHECKING:
    from silkrail.network.model import CorridorNetwork

__all__ = ["NetworkSummary", "summarize_network"]


@dataclass(frozen=True)
class NetworkSummary:
    """Counts of a network's nodes and links by category.

    Attributes
    ----------
    name
        Where the network was read from.
    n_nodes, n_links, n_sources
        Table sizes.
    nodes_by_country, nodes_by_kind
        Node counts.
    links_by_mode, km_by_mode
        Link counts and length (km) by mode.
    links_by_gauge, km_by_gauge
        Rail link counts and length by gauge (mm, as text).
    links_by_status
        Link counts by status (``open``/``planned``).
    border_links
        Links whose ends lie in different countries.
    gauge_change_nodes, border_nodes, port_nodes, road_transfer_nodes
        Nodes offering each operation (``road_transfer_nodes``: truck lifts).
    """

    name: str
    n_nodes: int
    n_links: int
    n_sources: int
    nodes_by_country: dict[str, int]
    nodes_by_kind: dict[str, int]
    links_by_mode: dict[str, int]
    km_by_mode: dict[str, float]
    links_by_gauge: dict[str, int]
    km_by_gauge: dict[str, float]
    links_by_status: dict[str, int]
    border_links: int
    gauge_change_nodes: int
    border_nodes: int
    port_nodes: int
    road_transfer_nodes: int

    def to_dict(self) -> dict[str, object]:
        """Return the summary as a JSON-ready dict."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def to_frame(self) -> pd.DataFrame:
        """Return the counts as one long table (category, value, count, km)."""
        rows: list[tuple[str, str, int, float]] = []
        rows += [("country", k, v, np.nan) for k, v in self.nodes_by_country.items()]
        rows += [("kind", k, v, np.nan) for k, v in self.nodes_by_kind.items()]
        rows += [("mode", k, v, self.km_by_mode[k]) for k, v in self.links_by_mode.items()]
        rows += [("gauge_mm", k, v, self.km_by_gauge[k]) for k, v in self.links_by_gauge.items()]
        rows += [("status", k, v, np.nan) for k, v in self.links_by_status.items()]
        return pd.DataFrame(rows, columns=["category", "value", "count", "km"])


def _sorted_counts(values: list[str]) -> dict[str, int]:
    counts = Counter(values)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summarize_network(net: CorridorNetwork) -> NetworkSummary:
    """Count a network's nodes and links by country, kind, mode, gauge and status.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    NetworkSummary
        The counts.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> s = summarize_network(load_network())
    >>> s.links_by_mode["rail"] > s.links_by_mode["ferry"] > 0
    True
    """
    modes = net.mode_names()
    km_by_mode: dict[str, float] = {}
    for m, d in zip(modes, net.distance_km, strict=True):
        km_by_mode[m] = km_by_mode.get(m, 0.0) + float(d)
    rail = net.link_mode == LinkMode.RAIL
    gauges = [str(g) for g in net.link_gauge_mm[rail]]
    km_by_gauge: dict[str, float] = {}
    for g, d in zip(gauges, net.distance_km[rail], strict=True):
        km_by_gauge[g] = km_by_gauge.get(g, 0.0) + float(d)
    links_by_mode = _sorted_counts(modes)
    links_by_gauge = _sorted_counts(gauges)
    cross = net.node_country[net.link_from] != net.node_country[net.link_to]
    return NetworkSummary(
        name=net.name,
        n_nodes=net.n_nodes,
        n_links=net.n_links,
        n_sources=len(net.source_id),
        nodes_by_country=_sorted_counts([str(c) for c in net.node_country]),
        nodes_by_kind=_sorted_counts(net.kind_names()),
        links_by_mode=links_by_mode,
        km_by_mode={k: round(km_by_mode[k], 1) for k in links_by_mode},
        links_by_gauge=links_by_gauge,
        km_by_gauge={k: round(km_by_gauge[k], 1) for k in links_by_gauge},
        links_by_status=_sorted_counts([Status(s).name.lower() for s in net.link_status]),
        border_links=int(cross.sum()),
        gauge_change_nodes=int(net.offers_gauge_change.sum()),
        border_nodes=int(net.is_border.sum()),
        port_nodes=int(net.offers_port_transfer.sum()),
        road_transfer_nodes=int(net.offers_road_transfer.sum()),
    )
