"""Readers for the TNTP text formats (Bar-Gera's *Transportation Network Test Problems*).

Three files describe a problem: ``*_net.tntp`` (links with BPR parameters), ``*_trips.tntp``
(the origin-destination matrix) and ``*_flow.tntp`` (a best-known equilibrium). Each starts
with ``<KEY> value`` metadata lines closed by ``<END OF METADATA>``; ``~`` starts a comment.
A malformed file raises :class:`~silkrail.errors.TNTPFormatError` naming the file and line.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from silkrail.assignment.network import TrafficNetwork
from silkrail.errors import NetworkValidationError, TNTPFormatError

if TYPE_CHECKING:
    import os

    import pandas as pd

    from silkrail._typing import FloatArray, IntArray

__all__ = ["TNTPFlow", "read_tntp_flow", "read_tntp_net", "read_tntp_trips"]

_META = re.compile(r"^\s*<([^>]+)>\s*(.*?)\s*$")
_NET_COLUMNS = (
    "init_node",
    "term_node",
    "capacity",
    "length",
    "free_flow_time",
    "b",
    "power",
    "speed",
    "toll",
    "link_type",
)


#: Largest TNTP file read (bytes): the largest published problems are a few hundred MB.
MAX_FILE_BYTES = 1 << 30
#: Most nodes and links a network file may declare (Bar-Gera's largest has ~1 million links).
MAX_NODES = 10_000_000
MAX_LINKS = 50_000_000
#: Most zones: the trip table is a dense zones × zones matrix of 8-byte numbers (40,000 zones
#: take 12 GiB); the largest published problem (Austin) has 7,388.
MAX_ZONES = 40_000


def _fail(path: Path, lineno: int | None, msg: str) -> TNTPFormatError:
    where = f"{path}" if lineno is None else f"{path}, line {lineno}"
    return TNTPFormatError(f"{where}: {msg}")


def _read_lines(path: Path) -> list[str]:
    try:
        info = path.stat()
        if path.is_dir():
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            # /dev/zero, a pipe or a socket: no size to check, and possibly no end.
            raise _fail(path, None, "not a regular file; give a TNTP file")
        if info.st_size > MAX_FILE_BYTES:
            raise _fail(
                path,
                None,
                f"the file has {info.st_size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            )
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        msg = f"no such file: {str(path)!r}"
        raise FileNotFoundError(msg) from None
    except IsADirectoryError:
        msg = f"{str(path)!r} is a folder, expected a TNTP file"
        raise IsADirectoryError(msg) from None


def _metadata(path: Path, lines: list[str]) -> tuple[dict[str, tuple[str, int]], int]:
    """Parse the metadata block; return ``{KEY: (value, lineno)}`` and the first data line."""
    meta: dict[str, tuple[str, int]] = {}
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("~"):
            continue
        m = _META.match(line)
        if m is None:
            raise _fail(
                path,
                i + 1,
                f"expected a '<KEY> value' metadata line or '<END OF METADATA>', got {line!r}",
            )
        key = m.group(1).strip().upper()
        if key == "END OF METADATA":
            return meta, i + 1
        meta[key] = (m.group(2).strip(), i + 1)
    raise _fail(path, None, "no '<END OF METADATA>' line")


def _meta_int(
    path: Path,
    meta: dict[str, tuple[str, int]],
    key: str,
    default: int | None = None,
    *,
    high: int | None = None,
) -> int:
    if key not in meta:
        if default is not None:
            return default
        raise _fail(path, None, f"missing metadata '<{key}>'")
    text, lineno = meta[key]
    try:
        number = float(text.split()[0])
        value = int(number)
    except (ValueError, IndexError, OverflowError):
        raise _fail(path, lineno, f"<{key}> must be a whole number, got {text[:40]!r}") from None
    if value != number:
        raise _fail(path, lineno, f"<{key}> must be a whole number, got {text[:40]!r}")
    if value < 0:
        raise _fail(path, lineno, f"<{key}> must be >= 0, got {value}")
    if high is not None and value > high:
        raise _fail(path, lineno, f"<{key}> is {value:,}, over the limit of {high:,}")
    return value


def _meta_float(path: Path, meta: dict[str, tuple[str, int]], key: str) -> float | None:
    if key not in meta:
        return None
    text, lineno = meta[key]
    try:
        return float(text.split()[0])
    except (ValueError, IndexError):
        raise _fail(path, lineno, f"<{key}> must be a number, got {text!r}") from None


def _strip_comment(line: str) -> str:
    k = line.find("~")
    return line if k < 0 else line[:k]


def read_tntp_net(
    path: str | os.PathLike[str],
    *,
    toll_factor: float | None = None,
    distance_factor: float | None = None,
) -> TrafficNetwork:
    """Read a TNTP network file (``*_net.tntp``).

    Data lines hold ``init_node term_node capacity length free_flow_time b power speed toll
    link_type ;``. ``<FIRST THRU NODE>``, ``<TOLL FACTOR>`` and ``<DISTANCE FACTOR>`` are
    honoured when present.

    Parameters
    ----------
    path
        The file.
    toll_factor, distance_factor
        Override the file's generalised-cost weights (some networks, e.g. Chicago Sketch,
        state them only in their README).

    Returns
    -------
    TrafficNetwork
        The network, named after the file.

    Raises
    ------
    TNTPFormatError
        If the file is malformed, is not a regular file, or is or declares more than the
        limits (:data:`MAX_FILE_BYTES`, :data:`MAX_NODES`, :data:`MAX_LINKS`,
        :data:`MAX_ZONES`); the message names the file and line.
    FileNotFoundError
        If the file does not exist.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> text = '''<NUMBER OF ZONES> 2
    ... <NUMBER OF NODES> 2
    ... <FIRST THRU NODE> 1
    ... <NUMBER OF LINKS> 1
    ... <END OF METADATA>
    ... ~ init term cap len fftt b power speed toll type ;
    ... 1 2 100 1.0 3.0 0.15 4 0 0 1 ;
    ... '''
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny_net.tntp"
    >>> _ = f.write_text(text)
    >>> net = read_tntp_net(f)
    >>> net.num_links, float(net.free_flow_time[0])
    (1, 3.0)
    """
    p = Path(path)
    lines = _read_lines(p)
    meta, start = _metadata(p, lines)
    num_zones = _meta_int(p, meta, "NUMBER OF ZONES", high=MAX_ZONES)
    num_nodes = _meta_int(p, meta, "NUMBER OF NODES", high=MAX_NODES)
    num_links = _meta_int(p, meta, "NUMBER OF LINKS", high=MAX_LINKS)
    first_thru = _meta_int(p, meta, "FIRST THRU NODE", default=1)
    tf = _meta_float(p, meta, "TOLL FACTOR") if toll_factor is None else toll_factor
    df = _meta_float(p, meta, "DISTANCE FACTOR") if distance_factor is None else distance_factor

    rows: list[list[float]] = []
    linenos: list[int] = []
    for i in range(start, len(lines)):
        line = _strip_comment(lines[i]).strip()
        if not line:
            continue
        line = line.rstrip(";").strip()
        fields = line.split()
        if len(fields) < 10:
            raise _fail(
                p,
                i + 1,
                f"expected 10 fields ({' '.join(_NET_COLUMNS)}), got {len(fields)}: {line!r}",
            )
        if len(fields) > 10:
            raise _fail(
                p, i + 1, f"expected 10 fields, got {len(fields)} (is a ';' missing?): {line!r}"
            )
        vals: list[float] = []
        for col, text in zip(_NET_COLUMNS, fields, strict=True):
            try:
                v = float(text)
            except ValueError:
                raise _fail(p, i + 1, f"{col} must be a number, got {text!r}") from None
            if not np.isfinite(v):
                raise _fail(p, i + 1, f"{col} must be finite, got {text!r}")
            vals.append(v)
        for col_i in (0, 1):
            v = vals[col_i]
            if v != int(v) or not 1 <= v <= num_nodes:
                raise _fail(
                    p,
                    i + 1,
                    f"{_NET_COLUMNS[col_i]} must be a node number between 1 "
                    f"and {num_nodes}, got {fields[col_i]!r}",
                )
        for col_i in (2, 3, 4, 5, 6, 8):
            if vals[col_i] < 0:
                raise _fail(p, i + 1, f"{_NET_COLUMNS[col_i]} must be >= 0, got {fields[col_i]!r}")
        if vals[5] > 0 and vals[2] <= 0:
            raise _fail(p, i + 1, f"capacity must be > 0 where b > 0, got {fields[2]!r}")
        rows.append(vals)
        linenos.append(i + 1)
    if len(rows) != num_links:
        raise _fail(
            p,
            meta["NUMBER OF LINKS"][1],
            f"<NUMBER OF LINKS> says {num_links} but the file has {len(rows)} links",
        )
    data = np.array(rows, dtype=np.float64).reshape(len(rows), 10)
    try:
        return TrafficNetwork(
            init_node=data[:, 0].astype(np.int64),
            term_node=data[:, 1].astype(np.int64),
            capacity=data[:, 2],
            length=data[:, 3],
            free_flow_time=data[:, 4],
            b=data[:, 5],
            power=data[:, 6],
            toll=data[:, 8],
            link_type=data[:, 9].astype(np.int64),
            num_nodes=num_nodes,
            num_zones=num_zones,
            first_thru_node=first_thru,
            toll_factor=0.0 if tf is None else float(tf),
            distance_factor=0.0 if df is None else float(df),
            name=p.name,
        )
    except NetworkValidationError as exc:
        first = exc.problems[0]
        bad_line = linenos[first.row - 1] if first.row is not None else None
        raise _fail(p, bad_line, f"{first.column} = {first.value}: {first.rule}") from exc


def read_tntp_trips(path: str | os.PathLike[str]) -> FloatArray:
    """Read a TNTP trip table (``*_trips.tntp``) into a dense zone-by-zone matrix.

    Parameters
    ----------
    path
        The file: ``Origin o`` lines, each followed by ``dest : trips ;`` entries.

    Returns
    -------
    FloatArray
        ``num_zones x num_zones`` trips; row = origin zone - 1, column = destination - 1.

    Raises
    ------
    TNTPFormatError
        If the file is malformed, ``<TOTAL OD FLOW>`` disagrees with the entries, or it is
        over the limits (:data:`MAX_FILE_BYTES`, :data:`MAX_ZONES`); the message names the
        file and line.
    FileNotFoundError
        If the file does not exist.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> text = '''<NUMBER OF ZONES> 2
    ... <TOTAL OD FLOW> 5.0
    ... <END OF METADATA>
    ... Origin 1
    ...     2 :  5.0;
    ... '''
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny_trips.tntp"
    >>> _ = f.write_text(text)
    >>> read_tntp_trips(f)
    array([[0., 5.],
           [0., 0.]])
    """
    p = Path(path)
    lines = _read_lines(p)
    meta, start = _metadata(p, lines)
    nz = _meta_int(p, meta, "NUMBER OF ZONES", high=MAX_ZONES)
    total = _meta_float(p, meta, "TOTAL OD FLOW")
    demand = np.zeros((nz, nz), dtype=np.float64)
    origin = -1
    for i in range(start, len(lines)):
        line = _strip_comment(lines[i]).strip()
        if not line:
            continue
        head = line.split(None, 1)
        if head[0].lower() == "origin":
            text = head[1].strip() if len(head) > 1 else ""
            try:
                o = int(text)
            except ValueError:
                raise _fail(p, i + 1, f"origin must be a zone number, got {text!r}") from None
            if not 1 <= o <= nz:
                raise _fail(p, i + 1, f"origin must be between 1 and {nz}, got {o}")
            origin = o - 1
            continue
        if origin < 0:
            raise _fail(p, i + 1, f"expected an 'Origin' line before trips, got {line!r}")
        for entry in line.split(";"):
            entry = entry.strip()
            if not entry:
                continue
            parts = entry.split(":")
            if len(parts) != 2:
                raise _fail(p, i + 1, f"expected 'destination : trips', got {entry!r}")
            dtext, vtext = parts[0].strip(), parts[1].strip()
            try:
                d = int(dtext)
            except ValueError:
                raise _fail(p, i + 1, f"destination must be a zone number, got {dtext!r}") from None
            if not 1 <= d <= nz:
                raise _fail(p, i + 1, f"destination must be between 1 and {nz}, got {d}")
            try:
                v = float(vtext)
            except ValueError:
                raise _fail(p, i + 1, f"trips must be a number, got {vtext!r}") from None
            if not np.isfinite(v) or v < 0:
                raise _fail(p, i + 1, f"trips must be a finite number >= 0, got {vtext!r}")
            demand[origin, d - 1] += v
    if total is not None:
        s = float(demand.sum())
        if abs(s - total) > 1e-6 * max(1.0, abs(total)) + 1e-3:
            raise _fail(
                p,
                meta["TOTAL OD FLOW"][1],
                f"<TOTAL OD FLOW> says {total} but the entries sum to {s}",
            )
    return demand


@dataclass(frozen=True, eq=False)
class TNTPFlow:
    """Link flows and costs from a TNTP flow file (a reference equilibrium).

    Parameters
    ----------
    init_node, term_node
        Tail and head node of every link (1-based).
    volume
        Link flow.
    cost
        Link (generalised) cost at that flow.
    """

    init_node: IntArray
    term_node: IntArray
    volume: FloatArray
    cost: FloatArray

    def to_frame(self) -> pd.DataFrame:
        """Return the flows as a DataFrame with columns ``init_node term_node volume cost``.

        Returns
        -------
        pandas.DataFrame
            One row per link.

        Examples
        --------
        >>> import numpy as np
        >>> f = TNTPFlow(np.array([1]), np.array([2]), np.array([3.0]), np.array([1.5]))
        >>> f.to_frame().shape
        (1, 4)
        """
        import pandas as pd

        return pd.DataFrame(
            {
                "init_node": self.init_node,
                "term_node": self.term_node,
                "volume": self.volume,
                "cost": self.cost,
            }
        )

    def aligned_to(self, net: TrafficNetwork) -> FloatArray:
        """Return the volumes in the link order of ``net``.

        Parameters
        ----------
        net
            A network with the same (init_node, term_node) pairs.

        Returns
        -------
        FloatArray
            One volume per link of ``net``.

        Raises
        ------
        ValueError
            If the links do not match.

        Examples
        --------
        >>> import numpy as np
        >>> net = TrafficNetwork(
        ...     init_node=[1, 2], term_node=[2, 1], capacity=[1.0, 1.0], length=[1.0, 1.0],
        ...     free_flow_time=[1.0, 1.0], b=[0.15, 0.15], power=[4.0, 4.0],
        ...     toll=[0.0, 0.0], num_nodes=2, num_zones=2)
        >>> f = TNTPFlow(np.array([2, 1]), np.array([1, 2]), np.array([5.0, 7.0]),
        ...              np.array([1.0, 1.0]))
        >>> f.aligned_to(net)
        array([7., 5.])
        """
        if self.volume.shape[0] != net.num_links:
            msg = f"the flow file has {self.volume.shape[0]} links, the network {net.num_links}"
            raise ValueError(msg)
        if np.array_equal(self.init_node, net.init_node) and np.array_equal(
            self.term_node, net.term_node
        ):
            return self.volume.copy()
        key_net = net.init_node * (net.num_nodes + 1) + net.term_node
        key_flow = self.init_node * (net.num_nodes + 1) + self.term_node
        if np.unique(key_net).size != key_net.size:
            msg = "the network has parallel links and the flow file is in another order"
            raise ValueError(msg)
        idx = {int(k): i for i, k in enumerate(key_flow)}
        try:
            return np.array([self.volume[idx[int(k)]] for k in key_net], dtype=np.float64)
        except KeyError as exc:
            msg = f"link key {exc.args[0]} of the network is not in the flow file"
            raise ValueError(msg) from None


def read_tntp_flow(path: str | os.PathLike[str]) -> TNTPFlow:
    r"""Read a TNTP flow file (``*_flow.tntp``: ``From To Volume Cost`` rows).

    Parameters
    ----------
    path
        The file; a header line and ``~`` comments are skipped.

    Returns
    -------
    TNTPFlow
        Link flows and costs in file order.

    Raises
    ------
    TNTPFormatError
        If a row does not hold four numbers; the message names the file and line.
    FileNotFoundError
        If the file does not exist.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny_flow.tntp"
    >>> _ = f.write_text("From To Volume Cost\n1 2 5.0 3.5\n")
    >>> read_tntp_flow(f).volume
    array([5.])
    """
    p = Path(path)
    lines = _read_lines(p)
    rows: list[tuple[int, int, float, float]] = []
    seen_data = False
    for i, raw in enumerate(lines):
        line = _strip_comment(raw).strip().rstrip(";").strip()
        if not line or line.startswith("<"):
            continue
        fields = line.split()
        if not seen_data and fields[0].lower() in {"from", "init_node", "tail"}:
            continue
        if len(fields) != 4:
            raise _fail(
                p, i + 1, f"expected 4 fields (From To Volume Cost), got {len(fields)}: {line!r}"
            )
        try:
            a, b = int(fields[0]), int(fields[1])
            v, c = float(fields[2]), float(fields[3])
        except ValueError:
            raise _fail(
                p, i + 1, f"expected two node numbers and two numbers, got {line!r}"
            ) from None
        if not (np.isfinite(v) and np.isfinite(c)):
            raise _fail(p, i + 1, f"volume and cost must be finite, got {line!r}")
        rows.append((a, b, v, c))
        seen_data = True
    if not rows:
        raise _fail(p, None, "no flow rows")
    arr = np.array(rows, dtype=np.float64)
    return TNTPFlow(
        init_node=arr[:, 0].astype(np.int64),
        term_node=arr[:, 1].astype(np.int64),
        volume=np.ascontiguousarray(arr[:, 2]),
        cost=np.ascontiguousarray(arr[:, 3]),
    )
