"""Caches that live as long as a network: derived arrays the planner needs on every plan."""

from __future__ import annotations

import weakref
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from silkrail.network._schema import LinkMode

if TYPE_CHECKING:
    from silkrail._typing import BoolArray
    from silkrail.network.model import CorridorNetwork

__all__ = ["caspian_ferry_links", "link_index", "network_cache"]

#: The Caspian littoral states: a ferry between two of them crosses the Caspian.
CASPIAN_STATES = frozenset({"KZ", "TM", "AZ", "IR", "RU"})


def network_cache(net: CorridorNetwork) -> dict[object, object]:
    """Return a cache dict that lives as long as `net`.

    Networks compare by value, so they are not hashable; the cache is keyed by identity and
    dropped with the network.
    """
    key = id(net)
    entry = _NET_CACHES.get(key)
    if entry is None or entry[0]() is not net:
        store: dict[object, object] = {}
        _NET_CACHES[key] = (weakref.ref(net, partial(_drop, key)), store)
        return store
    return entry[1]


def _drop(key: int, _ref: object) -> None:
    caches = globals().get("_NET_CACHES")  # None while the interpreter shuts down
    if caches is not None:
        caches.pop(key, None)


_NET_CACHES: dict[int, tuple[weakref.ref[CorridorNetwork], dict[object, object]]] = {}


def link_index(net: CorridorNetwork) -> dict[str, int]:
    """Return each link id's position in `net` (cached with the network)."""
    cache = network_cache(net)
    index = cache.get("link_index")
    if not isinstance(index, dict):
        index = {str(k): i for i, k in enumerate(net.link_id)}
        cache["link_index"] = index
    return index


def caspian_ferry_links(net: CorridorNetwork) -> BoolArray:
    """Return which links are Caspian ferry crossings (cached with the network)."""
    cache = network_cache(net)
    mask = cache.get("caspian_ferry")
    if not isinstance(mask, np.ndarray):
        states = list(CASPIAN_STATES)
        mask = (
            (net.link_mode == LinkMode.FERRY)
            & np.isin(net.node_country[net.link_from], states)
            & np.isin(net.node_country[net.link_to], states)
        )
        cache["caspian_ferry"] = mask
    out: BoolArray = mask
    return out
