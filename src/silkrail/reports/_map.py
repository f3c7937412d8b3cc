"""The study report's network map: inline SVG over the packaged country outlines."""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from silkrail.reports._basemap import country_rings

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from silkrail.network import CorridorNetwork

__all__ = ["MapMarker", "network_map", "utilisation_colour"]

#: A bottleneck to mark: (number shown, longitude, latitude).
MapMarker = tuple[int, float, float]

_WIDTH = 1000


def utilisation_colour(u: float) -> str:
    """Colour of a utilisation: green below 50 %, through amber, to red at 100 % and over.

    Examples
    --------
    >>> utilisation_colour(0.2), utilisation_colour(1.3)
    ('#2e9e44', '#c62828')
    """
    if not math.isfinite(u):
        return "#9e9e9e"
    stops = ((0.5, (46, 158, 68)), (0.8, (240, 170, 0)), (1.0, (198, 40, 40)))
    if u <= stops[0][0]:
        r, g, b = stops[0][1]
    elif u >= stops[-1][0]:
        r, g, b = stops[-1][1]
    else:
        (u0, c0), (u1, c1) = next(
            (stops[k], stops[k + 1]) for k in range(len(stops) - 1) if u <= stops[k + 1][0]
        )
        t = (u - u0) / (u1 - u0)
        r, g, b = (round(a + (c - a) * t) for a, c in zip(c0, c1, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def network_map(
    net: CorridorNetwork,
    trains_per_week: Mapping[str, float],
    utilisation: Mapping[str, float],
    markers: Sequence[MapMarker],
    *,
    stations: Sequence[tuple[float, float, float]] = (),
    title: str,
) -> str:
    """Draw the links that carry trains: width = trains a week, colour = utilisation.

    Parameters
    ----------
    net
        The network.
    trains_per_week
        Trains a week (both directions) by link id; links not in it are drawn thin and grey.
    utilisation
        Highest utilisation of the link's stations (either direction) by link id.
    markers
        Bottlenecks to mark with their number.
    stations
        Border, gauge-change and port stations as ``(lon, lat, utilisation)``, drawn as
        dots in the utilisation's colour.
    title
        The map's accessible name.

    Returns
    -------
    str
        One ``<svg>`` element.
    """
    rows = [i for i, lid in enumerate(net.link_id) if str(lid) in trains_per_week]
    ends = np.concatenate([net.link_from[rows], net.link_to[rows]]) if rows else np.arange(0)
    lon = net.node_lon[ends] if len(ends) else net.node_lon
    lat = net.node_lat[ends] if len(ends) else net.node_lat
    pad = 2.0
    lon0, lon1 = float(lon.min()) - pad, float(lon.max()) + pad
    lat0, lat1 = float(lat.min()) - pad, float(lat.max()) + pad
    kx = math.cos(math.radians(0.5 * (lat0 + lat1)))
    scale = _WIDTH / ((lon1 - lon0) * kx)
    height = round((lat1 - lat0) * scale)

    def xy(lo: float, la: float) -> tuple[float, float]:
        return (lo - lon0) * kx * scale, (lat1 - la) * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f'<rect width="{_WIDTH}" height="{height}" fill="#dbe7f0"/>',
    ]
    land = []
    for _, ring in country_rings():
        if (
            ring[:, 0].max() < lon0
            or ring[:, 0].min() > lon1
            or ring[:, 1].max() < lat0
            or ring[:, 1].min() > lat1
        ):
            continue
        # Whole pixels are enough at this scale and keep the file small.
        px = (ring[:, 0] - lon0) * kx * scale
        py = (lat1 - ring[:, 1]) * scale
        pts = np.round(np.column_stack([px, py])).astype(int)
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
        pts = pts[keep]
        if len(pts) < 3:
            continue
        land.append("M" + "L".join(f"{x},{y}" for x, y in pts) + "Z")
    parts.append(f'<path d="{"".join(land)}" fill="#f6f4ee" stroke="#b5b5b5" stroke-width="0.6"/>')
    idle = []
    for i in range(net.n_links):
        if str(net.link_id[i]) in trains_per_week:
            continue
        a, b = xy(net.node_lon[net.link_from[i]], net.node_lat[net.link_from[i]])
        c, d = xy(net.node_lon[net.link_to[i]], net.node_lat[net.link_to[i]])
        if 0 <= a <= _WIDTH and 0 <= b <= height:
            idle.append(f"M{a:.0f},{b:.0f}L{c:.0f},{d:.0f}")
    parts.append(f'<path d="{"".join(idle)}" stroke="#c4c4c4" stroke-width="0.7" fill="none"/>')
    top = max(trains_per_week.values(), default=1.0) or 1.0
    for i in sorted(rows, key=lambda r: trains_per_week[str(net.link_id[r])]):
        lid = str(net.link_id[i])
        tpw = trains_per_week[lid]
        u = utilisation.get(lid, math.nan)
        a, b = xy(net.node_lon[net.link_from[i]], net.node_lat[net.link_from[i]])
        c, d = xy(net.node_lon[net.link_to[i]], net.node_lat[net.link_to[i]])
        w = 1.0 + 9.0 * math.sqrt(tpw / top)
        tip = f"{lid}: {tpw:.1f} trains a week" + (
            f", utilisation {u:.0%}" if math.isfinite(u) else ""
        )
        parts.append(
            f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d:.1f}" '
            f'stroke="{utilisation_colour(u)}" stroke-width="{w:.1f}" stroke-linecap="round">'
            f"<title>{escape(tip)}</title></line>"
        )
    for lo, la, u in stations:
        x, y = xy(lo, la)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{utilisation_colour(u)}" '
            'stroke="#333" stroke-width="0.8"/>'
        )
    for number, lo, la in markers:
        x, y = xy(lo, la)
        parts.append(
            f'<g class="bottleneck"><circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="#fff" '
            f'stroke="#c62828" stroke-width="2.5"/><text x="{x:.1f}" y="{y + 4:.1f}" '
            f'text-anchor="middle" font-weight="700" fill="#c62828">{number}</text></g>'
        )
    # Legend: widths and colours.
    lx, ly = 14, height - 96
    parts.append(
        f'<rect x="{lx - 6}" y="{ly - 18}" width="270" height="106" fill="#fff" '
        'fill-opacity="0.9" stroke="#bbb"/>'
        f'<text x="{lx}" y="{ly - 4}" font-weight="600">trains/week</text>'
    )
    for k, frac in enumerate((0.1, 0.4, 1.0)):
        y = ly + 12 + 14 * k
        w = 1.0 + 9.0 * math.sqrt(frac)
        parts.append(
            f'<line x1="{lx}" y1="{y}" x2="{lx + 40}" y2="{y}" stroke="#555" '
            f'stroke-width="{w:.1f}"/><text x="{lx + 48}" y="{y + 4}">{top * frac:.0f}</text>'
        )
    for k, (u, label) in enumerate(((0.3, "< 50 %"), (0.8, "80 %"), (1.0, "≥ 100 %"))):
        y = ly + 12 + 14 * k
        parts.append(
            f'<rect x="{lx + 130}" y="{y - 5}" width="24" height="10" '
            f'fill="{utilisation_colour(u)}"/><text x="{lx + 160}" y="{y + 4}">{label}</text>'
        )
    parts.append(
        f'<text x="{lx + 130}" y="{ly - 4}" font-weight="600">utilisation</text>'
        f'<circle cx="{lx + 8}" cy="{ly + 66}" r="7" fill="#fff" stroke="#c62828" '
        f'stroke-width="2"/><text x="{lx + 22}" y="{ly + 70}">bottleneck (see the table)</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
