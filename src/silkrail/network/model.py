"""The validated, immutable corridor network: frozen numpy columns."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from silkrail.network._schema import (
    KINDS,
    LINK_COLUMNS,
    MODES,
    NODE_COLUMNS,
    SOURCE_COLUMNS,
    STATUSES,
    LinkMode,
    NodeKind,
    Status,
)
from silkrail.network._text import normalize_name

if TYPE_CHECKING:
    from silkrail._typing import BoolArray, FloatArray, IntArray, StrArray
    from silkrail.network.validate import ParsedTables

__all__ = ["CorridorNetwork"]

_NODE_FLOATS = (
    "gauge_change_hours",
    "gauge_change_feu_per_day",
    "gauge_change_usd_per_feu",
    "border_hours",
    "border_servers",
    "border_cv",
    "port_transfer_hours",
    "port_usd_per_feu",
    "road_transfer_hours",
    "road_usd_per_feu",
)
_LINK_FLOATS = (
    "distance_km",
    "tracks",
    "electrified",
    "speed_kmh",
    "capacity_trains_per_day",
    "sailings_per_week",
    "vessel_feu",
    "tariff_usd_per_feu",
    "time_cv",
)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def _strs(values: np.ndarray) -> StrArray:
    return np.asarray([str(v) for v in values], dtype=np.str_)


def _codes(values: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    lookup = {n: i for i, n in enumerate(names)}
    return np.fromiter((lookup[str(v)] for v in values), dtype=np.int8, count=len(values))


@dataclass(frozen=True, eq=False)
class CorridorNetwork:
    """A validated corridor network, stored as read-only numpy columns.

    Build one with :func:`~silkrail.network.load_network`, :func:`~silkrail.read_network` or
    :func:`~silkrail.network_from_frames`; they validate first and never return a partial
    network. Node ``i`` is row ``i`` of the ``node_*`` columns; link ``k`` joins nodes
    ``link_from[k]`` and ``link_to[k]`` and can be used in both directions. Optional figures are
    ``NaN`` where the files leave them empty (e.g. ``gauge_change_hours`` is ``NaN`` at a node that
    offers no gauge change). ``link_gauge_mm`` is 0 on non-rail links.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> net = load_network()
    >>> net.n_nodes >= 120 and net.n_links >= 180
    True
    >>> str(net.node_name[net.index_of("DE-DUISBURG")])
    'Duisburg (duisport)'
    """

    name: str
    node_id: StrArray
    node_name: StrArray
    node_aliases: StrArray
    node_country: StrArray
    node_lat: FloatArray
    node_lon: FloatArray
    node_kind: np.ndarray
    gauge_change_hours: FloatArray
    gauge_change_feu_per_day: FloatArray
    gauge_change_usd_per_feu: FloatArray
    border_hours: FloatArray
    border_servers: FloatArray
    border_cv: FloatArray
    port_transfer_hours: FloatArray
    port_usd_per_feu: FloatArray
    road_transfer_hours: FloatArray
    road_usd_per_feu: FloatArray
    node_status: np.ndarray
    node_opening_year: FloatArray
    node_source_ids: StrArray
    node_note: StrArray
    link_id: StrArray
    link_from: IntArray
    link_to: IntArray
    link_mode: np.ndarray
    distance_km: FloatArray
    distance_basis: StrArray
    link_gauge_mm: IntArray
    tracks: FloatArray
    electrified: FloatArray
    speed_kmh: FloatArray
    capacity_trains_per_day: FloatArray
    sailings_per_week: FloatArray
    vessel_feu: FloatArray
    tariff_usd_per_feu: FloatArray
    time_cv: FloatArray
    link_status: np.ndarray
    link_opening_year: FloatArray
    link_source_ids: StrArray
    link_note: StrArray
    source_id: StrArray
    source_title: StrArray
    source_url: StrArray
    source_year: IntArray
    source_note: StrArray

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                object.__setattr__(self, f.name, _frozen(value))

    @classmethod
    def _from_parsed(cls, parsed: ParsedTables, *, name: str) -> CorridorNetwork:
        n, lk, s = parsed.nodes, parsed.links, parsed.sources
        gauge = np.nan_to_num(lk["gauge_mm"], nan=0.0).astype(np.int64)
        return cls(
            name=name,
            node_id=_strs(n["id"]),
            node_name=_strs(n["name"]),
            node_aliases=_strs(n["aliases"]),
            node_country=_strs(n["country"]),
            node_lat=n["lat"].astype(np.float64),
            node_lon=n["lon"].astype(np.float64),
            node_kind=_codes(n["kind"], KINDS),
            **{k: n[k].astype(np.float64) for k in _NODE_FLOATS},
            node_status=_codes(n["status"], STATUSES),
            node_opening_year=n["opening_year"].astype(np.float64),
            node_source_ids=_strs(n["source_ids"]),
            node_note=_strs(n["note"]),
            link_id=_strs(lk["id"]),
            link_from=lk["from_index"].astype(np.int64),
            link_to=lk["to_index"].astype(np.int64),
            link_mode=_codes(lk["mode"], MODES),
            distance_basis=_strs(lk["distance_basis"]),
            link_gauge_mm=gauge,
            **{k: lk[k].astype(np.float64) for k in _LINK_FLOATS},
            link_status=_codes(lk["status"], STATUSES),
            link_opening_year=lk["opening_year"].astype(np.float64),
            link_source_ids=_strs(lk["source_ids"]),
            link_note=_strs(lk["note"]),
            source_id=_strs(s["id"]),
            source_title=_strs(s["title"]),
            source_url=_strs(s["url"]),
            source_year=s["year"].astype(np.int64),
            source_note=_strs(s["note"]),
        )

    # -- sizes and indexing -------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_id)

    @property
    def n_links(self) -> int:
        """Number of links."""
        return len(self.link_id)

    @cached_property
    def _node_index(self) -> dict[str, int]:
        return {str(k): i for i, k in enumerate(self.node_id)}

    @cached_property
    def _search_keys(self) -> dict[str, tuple[int, ...]]:
        # Folded id, name and aliases -> nodes, for silkrail.network.lookup.
        return {k: tuple(v) for k, (v, _) in self._search_index.items()}

    @cached_property
    def _search_texts(self) -> dict[str, str]:
        # Folded key -> the spelling it came from, to show in suggestions.
        return {k: text for k, (_, text) in self._search_index.items()}

    @cached_property
    def _search_index(self) -> dict[str, tuple[list[int], str]]:
        index: dict[str, tuple[list[int], str]] = {}
        for i in range(self.n_nodes):
            names = [str(self.node_name[i]), *self.aliases_of(i), str(self.node_id[i])]
            for text in names:
                key = normalize_name(text)
                if not key:
                    continue
                nodes, _ = index.setdefault(key, ([], text))
                if i not in nodes:
                    nodes.append(i)
        return index

    def index_of(self, node_id: str) -> int:
        """Return the row of a node given its exact id.

        Parameters
        ----------
        node_id
            The node's id, e.g. ``"KZ-DOSTYK"``.

        Returns
        -------
        int
            Row index into the ``node_*`` columns.

        Raises
        ------
        KeyError
            If no node has this id; use :func:`~silkrail.locate` for names and aliases.
        """
        try:
            return self._node_index[node_id]
        except KeyError:
            msg = f"no node with id {node_id!r}"
            raise KeyError(msg) from None

    def aliases_of(self, index: int) -> tuple[str, ...]:
        """Return the aliases of node `index` as a tuple."""
        return tuple(a.strip() for a in str(self.node_aliases[index]).split(";") if a.strip())

    # -- derived columns ----------------------------------------------------------------------
    @property
    def offers_gauge_change(self) -> BoolArray:
        """Whether each node can move trains between rail gauges."""
        return ~np.isnan(self.gauge_change_hours)

    @property
    def offers_port_transfer(self) -> BoolArray:
        """Whether each node can move containers between rail and water (or ferry and sea)."""
        return ~np.isnan(self.port_transfer_hours)

    @property
    def offers_road_transfer(self) -> BoolArray:
        """Whether each node can lift containers between trucks and trains or ships."""
        return ~np.isnan(self.road_transfer_hours)

    @property
    def is_border(self) -> BoolArray:
        """Whether each node processes trains at a border crossing."""
        return ~np.isnan(self.border_hours)

    @cached_property
    def country_of(self) -> dict[str, str]:
        """Country code of each node id."""
        return {str(k): str(c) for k, c in zip(self.node_id, self.node_country, strict=True)}

    @cached_property
    def is_sea_waypoint(self) -> BoolArray:
        """Whether each node is a point ships pass (all its links are sea, no port transfer).

        Canals, straits and capes are modelled as such nodes; routes list the countries and
        count the borders of the places cargo stops at, not of the waters ships pass.
        """
        non_sea = np.zeros(self.n_nodes, dtype=bool)
        other = self.link_mode != LinkMode.SEA
        non_sea[self.link_from[other]] = True
        non_sea[self.link_to[other]] = True
        out: BoolArray = ~non_sea & ~self.offers_port_transfer
        return out

    def kind_names(self) -> list[str]:
        """Node kinds as names (``"terminal"``, ``"border"``, ...)."""
        return [NodeKind(k).name.lower() for k in self.node_kind]

    def mode_names(self) -> list[str]:
        """Link modes as names (``"rail"``, ``"ferry"``, ...)."""
        return [LinkMode(m).name.lower() for m in self.link_mode]

    # -- tables -------------------------------------------------------------------------------
    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Return the three tables in the file layout of the dataset README.

        Returns
        -------
        dict of str to pandas.DataFrame
            ``"nodes"``, ``"links"`` and ``"sources"``, columns in file order; empty optional
            cells are ``NaN``/``""``.
        """
        nodes = pd.DataFrame(
            {
                "id": self.node_id,
                "name": self.node_name,
                "aliases": self.node_aliases,
                "country": self.node_country,
                "lat": self.node_lat,
                "lon": self.node_lon,
                "kind": self.kind_names(),
                **{k: getattr(self, k) for k in _NODE_FLOATS},
                "status": [Status(s).name.lower() for s in self.node_status],
                "opening_year": self.node_opening_year,
                "source_ids": self.node_source_ids,
                "note": self.node_note,
            }
        )
        nodes["border_servers"] = nodes["border_servers"].astype("Int64")
        nodes["opening_year"] = nodes["opening_year"].astype("Int64")
        links = pd.DataFrame(
            {
                "id": self.link_id,
                "from_id": self.node_id[self.link_from],
                "to_id": self.node_id[self.link_to],
                "mode": self.mode_names(),
                "distance_km": self.distance_km,
                "distance_basis": self.distance_basis,
                "gauge_mm": pd.array(
                    np.where(self.link_gauge_mm > 0, self.link_gauge_mm, np.nan)
                ).astype("Int64"),
                **{k: getattr(self, k) for k in _LINK_FLOATS if k != "distance_km"},
                "status": [Status(s).name.lower() for s in self.link_status],
                "opening_year": self.link_opening_year,
                "source_ids": self.link_source_ids,
                "note": self.link_note,
            }
        )
        links["tracks"] = links["tracks"].astype("Int64")
        links["opening_year"] = links["opening_year"].astype("Int64")
        links["electrified"] = links["electrified"].map({1.0: True, 0.0: False}).astype("boolean")
        links = links[[c.name for c in LINK_COLUMNS]]
        nodes = nodes[[c.name for c in NODE_COLUMNS]]
        sources = pd.DataFrame(
            {
                "id": self.source_id,
                "title": self.source_title,
                "url": self.source_url,
                "year": self.source_year,
                "note": self.source_note,
            }
        )[[c.name for c in SOURCE_COLUMNS]]
        return {"nodes": nodes, "links": links, "sources": sources}

    # -- comparison ---------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CorridorNetwork):
            return NotImplemented
        for f in fields(self):
            if f.name == "name":
                continue
            a, b = getattr(self, f.name), getattr(other, f.name)
            if a.shape != b.shape:
                return False
            if a.dtype.kind == "f":
                if not np.allclose(a, b, rtol=1e-12, atol=0.0, equal_nan=True):
                    return False
            elif not np.array_equal(a, b):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"CorridorNetwork(name={self.name!r}, nodes={self.n_nodes}, links={self.n_links}, "
            f"sources={len(self.source_id)})"
        )
