"""A static map of a network, drawn over the packaged country outlines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from silkrail._atomic import atomic_file
from silkrail.errors import ExportError
from silkrail.network._schema import LinkMode, NodeKind, Status
from silkrail.reports._basemap import country_rings

if TYPE_CHECKING:
    import os

    from silkrail.network.model import CorridorNetwork

__all__ = ["plot_network"]

# Colour by what a planner reads first: gauge for rail, then the water modes.
_RAIL_COLOURS = {1435: "#1f77b4", 1520: "#d62728", 1668: "#9467bd", 1676: "#e377c2"}
_MODE_COLOURS = {LinkMode.FERRY: "#17becf", LinkMode.SEA: "#7f7f7f", LinkMode.ROAD: "#8c564b"}
_KIND_MARKERS = {
    NodeKind.TERMINAL: ("o", "#222222"),
    NodeKind.BORDER: ("s", "#ff7f0e"),
    NodeKind.YARD: ("D", "#2ca02c"),
    NodeKind.PORT: ("^", "#17becf"),
    NodeKind.JUNCTION: (".", "#555555"),
}


def plot_network(
    net: CorridorNetwork,
    path: str | os.PathLike[str],
    *,
    bbox: tuple[float, float, float, float] | None = None,
    title: str | None = None,
    dpi: int = 150,
) -> Path:
    """Draw the network's links by mode and gauge and its nodes by kind to a PNG file.

    Parameters
    ----------
    net
        The network.
    path
        Output PNG file; written atomically.
    bbox
        ``(lon_min, lon_max, lat_min, lat_max)``; default: the nodes' extent plus a margin.
    title
        Figure title; default names the network and its size.
    dpi
        Resolution.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ExportError
        If matplotlib (the ``viz`` extra) is not installed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from silkrail.network import load_network
    >>> out = plot_network(load_network(), pathlib.Path(tempfile.mkdtemp()) / "map.png")
    >>> out.stat().st_size > 10_000
    True
    """
    try:
        import matplotlib as mpl

        mpl.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection, PolyCollection
        from matplotlib.lines import Line2D
    except ImportError as exc:  # pragma: no cover - depends on the install
        msg = "plotting needs the 'viz' extra: pip install 'silkrail[viz]'"
        raise ExportError(msg) from exc

    if bbox is None:
        pad = 3.0
        bbox = (
            float(net.node_lon.min()) - pad,
            float(net.node_lon.max()) + pad,
            float(net.node_lat.min()) - pad,
            float(net.node_lat.max()) + pad,
        )
    fig, ax = plt.subplots(figsize=(16, 9))
    ax.add_collection(
        PolyCollection(
            [ring for _, ring in country_rings()],
            facecolors="#f6f4ee",
            edgecolors="#b5b5b5",
            linewidths=0.4,
            zorder=1,
        )
    )
    ax.set_facecolor("#dbe7f0")
    handles = []
    for key, colour, label in [
        *((("rail", g), c, f"rail {g} mm") for g, c in _RAIL_COLOURS.items()),
        *(((m.name.lower(), 0), c, m.name.lower()) for m, c in _MODE_COLOURS.items()),
    ]:
        mode, gauge = key
        mask = net.link_mode == LinkMode[mode.upper()]
        if gauge:
            mask &= net.link_gauge_mm == gauge
        for planned in (False, True):
            sel = mask & ((net.link_status == Status.PLANNED) == planned)
            if not sel.any():
                continue
            segs = np.stack(
                [
                    np.column_stack(
                        [net.node_lon[net.link_from[sel]], net.node_lat[net.link_from[sel]]]
                    ),
                    np.column_stack(
                        [net.node_lon[net.link_to[sel]], net.node_lat[net.link_to[sel]]]
                    ),
                ],
                axis=1,
            )
            style = "dashed" if planned else "solid"
            ax.add_collection(
                LineCollection(
                    list(segs), colors=colour, linewidths=1.4, linestyles=style, zorder=2
                )
            )
        if mask.any():
            handles.append(Line2D([], [], color=colour, lw=2, label=label))
    handles.append(Line2D([], [], color="#444444", lw=1.4, ls="--", label="planned"))
    for kind, (marker, colour) in _KIND_MARKERS.items():
        sel = net.node_kind == kind
        if sel.any():
            ax.scatter(
                net.node_lon[sel], net.node_lat[sel], s=14, marker=marker, c=colour, zorder=3
            )
            handles.append(
                Line2D([], [], ls="", marker=marker, color=colour, label=kind.name.lower())
            )
    ax.set_xlim(bbox[0], bbox[1])
    ax.set_ylim(bbox[2], bbox[3])
    ax.set_aspect(1.3)
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    ax.legend(handles=handles, loc="lower left", fontsize=8, ncol=2, framealpha=0.9)
    ax.set_title(title or f"{net.name}: {net.n_nodes} nodes, {net.n_links} links")
    target = Path(path)
    try:
        with atomic_file(target) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
    finally:
        plt.close(fig)
    return target
