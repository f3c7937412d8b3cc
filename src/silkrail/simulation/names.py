"""Readable names for the simulator's routes and stations, made from the network's node names.

The model names routes ``"CN-XIAN>DE-DUISBURG via CN-ALASHANKOU"`` and stations
``"rail:CN-MANZHOULI~RU-ZABAIKALSK:CN-MANZHOULI>RU-ZABAIKALSK"``: exact ids, kept for
JSON and Parquet. People read ``"Xi'an → Duisburg via Alashankou"`` and
``"Manzhouli–Zabaikalsk, westbound"``.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from silkrail.routing.labels import short_name

if TYPE_CHECKING:
    from silkrail.network import CorridorNetwork

__all__ = ["node_title", "route_title", "station_title"]

_ROUTE = re.compile(r"^(?P<o>[^>]+)>(?P<d>[^ ]+?)(?: via (?P<v>.+))?$")
_LINK = re.compile(r"^(?P<mode>[a-z]+):[^:]+:(?P<a>[^>]+)>(?P<b>.+)$")
_NODE = re.compile(r"^(?P<n>[^:]+):(?P<what>border|gauge|port)$")
_WHAT = {"border": "border", "gauge": "gauge change", "port": "port"}


def _place(net: CorridorNetwork, node_id: str) -> str | None:
    try:
        index = net.index_of(node_id)
    except KeyError:
        return None
    return short_name(str(net.node_name[index]))


def _bound(net: CorridorNetwork, a: str, b: str) -> str:
    ia, ib = net.index_of(a), net.index_of(b)
    lat = math.radians(0.5 * (float(net.node_lat[ia]) + float(net.node_lat[ib])))
    dx = (float(net.node_lon[ib]) - float(net.node_lon[ia])) * math.cos(lat)
    dy = float(net.node_lat[ib]) - float(net.node_lat[ia])
    if abs(dx) >= abs(dy):
        return "eastbound" if dx > 0 else "westbound"
    return "northbound" if dy > 0 else "southbound"


def route_title(net: CorridorNetwork, route: str) -> str:
    """Name a model route from its places: ``"Xi'an → Duisburg via Alashankou"``.

    Parameters
    ----------
    net
        The network the model was built on.
    route
        The model's route name (``"ORIGIN>DESTINATION via GATEWAY"``, node ids).

    Returns
    -------
    str
        The readable name; a name this function cannot read (a scenario's own route name, a
        node the network lacks) is returned as it is.

    Examples
    --------
    >>> from silkrail import load_network
    >>> net = load_network()
    >>> route_title(net, "RU-MOSCOW>CN-URUMQI via CN-KHORGOS")
    'Moscow → Ürümqi via Khorgos'
    >>> route_title(net, "my own route")
    'my own route'
    """
    m = _ROUTE.match(route)
    if m is None:
        return route
    o, d = _place(net, m["o"]), _place(net, m["d"])
    if o is None or d is None:
        return route
    if m["v"] is None:
        return f"{o} → {d}"
    v = _place(net, m["v"])
    return route if v is None else f"{o} → {d} via {v}"


def station_title(net: CorridorNetwork, station: str) -> str:
    """Name a model station from its places: ``"Manzhouli–Zabaikalsk, westbound"``.

    Parameters
    ----------
    net
        The network the model was built on.
    station
        The model's station name: ``"MODE:LINK:FROM>TO"`` for a line section or ferry,
        ``"NODE:border"``, ``"NODE:gauge"`` or ``"NODE:port"``.

    Returns
    -------
    str
        The readable name (a ferry is ``"Aktau–Baku ferry, westbound"``, a border
        ``"Dostyk border"``); a name this function cannot read is returned as it is.

    Examples
    --------
    >>> from silkrail import load_network
    >>> net = load_network()
    >>> station_title(net, "rail:CN-MANZHOULI~RU-ZABAIKALSK:RU-ZABAIKALSK>CN-MANZHOULI")
    'Zabaikalsk–Manzhouli, eastbound'
    >>> station_title(net, "KZ-DOSTYK:gauge")
    'Dostyk gauge change'
    """
    m = _NODE.match(station)
    if m is not None:
        place = _place(net, m["n"])
        return station if place is None else f"{place} {_WHAT[m['what']]}"
    m = _LINK.match(station)
    if m is None:
        return station
    a, b = _place(net, m["a"]), _place(net, m["b"])
    if a is None or b is None:
        return station
    kind = " ferry" if m["mode"] == "ferry" else ""
    return f"{a}–{b}{kind}, {_bound(net, m['a'], m['b'])}"


def node_title(net: CorridorNetwork, node_id: str) -> str:
    """Name a node by its full name (a border crossing point's row), or return the id.

    Examples
    --------
    >>> from silkrail import load_network
    >>> node_title(load_network(), "BY-BREST")
    'Brest'
    """
    try:
        return str(net.node_name[net.index_of(node_id)])
    except KeyError:
        return node_id
