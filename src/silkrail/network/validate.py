"""Parse and validate a network's three tables, collecting every problem before failing.

The tables arrive as text (every cell a string, ``""`` for empty) so that CSV, GeoJSON and
GeoPackage input go through one set of rules. :func:`check_tables` never raises on bad data: it
returns the parsed columns and the full list of :class:`~silkrail.errors.Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pycountry

from silkrail.errors import Problem
from silkrail.network._geo import great_circle_km
from silkrail.network._schema import (
    FALSE_WORDS,
    FILES,
    GAUGES,
    GREAT_CIRCLE_TOLERANCE,
    LINK_REQUIRED_BY_MODE,
    NODE_OPERATIONS,
    TRUE_WORDS,
    Column,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from silkrail._typing import IntArray

__all__ = ["ParsedTables", "RawTable", "check_tables"]

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class RawTable:
    """One network file as text.

    Parameters
    ----------
    file
        The file's name as shown in messages (``"nodes.csv"``, ``"net.gpkg:links"``).
    kind
        Which table it is: ``"nodes.csv"``, ``"links.csv"`` or ``"sources.csv"``.
    frame
        The cells as strings, ``""`` for empty; ``None`` if the file is missing.
    rows
        The row number reported for each record (line number in a CSV file).
    """

    file: str
    kind: str
    frame: pd.DataFrame | None
    rows: IntArray


@dataclass(frozen=True)
class ParsedTables:
    """Typed columns of the three tables (valid only when no problem was found)."""

    nodes: Columns
    links: Columns
    sources: Columns


@cache
def _iso_alpha2() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _strip(frame: pd.DataFrame, name: str) -> np.ndarray:
    col = frame[name].fillna("").astype(str).str.strip()
    return np.asarray(col.to_numpy(dtype=object), dtype=object)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self, table: RawTable, i: int | None, column: str | None, value: object, rule: str
    ) -> None:
        row = None if i is None else int(table.rows[i])
        self.problems.append(Problem(table.file, row, column, str(value), rule))

    def add_mask(
        self, table: RawTable, mask: np.ndarray, column: str, values: np.ndarray, rule: str
    ) -> None:
        if not mask.any():
            return
        # Report the cell as the user wrote it, not as parsed.
        frame = table.frame
        if frame is not None and column in frame.columns:
            values = _strip(frame, column)
        for i in np.flatnonzero(mask):
            self.add(table, int(i), column, values[i], rule)


def _parse_column(table: RawTable, spec: Column, text: np.ndarray, out: _Collector) -> np.ndarray:
    empty = text == ""
    if spec.required:
        out.add_mask(table, empty, spec.name, text, "a value is required")
    if spec.type == "str":
        return text
    if spec.type == "enum":
        lowered = np.array([t.lower() for t in text], dtype=object)
        bad = ~empty & ~np.isin(lowered, spec.choices)
        out.add_mask(table, bad, spec.name, text, f"must be one of {list(spec.choices)}")
        lowered[bad] = ""
        return lowered
    if spec.type == "bool":
        lowered = np.array([t.lower() for t in text], dtype=object)
        values = np.full(len(text), np.nan)
        values[np.isin(lowered, TRUE_WORDS)] = 1.0
        values[np.isin(lowered, FALSE_WORDS)] = 0.0
        bad = ~empty & np.isnan(values)
        out.add_mask(table, bad, spec.name, text, "must be true or false")
        return values
    parsed = pd.to_numeric(pd.Series(text, dtype=object).replace("", np.nan), errors="coerce")
    numbers: np.ndarray = np.array(parsed, dtype=np.float64, copy=True)
    bad = ~empty & ~np.isfinite(numbers)
    what = "an integer" if spec.type == "int" else "a number"
    out.add_mask(table, bad, spec.name, text, f"must be {what}")
    ok = ~empty & ~bad
    if spec.type == "int":
        frac = ok & (numbers != np.round(numbers))
        out.add_mask(table, frac, spec.name, text, "must be an integer")
        ok &= ~frac
    if spec.positive:
        out.add_mask(table, ok & (numbers <= 0), spec.name, text, "must be > 0")
    if spec.nonnegative:
        out.add_mask(table, ok & (numbers < 0), spec.name, text, "must be >= 0")
    if spec.bounds is not None:
        low, high = spec.bounds
        outside = ok & ((numbers < low) | (numbers > high))
        rule = f"must be between {low:,g} and {high:,g} (the plausible range)"
        out.add_mask(table, outside, spec.name, text, rule)
        ok &= ~outside
    numbers[~ok] = np.nan
    return numbers


def _parse_table(table: RawTable, out: _Collector) -> Columns | None:
    specs = FILES[table.kind]
    if table.frame is None:
        out.add(table, None, None, table.file, "file is missing")
        return None
    frame = table.frame
    names = [s.name for s in specs]
    missing = [s.name for s in specs if s.name not in frame.columns and not s.optional]
    for name in missing:
        out.add(table, None, name, "", f"required column is missing; expected columns {names}")
    for name in frame.columns:
        if name not in names:
            out.add(table, None, str(name), name, f"unknown column; allowed columns are {names}")
    if missing:
        return None
    if len(frame) == 0:
        out.add(table, None, None, "", "the file has a header but no rows")
    empty = np.full(len(frame), "", dtype=object)
    return {
        s.name: _parse_column(
            table, s, _strip(frame, s.name) if s.name in frame.columns else empty, out
        )
        for s in specs
    }


def _split_ids(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


def _check_unique_ids(table: RawTable, cols: Columns, out: _Collector) -> dict[str, int]:
    first: dict[str, int] = {}
    for i, key in enumerate(cols["id"]):
        if key == "":
            continue
        if key in first:
            where = int(table.rows[first[key]])
            out.add(table, i, "id", key, f"duplicate id; first defined at row {where}")
        else:
            first[key] = i
    return first


def _check_sources_column(
    table: RawTable, cols: Columns, known: dict[str, int], out: _Collector
) -> None:
    for i, text in enumerate(cols["source_ids"]):
        for sid in _split_ids(text):
            if sid not in known:
                out.add(table, i, "source_ids", sid, "unknown source id; not in sources.csv")


def _check_sources(table: RawTable, cols: Columns, out: _Collector) -> None:
    urls = cols["url"]
    bad = np.array([u != "" and not u.startswith(("http://", "https://")) for u in urls])
    out.add_mask(table, bad, "url", urls, "must be an http:// or https:// URL")


def _check_nodes(table: RawTable, cols: Columns, out: _Collector) -> None:
    countries = cols["country"]
    iso = _iso_alpha2()
    bad = np.array([c != "" and c not in iso for c in countries])
    out.add_mask(table, bad, "country", countries, "must be an ISO 3166-1 alpha-2 code")
    lat, lon = cols["lat"], cols["lon"]
    out.add_mask(table, np.abs(lat) > 90, "lat", lat, "latitude must be in [-90, 90]")
    out.add_mask(table, np.abs(lon) > 180, "lon", lon, "longitude must be in [-180, 180]")
    for key, needed in NODE_OPERATIONS.items():
        offered = ~np.isnan(cols[key])
        for name in needed:
            missing = offered & np.isnan(cols[name])
            out.add_mask(
                table,
                missing,
                name,
                cols[name],
                f"required when {key} is given (operation offered)",
            )


def _check_links(
    table: RawTable,
    cols: Columns,
    node_cols: Columns | None,
    node_ids: dict[str, int],
    out: _Collector,
) -> tuple[IntArray, IntArray]:
    n = len(cols["id"])
    ends = {}
    # With problems in nodes.csv already, unknown ids are most likely their consequence (a
    # broken row, a bad header): report them once, counted, under the cause.
    nodes_broken = any(p.file.endswith("nodes.csv") for p in out.problems)
    unknown: list[tuple[int, str]] = []
    for end in ("from_id", "to_id"):
        idx = np.full(n, -1, dtype=np.int64)
        for i, key in enumerate(cols[end]):
            if key == "":
                continue
            if key in node_ids:
                idx[i] = node_ids[key]
            elif nodes_broken:
                unknown.append((i, key))
            else:
                out.add(table, i, end, key, "unknown node id; not in nodes.csv")
        ends[end] = idx
    if unknown:
        ids = list(dict.fromkeys(key for _, key in unknown))
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        rule = (
            f"{len(unknown)} link ends in {len({i for i, _ in unknown})} rows name "
            f"{len(ids)} node id{'s' if len(ids) != 1 else ''} not loaded from nodes.csv "
            f"({shown}); most likely a "
            "consequence of the nodes.csv problems above: fix those first"
        )
        out.add(table, unknown[0][0], "from_id/to_id", unknown[0][1], rule)
    src, dst = ends["from_id"], ends["to_id"]
    loop = (src >= 0) & (src == dst)
    out.add_mask(table, loop, "to_id", cols["to_id"], "a link must join two different nodes")

    mode, gauge = cols["mode"], cols["gauge_mm"]
    rail = mode == "rail"
    has_gauge = ~np.isnan(gauge)
    out.add_mask(
        table,
        rail & has_gauge & ~np.isin(gauge, GAUGES),
        "gauge_mm",
        gauge,
        f"rail gauge must be one of {list(GAUGES)} mm",
    )
    out.add_mask(
        table,
        ~rail & (mode != "") & has_gauge,
        "gauge_mm",
        gauge,
        "must be empty on a non-rail link",
    )
    for m, needed in LINK_REQUIRED_BY_MODE.items():
        on = mode == m
        for name in needed:
            values = cols[name]
            missing = on & (np.isnan(values) if values.dtype.kind == "f" else values == "")
            out.add_mask(table, missing, name, values, f"required on a {m} link")

    if node_cols is not None and len(node_cols["lat"]) > 0:
        ok = (src >= 0) & (dst >= 0) & ~loop
        lat, lon = node_cols["lat"], node_cols["lon"]
        s, d = np.where(ok, src, 0), np.where(ok, dst, 0)
        gc = great_circle_km(lat[s], lon[s], lat[d], lon[d])
        dist = cols["distance_km"]
        short = ok & np.isfinite(gc) & (dist < gc * (1 - GREAT_CIRCLE_TOLERANCE))
        # The cells as written, stripped once: per row, this was quadratic in the bad rows.
        cells = _strip(table.frame, "distance_km") if table.frame is not None else dist
        for k in np.flatnonzero(short):
            out.add(
                table,
                int(k),
                "distance_km",
                cells[k],
                f"shorter than the great-circle distance {gc[k]:.1f} km between "
                f"{cols['from_id'][k]} and {cols['to_id'][k]}",
            )
    return src, dst


def _check_topology(
    nodes: RawTable,
    node_cols: Columns,
    link_cols: Columns,
    src: IntArray,
    dst: IntArray,
    out: _Collector,
) -> None:
    n = len(node_cols["id"])
    ok = (src >= 0) & (dst >= 0)
    degree = np.bincount(np.concatenate([src[ok], dst[ok]]), minlength=n)
    out.add_mask(
        nodes, degree == 0, "id", node_cols["id"], "isolated node: no link starts or ends here"
    )
    # The (mode, gauge) classes meeting at each node decide which operations it must offer.
    classes: list[set[tuple[str, int]]] = [set() for _ in range(n)]
    for i in np.flatnonzero(ok):
        mode = str(link_cols["mode"][i])
        g = link_cols["gauge_mm"][i]
        key = (mode, int(g) if np.isfinite(g) else 0)
        classes[src[i]].add(key)
        classes[dst[i]].add(key)
    for j, seen in enumerate(classes):
        gauges = sorted({g for m, g in seen if m == "rail" and g in GAUGES})
        if len(gauges) > 1 and np.isnan(node_cols["gauge_change_hours"][j]):
            out.add(
                nodes,
                j,
                "gauge_change_hours",
                "",
                f"rail links of gauges {gauges} mm meet here, so a gauge change would be "
                "forced at a node that offers none; give gauge_change_hours",
            )
        modes = {m for m, _ in seen}
        water = modes & {"ferry", "sea"}
        if (
            water
            and (("rail" in modes) or len(water) > 1)
            and np.isnan(node_cols["port_transfer_hours"][j])
        ):
            out.add(
                nodes,
                j,
                "port_transfer_hours",
                "",
                f"modes {sorted(modes)} meet here, so a rail-water transfer would be forced "
                "at a node that offers none; give port_transfer_hours",
            )
        if "road" in modes and len(modes) > 1 and np.isnan(node_cols["road_transfer_hours"][j]):
            out.add(
                nodes,
                j,
                "road_transfer_hours",
                "",
                f"modes {sorted(modes)} meet here, so a truck lift would be forced at a node "
                "that offers none; give road_transfer_hours",
            )


def check_tables(tables: Sequence[RawTable]) -> tuple[ParsedTables | None, list[Problem]]:
    """Parse the three tables and check every rule of the network format.

    Parameters
    ----------
    tables
        The nodes, links and sources tables (any order; matched by ``kind``).

    Returns
    -------
    parsed : ParsedTables or None
        Typed columns; ``None`` if a file or column was missing.
    problems : list of Problem
        Every problem found; empty when the network is valid.
    """
    by_kind = {t.kind: t for t in tables}
    out = _Collector()
    parsed = {kind: _parse_table(t, out) for kind, t in by_kind.items()}
    nodes_t, links_t, sources_t = (by_kind[k] for k in FILES)
    node_cols, link_cols, source_cols = (parsed[k] for k in FILES)

    source_ids: dict[str, int] = {}
    if source_cols is not None:
        source_ids = _check_unique_ids(sources_t, source_cols, out)
        _check_sources(sources_t, source_cols, out)
    node_ids: dict[str, int] = {}
    if node_cols is not None:
        node_ids = _check_unique_ids(nodes_t, node_cols, out)
        _check_nodes(nodes_t, node_cols, out)
        if source_cols is not None:
            _check_sources_column(nodes_t, node_cols, source_ids, out)
    if link_cols is not None:
        _check_unique_ids(links_t, link_cols, out)
        src, dst = _check_links(links_t, link_cols, node_cols, node_ids, out)
        if source_cols is not None:
            _check_sources_column(links_t, link_cols, source_ids, out)
        if node_cols is not None:
            _check_topology(nodes_t, node_cols, link_cols, src, dst, out)
            link_cols["from_index"] = src
            link_cols["to_index"] = dst

    order = {k: i for i, k in enumerate(t.file for t in tables)}
    problems = sorted(
        out.problems, key=lambda p: (order.get(p.file, 0), p.row if p.row is not None else -1)
    )
    if node_cols is None or link_cols is None or source_cols is None:
        return None, problems
    return ParsedTables(node_cols, link_cols, source_cols), problems
