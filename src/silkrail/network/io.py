"""Read and write corridor networks: CSV folders, GeoJSON and GeoPackage.

Every reader goes through the same validation (:func:`~silkrail.network.validate.check_tables`)
and raises one :class:`~silkrail.errors.NetworkValidationError` listing every problem; a network
that fails validation is never returned. Every writer writes to a temporary file beside the
target and renames it into place, so a failed export leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from silkrail._atomic import atomic_file
from silkrail.datasets import DEFAULT_DATASET, get_path
from silkrail.errors import ExportError, NetworkValidationError, Problem
from silkrail.network._schema import FILES, LINK_COLUMNS, NODE_COLUMNS, SOURCE_COLUMNS
from silkrail.network.model import CorridorNetwork
from silkrail.network.validate import RawTable, check_tables

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "EXPORT_FORMATS",
    "load_network",
    "network_from_frames",
    "network_from_geojson",
    "network_to_geojson",
    "read_network",
    "write_network",
]

EXPORT_FORMATS = ("csv", "geojson", "gpkg")
ExportFormat = Literal["csv", "geojson", "gpkg"]
_KINDS = tuple(FILES)  # ("nodes.csv", "links.csv", "sources.csv")
_GEOJSON_VERSION = 1


# -- text conversion ----------------------------------------------------------------------------
def _cell_text(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        f = float(value)
        if math.isnan(f):
            return ""
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    if isinstance(value, int | np.integer):
        return str(int(value))
    return str(value)


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {str(c): [_cell_text(v) for v in frame[c].tolist()] for c in frame.columns},
        dtype=object,
    )


def _build(tables: list[RawTable], *, source: str) -> CorridorNetwork:
    parsed, problems = check_tables(tables)
    if problems or parsed is None:
        raise NetworkValidationError(problems, source=source)
    return CorridorNetwork._from_parsed(parsed, name=source)


# -- CSV ----------------------------------------------------------------------------------------
#: Largest network CSV file read, in bytes: the packaged links.csv has 0.2 MB, and 200,000
#: links take about 20 MB; a larger file is refused before it is read into memory.
MAX_CSV_BYTES = 256 * 1024 * 1024


def _read_csv_table(folder: Path, kind: str, problems: list[Problem]) -> RawTable:
    path = folder / kind
    empty_rows = np.zeros(0, dtype=np.int64)
    if not path.is_file():  # also a device such as /dev/zero: reported as missing
        return RawTable(kind, kind, None, empty_rows)
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        rule = f"the file has {size:,} bytes, over the limit of {MAX_CSV_BYTES:,}"
        problems.append(Problem(kind, None, None, str(path), rule))
        return RawTable(kind, kind, None, empty_rows)
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8"
        )
    except UnicodeDecodeError as exc:
        problems.append(Problem(kind, None, None, str(path), f"not UTF-8 text: {exc.reason}"))
        return RawTable(kind, kind, None, empty_rows)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problems.append(Problem(kind, None, None, str(path), f"not a readable CSV file: {exc}"))
        return RawTable(kind, kind, None, empty_rows)
    frame = frame.astype(object)
    frame.columns = [str(c).strip() for c in frame.columns]
    # Line numbers as a spreadsheet shows them: the header is row 1.
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return RawTable(kind, kind, frame, rows)


def _read_csv_folder(folder: Path) -> CorridorNetwork:
    problems: list[Problem] = []
    tables = [_read_csv_table(folder, kind, problems) for kind in _KINDS]
    if problems:
        # Unreadable files: report them with whatever the readable files show.
        unreadable = {p.file for p in problems}
        _, more = check_tables(tables)
        more = [p for p in more if not (p.file in unreadable and p.rule == "file is missing")]
        raise NetworkValidationError(problems + more, source=str(folder))
    return _build(tables, source=str(folder))


# -- GeoJSON ------------------------------------------------------------------------------------
def network_to_geojson(net: CorridorNetwork) -> dict[str, Any]:
    """Return the network as a GeoJSON FeatureCollection.

    Nodes are ``Point`` features and links ``LineString`` features; each feature's
    ``properties`` holds every column of the file layout plus ``"layer"`` (``"node"`` or
    ``"link"``). The sources table travels in the top-level ``"silkrail"`` member, so the file
    can be read back with :func:`network_from_geojson`.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    dict
        A GeoJSON object (RFC 7946), ready for :func:`json.dump`.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> gj = network_to_geojson(load_network())
    >>> gj["type"], gj["features"][0]["geometry"]["type"]
    ('FeatureCollection', 'Point')
    """
    frames = net.to_frames()
    features: list[dict[str, Any]] = []
    for rec in _records(frames["nodes"]):
        lon, lat = rec.pop("lon"), rec.pop("lat")
        features.append(
            {
                "type": "Feature",
                "id": rec["id"],
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"layer": "node", **rec},
            }
        )
    for k, rec in enumerate(_records(frames["links"])):
        a, b = int(net.link_from[k]), int(net.link_to[k])
        coords = [
            [float(net.node_lon[a]), float(net.node_lat[a])],
            [float(net.node_lon[b]), float(net.node_lat[b])],
        ]
        features.append(
            {
                "type": "Feature",
                "id": rec["id"],
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {"layer": "link", **rec},
            }
        )
    return {
        "type": "FeatureCollection",
        "name": net.name,
        "silkrail": {"version": _GEOJSON_VERSION, "sources": _records(frames["sources"])},
        "features": features,
    }


def _json_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    return None if value == "" else str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = list(frame.columns)
    return [
        {c: _json_value(v) for c, v in zip(cols, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def network_from_geojson(obj: dict[str, Any], *, source: str = "<geojson>") -> CorridorNetwork:
    """Build a network from a GeoJSON object written by :func:`network_to_geojson`.

    Parameters
    ----------
    obj
        The parsed GeoJSON.
    source
        Name used in messages (e.g. the file name).

    Returns
    -------
    CorridorNetwork
        The validated network.

    Raises
    ------
    NetworkValidationError
        If the object breaks any rule; every problem is listed.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> net = load_network()
    >>> network_from_geojson(network_to_geojson(net)) == net
    True
    """
    problems: list[Problem] = []
    if obj.get("type") != "FeatureCollection" or not isinstance(obj.get("features"), list):
        problems.append(
            Problem(
                source,
                None,
                "type",
                str(obj.get("type")),
                "must be a GeoJSON FeatureCollection with a features list",
            )
        )
        raise NetworkValidationError(problems, source=source)
    nodes: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    node_rows: list[int] = []
    link_rows: list[int] = []
    for i, feat in enumerate(obj["features"], start=1):
        props = dict(feat.get("properties") or {})
        layer = props.pop("layer", None)
        geom = feat.get("geometry") or {}
        if layer == "node":
            coords = geom.get("coordinates")
            if geom.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
                problems.append(
                    Problem(
                        f"{source}:features",
                        i,
                        "geometry",
                        str(geom.get("type")),
                        "a node feature needs a Point geometry [lon, lat]",
                    )
                )
                continue
            props["lon"], props["lat"] = coords[0], coords[1]
            nodes.append(props)
            node_rows.append(i)
        elif layer == "link":
            links.append(props)
            link_rows.append(i)
        else:
            problems.append(
                Problem(
                    f"{source}:features",
                    i,
                    "layer",
                    str(layer),
                    "feature property 'layer' must be 'node' or 'link'",
                )
            )
    meta = obj.get("silkrail") or {}
    sources = list(meta.get("sources") or [])
    if "sources" not in meta:
        problems.append(
            Problem(
                source,
                None,
                "silkrail.sources",
                "",
                "the top-level 'silkrail' member with the sources table is missing",
            )
        )
    tables = [
        _table(f"{source}:nodes", "nodes.csv", nodes, node_rows, NODE_COLUMNS),
        _table(f"{source}:links", "links.csv", links, link_rows, LINK_COLUMNS),
        _table(
            f"{source}:sources",
            "sources.csv",
            sources,
            list(range(1, len(sources) + 1)),
            SOURCE_COLUMNS,
        ),
    ]
    if problems:
        _, more = check_tables(tables)
        raise NetworkValidationError(problems + more, source=source)
    return _build(tables, source=source)


def _table(
    file: str, kind: str, records: list[dict[str, Any]], rows: list[int], columns: tuple[Any, ...]
) -> RawTable:
    names = [c.name for c in columns]
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=names)
    return RawTable(file, kind, _text_frame(frame), np.asarray(rows, dtype=np.int64))


# -- frames -------------------------------------------------------------------------------------
def network_from_frames(
    nodes: pd.DataFrame,
    links: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    source: str = "<frames>",
) -> CorridorNetwork:
    """Build a network from three tables in the file layout of the dataset README.

    Parameters
    ----------
    nodes, links, sources
        The tables; cells may be typed or text, empty cells ``NaN``, ``None`` or ``""``.
    source
        Name used in messages.

    Returns
    -------
    CorridorNetwork
        The validated network.

    Raises
    ------
    NetworkValidationError
        If the tables break any rule; every problem is listed, rows counted as in a CSV file.

    Examples
    --------
    >>> from silkrail.network import load_network
    >>> net = load_network()
    >>> f = net.to_frames()
    >>> network_from_frames(f["nodes"], f["links"], f["sources"]) == net
    True
    """
    tables = [
        RawTable(kind, kind, _text_frame(frame), np.arange(2, len(frame) + 2, dtype=np.int64))
        for kind, frame in zip(_KINDS, (nodes, links, sources), strict=True)
    ]
    return _build(tables, source=source)


# -- GeoPackage ---------------------------------------------------------------------------------
def _read_gpkg(path: Path) -> CorridorNetwork:
    try:
        import pyogrio
    except ImportError as exc:  # pragma: no cover - depends on the install
        msg = "reading GeoPackage needs the 'geo' extra: pip install 'silkrail[geo]'"
        raise ExportError(msg) from exc
    try:
        layers = {str(name) for name, _ in pyogrio.list_layers(path)}
    except Exception as exc:  # pyogrio raises its own DataSourceError hierarchy
        problem = Problem(path.name, None, None, str(path), f"not a readable GeoPackage: {exc}")
        raise NetworkValidationError([problem], source=str(path)) from exc
    tables: list[RawTable] = []
    for kind in _KINDS:
        layer = kind.removesuffix(".csv")
        file = f"{path.name}:{layer}"
        if layer not in layers:
            tables.append(RawTable(file, kind, None, np.zeros(0, dtype=np.int64)))
            continue
        frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=layer == "nodes")
        if layer == "nodes":
            geom = frame.pop("geometry")
            frame["lon"] = geom.x.to_numpy()
            frame["lat"] = geom.y.to_numpy()
        frame = pd.DataFrame(frame)
        rows = np.arange(1, len(frame) + 1, dtype=np.int64)
        tables.append(RawTable(file, kind, _text_frame(frame), rows))
    return _build(tables, source=str(path))


def _write_gpkg(net: CorridorNetwork, tmp: Path) -> None:
    try:
        import geopandas as gpd
        import pyogrio
        import shapely
    except ImportError as exc:
        msg = "GeoPackage export needs the 'geo' extra: pip install 'silkrail[geo]'"
        raise ExportError(msg) from exc
    frames = net.to_frames()
    nodes = frames["nodes"].drop(columns=["lat", "lon"])
    points = shapely.points(net.node_lon, net.node_lat)
    gnodes = gpd.GeoDataFrame(nodes, geometry=points, crs="EPSG:4326")
    lines = shapely.linestrings(
        np.stack(
            [
                np.column_stack([net.node_lon[net.link_from], net.node_lat[net.link_from]]),
                np.column_stack([net.node_lon[net.link_to], net.node_lat[net.link_to]]),
            ],
            axis=1,
        )
    )
    glinks = gpd.GeoDataFrame(frames["links"], geometry=lines, crs="EPSG:4326")
    pyogrio.write_dataframe(gnodes, tmp, layer="nodes", driver="GPKG")
    pyogrio.write_dataframe(glinks, tmp, layer="links", driver="GPKG")
    pyogrio.write_dataframe(frames["sources"], tmp, layer="sources", driver="GPKG")


# -- public readers and writers -----------------------------------------------------------------
def load_network(name: str = DEFAULT_DATASET) -> CorridorNetwork:
    """Load a packaged network (by default the China–Europe corridors).

    Parameters
    ----------
    name
        A packaged dataset name, see :func:`silkrail.datasets.available`.

    Returns
    -------
    CorridorNetwork
        The validated network.

    Raises
    ------
    DatasetError
        If `name` is not a packaged dataset.

    Examples
    --------
    >>> net = load_network()
    >>> "KZ" in set(net.node_country)
    True
    """
    return _read_csv_folder(get_path(name))


def read_network(path: str | os.PathLike[str]) -> CorridorNetwork:
    """Read and validate a network from a CSV folder, a GeoJSON file or a GeoPackage.

    Parameters
    ----------
    path
        A folder holding ``nodes.csv``, ``links.csv`` and ``sources.csv`` (the layout of the
        packaged dataset), a ``.geojson``/``.json`` file written by :func:`write_network`, or a
        ``.gpkg`` file with layers ``nodes``, ``links`` and ``sources``.

    Returns
    -------
    CorridorNetwork
        The validated network.

    Raises
    ------
    NetworkValidationError
        If anything breaks a rule; all problems are listed with file, row, column and value.
    FileNotFoundError
        If `path` does not exist.

    Examples
    --------
    >>> from silkrail.datasets import get_path
    >>> read_network(get_path("corridors")) == load_network()
    True
    """
    p = Path(path)
    if not p.exists():
        msg = f"no such file or folder: {str(p)!r}"
        raise FileNotFoundError(msg)
    if p.is_dir():
        return _read_csv_folder(p)
    suffix = p.suffix.lower()
    if suffix in (".geojson", ".json"):
        try:
            obj = json.loads(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = Problem(p.name, None, None, str(p), f"not valid GeoJSON: {exc}")
            raise NetworkValidationError([problem], source=str(p)) from exc
        if not isinstance(obj, dict):
            problem = Problem(p.name, None, None, type(obj).__name__, "must be a JSON object")
            raise NetworkValidationError([problem], source=str(p))
        return network_from_geojson(obj, source=p.name)
    if suffix == ".gpkg":
        return _read_gpkg(p)
    problem = Problem(
        p.name, None, None, suffix, "unknown network file type; use a CSV folder, .geojson or .gpkg"
    )
    raise NetworkValidationError([problem], source=str(p))


@contextlib.contextmanager
def _atomic_dir(target: Path) -> Iterator[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        for child in tmp.iterdir():
            child.unlink()
        tmp.rmdir()
        raise


def _replace_dir(tmp: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for child in tmp.iterdir():
        os.replace(child, target / child.name)
    tmp.rmdir()


def write_network(
    net: CorridorNetwork, path: str | os.PathLike[str], *, format: ExportFormat = "geojson"
) -> Path:
    """Write a network to a file (or folder) that :func:`read_network` reads back unchanged.

    Parameters
    ----------
    net
        The network.
    path
        Target file (``geojson``, ``gpkg``) or folder (``csv``).
    format
        One of ``"csv"``, ``"geojson"``, ``"gpkg"``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ExportError
        If `format` is unknown or a needed optional package is missing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> net = load_network()
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "corridors.geojson"
    >>> read_network(write_network(net, out, format="geojson")) == net
    True
    """
    if format not in EXPORT_FORMATS:
        msg = f"unknown export format {format!r}; choose one of {list(EXPORT_FORMATS)}"
        raise ExportError(msg)
    target = Path(path)
    writers: dict[str, Callable[[Path], object]] = {
        "geojson": lambda tmp: tmp.write_text(
            json.dumps(network_to_geojson(net), ensure_ascii=False, indent=1), encoding="utf-8"
        ),
        "gpkg": lambda tmp: _write_gpkg(net, tmp),
        "csv": lambda tmp: _write_csv(net, tmp),
    }
    if format == "csv":
        with _atomic_dir(target) as tmp:
            writers[format](tmp)
            _replace_dir(tmp, target)
    else:
        with atomic_file(target) as tmp:
            writers[format](tmp)
    return target


def _write_csv(net: CorridorNetwork, folder: Path) -> None:
    frames = net.to_frames()
    for kind in _KINDS:
        frame = frames[kind.removesuffix(".csv")]
        _text_frame(frame).to_csv(folder / kind, index=False, encoding="utf-8", lineterminator="\n")
