"""The validated corridor network: loading, validation, lookup and export."""

from __future__ import annotations

from silkrail.network._geo import great_circle_km
from silkrail.network._schema import Gauge, LinkMode, NodeKind, Status
from silkrail.network._text import normalize_name
from silkrail.network.io import (
    EXPORT_FORMATS,
    load_network,
    network_from_frames,
    network_from_geojson,
    network_to_geojson,
    read_network,
    write_network,
)
from silkrail.network.lookup import Location, locate, search_locations
from silkrail.network.model import CorridorNetwork
from silkrail.network.summary import NetworkSummary, summarize_network

__all__ = [
    "EXPORT_FORMATS",
    "CorridorNetwork",
    "Gauge",
    "LinkMode",
    "Location",
    "NetworkSummary",
    "NodeKind",
    "Status",
    "great_circle_km",
    "load_network",
    "locate",
    "network_from_frames",
    "network_from_geojson",
    "network_to_geojson",
    "normalize_name",
    "read_network",
    "search_locations",
    "summarize_network",
    "write_network",
]
