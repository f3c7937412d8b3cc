"""The served network, loaded once per data path, with its serialised views and a plan cache."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import silkrail
from silkrail.service._errors import ApiError
from silkrail.service._payload import Payload

if TYPE_CHECKING:
    from silkrail import CorridorNetwork, SimulationModel

__all__ = ["LRUCache", "NetworkState", "load_state"]

_lock = threading.Lock()
_states: dict[tuple[str | None, int], NetworkState] = {}


class LRUCache:
    """A small thread-safe least-recently-used map from str to :class:`Payload`.

    Parameters
    ----------
    maxsize
        Most entries kept; 0 keeps none.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[str, Payload] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Payload | None:
        """Return the value of `key` (marking it recently used), or None."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: str, value: Payload) -> None:
        """Store `value` under `key`, evicting the least recently used entry when full."""
        if self.maxsize <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class NetworkState:
    """A loaded network and what the routes derive from it.

    Parameters
    ----------
    net
        The network.
    plan_cache_size
        Entries of the plan cache.
    """

    def __init__(self, net: CorridorNetwork, *, plan_cache_size: int) -> None:
        self.net = net
        self.plans = LRUCache(plan_cache_size)
        # Place names already resolved to node ids (a plan request names two or more).
        self.places: dict[str, str] = {}
        # The network's name is where it was read from; clients get the last part only, not
        # the server's directory layout.
        self.name = Path(str(net.name)).name or str(net.name)
        self._sim_lock = threading.Lock()
        self._sim_model: SimulationModel | None = None
        self._sim_error: str | None = None

    def default_simulation_model(self) -> SimulationModel:
        """Return the corridor model of the packaged 2024 services on this network, built once.

        Routing the services takes about a second, so it is done on the first simulation
        request and kept; a network the default services do not fit keeps its error too.

        Returns
        -------
        SimulationModel
            ``corridor_model(net, default_services())``.

        Raises
        ------
        ApiError
            422 ``invalid_scenario`` if the default services do not fit this network.
        """
        with self._sim_lock:
            if self._sim_model is None and self._sim_error is None:
                try:
                    self._sim_model = silkrail.corridor_model(self.net, silkrail.default_services())
                except (silkrail.SilkrailError, KeyError, ValueError) as exc:
                    # The default demand names places and links of the packaged network.
                    self._sim_error = (
                        "scenario: the default 2024 services are defined on the packaged "
                        f"corridor network and do not fit network {self.name!r} ({exc}); give "
                        "a scenario with 'services' for this network"
                    )
            if self._sim_model is None:
                raise ApiError(422, "invalid_scenario", str(self._sim_error), field="scenario")
            return self._sim_model

    @cached_property
    def geojson(self) -> Payload:
        """The network as GeoJSON, serialised (and compressed) once."""
        obj = silkrail.network_to_geojson(self.net)
        obj["name"] = self.name
        return Payload.of(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode())


def _read(data: Path | None) -> CorridorNetwork:
    try:
        return silkrail.load_network() if data is None else silkrail.read_network(data)
    except silkrail.NetworkValidationError as exc:
        msg = (
            f"the network in {exc.source} is invalid ({len(exc.problems)} problem(s)); "
            "run `silkrail network validate` for the list"
        )
        raise ApiError(503, "network_unavailable", msg) from exc
    except (silkrail.SilkrailError, OSError, ValueError) as exc:
        where = "the packaged network" if data is None else f"network {str(data)!r}"
        msg = f"{where} could not be loaded: {exc}"
        raise ApiError(503, "network_unavailable", msg) from exc


def load_state(data: Path | None, *, plan_cache_size: int) -> NetworkState:
    """Return the state of the network at `data`, loading it on first use.

    Parameters
    ----------
    data
        A CSV folder, ``.geojson`` or ``.gpkg``; None for the packaged network.
    plan_cache_size
        Entries of the plan cache.

    Returns
    -------
    NetworkState
        The same object for the same arguments. A failed load is not remembered, so a
        network that is fixed on disk is picked up by the next request.

    Raises
    ------
    ApiError
        503 ``network_unavailable`` if the network cannot be read or is invalid.
    """
    key = (None if data is None else str(Path(data).resolve()), plan_cache_size)
    state = _states.get(key)
    if state is not None:
        return state
    with _lock:
        state = _states.get(key)
        if state is None:
            state = NetworkState(_read(data), plan_cache_size=plan_cache_size)
            _states[key] = state
    return state
