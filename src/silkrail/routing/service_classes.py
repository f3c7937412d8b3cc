"""Service classes: the kind of train a plan is for (DESIGN.md §4).

Published China–Europe transit times describe different trains: fixed-schedule express trains
with timetabled paths and border priority, the ordinary block train, and regular (wagonload)
shipments as ADB CAREC CPMM measures them. Each class is a set of sourced rules in
``datasets/planning/service_classes.csv`` that adjust the network's speeds and border times
and say whether the train queues and waits for a path at its Chinese origin.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from silkrail.datasets.parameters import service_class_table
from silkrail.network._schema import LinkMode
from silkrail.routing._cache import network_cache

if TYPE_CHECKING:
    from silkrail.network.model import CorridorNetwork

__all__ = ["DEFAULT_SERVICE", "SERVICES", "ServiceClass", "service_class"]

SERVICES = ("fixed-schedule", "block", "regular")
DEFAULT_SERVICE = "block"
_PARAMETERS = (
    "speed_factor",
    "speed_kmh",
    "speed_min_kmh",
    "border_factor",
    "queue_priority",
    "origin_dwell_factor",
)


@dataclass(frozen=True)
class ServiceClass:
    """A service class with the network it runs on.

    Attributes
    ----------
    name
        One of :data:`SERVICES`.
    network
        The corridor network with the class's speeds and border times.
    queue_priority
        Whether the class skips the baseline queue waits (border and yard priority).
    origin_dwell_factor
        Multiplier of the calibrated origin dwell of ordinary trains in China.
    rules
        The ``(parameter, countries, value, source_ids)`` rules applied, for reports.
    """

    name: str
    network: CorridorNetwork
    queue_priority: bool
    origin_dwell_factor: float
    rules: tuple[tuple[str, str, float, str], ...]


def _countries(cell: object) -> frozenset[str] | None:
    text = str(cell).strip()
    if text in ("", "*", "nan"):
        return None
    return frozenset(c.strip().upper() for c in text.split(";") if c.strip())


def service_class(net: CorridorNetwork, name: str) -> ServiceClass:
    """Return a service class applied to a network.

    Rules apply in file order: ``speed_kmh`` sets, ``speed_min_kmh`` raises to at least, and
    ``speed_factor`` scales the speed of the rail links whose both ends lie in the rule's
    countries (and of its gauge, if given);
    ``border_factor`` scales the border processing time of border nodes in those countries.

    Parameters
    ----------
    net
        The corridor network (the ``block`` class leaves it unchanged).
    name
        One of :data:`SERVICES`.

    Returns
    -------
    ServiceClass
        The class and its network.

    Raises
    ------
    ValueError
        If the class is unknown.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> net = load_network()
    >>> fast = service_class(net, "fixed-schedule")
    >>> bool((fast.network.speed_kmh >= net.speed_kmh - 1e-9).all()), fast.queue_priority
    (True, True)
    """
    if name not in SERVICES:
        msg = f"unknown service {name!r}; choose one of {list(SERVICES)}"
        raise ValueError(msg)
    cached = network_cache(net)
    hit = cached.get(("service", name))
    if isinstance(hit, ServiceClass):
        return hit
    table = service_class_table()
    rows = table[table["service"] == name]
    speed = net.speed_kmh.copy()
    border = net.border_hours.copy()
    rail = net.link_mode == LinkMode.RAIL
    c_from, c_to = net.node_country[net.link_from], net.node_country[net.link_to]
    priority, dwell = False, 1.0
    rules = []
    for _, r in rows.iterrows():
        param = str(r["parameter"])
        if param not in _PARAMETERS:
            msg = f"service_classes.csv: unknown parameter {param!r}; choose one of {_PARAMETERS}"
            raise ValueError(msg)
        value = float(r["value"])
        where = _countries(r["countries"])
        rules.append((param, str(r["countries"]), value, str(r["source_ids"])))
        if param in ("speed_factor", "speed_kmh", "speed_min_kmh"):
            sel = rail.copy()
            if where is not None:
                sel &= np.isin(c_from, list(where)) & np.isin(c_to, list(where))
            if str(r["gauge_mm"]) not in ("", "nan"):
                sel &= net.link_gauge_mm == int(float(r["gauge_mm"]))
            if param == "speed_factor":
                speed[sel] = speed[sel] * value
            elif param == "speed_min_kmh":
                speed[sel] = np.maximum(speed[sel], value)
            else:
                speed[sel] = value
        elif param == "border_factor":
            sel = ~np.isnan(border)
            if where is not None:
                sel &= np.isin(net.node_country, list(where))
            border[sel] = border[sel] * value
        elif param == "queue_priority":
            priority = bool(value)
        else:
            dwell = value
    # A zero border time is no border processing at all (the column uses NaN for that).
    border = np.where(border == 0.0, np.nan, border)
    network = net if name == DEFAULT_SERVICE else replace(net, speed_kmh=speed, border_hours=border)
    result = ServiceClass(name, network, priority, dwell, tuple(rules))
    cached[("service", name)] = result
    return result
