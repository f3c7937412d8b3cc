"""Country outlines from the packaged Natural Earth TopoJSON (no map tiles, works offline)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from silkrail._typing import FloatArray

__all__ = ["country_rings"]


def _decode_arcs(topo: dict[str, Any]) -> list[FloatArray]:
    scale = np.asarray(topo["transform"]["scale"], dtype=np.float64)
    translate = np.asarray(topo["transform"]["translate"], dtype=np.float64)
    # Quantized TopoJSON stores each arc as deltas from the previous position.
    return [
        np.cumsum(np.asarray(arc, dtype=np.float64), axis=0) * scale + translate
        for arc in topo["arcs"]
    ]


def _ring(arcs: list[FloatArray], indices: list[int]) -> FloatArray:
    parts = []
    for k, i in enumerate(indices):
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(pts if k == 0 else pts[1:])
    return np.concatenate(parts)


@cache
def country_rings() -> tuple[tuple[str, FloatArray], ...]:
    """Return every country ring as ``(name, lon/lat array)``.

    Returns
    -------
    tuple of (str, numpy.ndarray)
        One entry per polygon ring (outer rings and holes), coordinates in degrees.

    Examples
    --------
    >>> rings = country_rings()
    >>> any(name == "Kazakhstan" for name, _ in rings)
    True
    """
    path = resources.files("silkrail.datasets") / "basemap" / "countries-50m.json"
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    out: list[tuple[str, FloatArray]] = []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = str(geom.get("properties", {}).get("name", ""))
        polygons = geom.get("arcs", [])
        if geom["type"] == "Polygon":
            polygons = [polygons]
        elif geom["type"] != "MultiPolygon":
            continue
        for polygon in polygons:
            for ring_arcs in polygon:
                ring = _ring(arcs, ring_arcs)
                # Rings cut by the antimeridian would draw a line across the whole map.
                if np.abs(np.diff(ring[:, 0])).max(initial=0.0) < 180.0:
                    out.append((name, ring))
    return tuple(out)
