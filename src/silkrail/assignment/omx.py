"""OMX (Open Matrix) files: demand in, skims out.

OMX is an HDF5 layout (the OMX specification, version 0.2, by the osPID project): the root carries
attributes ``OMX_VERSION`` and ``SHAPE``; group ``/data`` holds one 2-d dataset per matrix and
group ``/lookup`` optional 1-d zone-number mappings. Reading and writing need ``h5py``
(``pip install silkrail[omx]``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence

    from silkrail._typing import FloatArray, IntArray

__all__ = ["read_omx", "write_omx"]

_OMX_VERSION = b"0.2"


def _h5py() -> Any:
    try:
        return importlib.import_module("h5py")
    except ImportError:  # pragma: no cover - exercised only without the extra
        msg = "OMX files need h5py; install it with `pip install silkrail[omx]`"
        raise ImportError(msg) from None


def write_omx(
    path: str | os.PathLike[str],
    matrices: Mapping[str, FloatArray],
    *,
    zone_ids: IntArray | None = None,
) -> None:
    """Write square matrices to an OMX file (overwriting it).

    Parameters
    ----------
    path
        Output file, conventionally ``*.omx``.
    matrices
        Name to matrix; all must share one square shape.
    zone_ids
        Optional zone numbers, stored as lookup ``zone_ids``.

    Raises
    ------
    ValueError
        If there is no matrix, the shapes differ or are not square, or ``zone_ids`` has the
        wrong length.
    ImportError
        If ``h5py`` is not installed.

    Examples
    --------
    >>> import numpy as np, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "demand.omx"
    >>> write_omx(f, {"cars": np.eye(3)}, zone_ids=np.array([1, 2, 3]))
    >>> read_omx(f)["cars"].trace()
    np.float64(3.0)
    """
    if not matrices:
        msg = "matrices must hold at least one matrix"
        raise ValueError(msg)
    shapes = {name: np.shape(m) for name, m in matrices.items()}
    first = next(iter(shapes.values()))
    if len(first) != 2 or first[0] != first[1]:
        msg = f"OMX matrices must be square 2-d arrays, got shape {first}"
        raise ValueError(msg)
    bad = {n: s for n, s in shapes.items() if s != first}
    if bad:
        msg = f"all matrices must have shape {first}; these differ: {bad}"
        raise ValueError(msg)
    if zone_ids is not None and np.shape(zone_ids) != (first[0],):
        msg = f"zone_ids must have {first[0]} values, got shape {np.shape(zone_ids)}"
        raise ValueError(msg)
    h5py = _h5py()
    with h5py.File(Path(path), "w") as f:
        f.attrs["OMX_VERSION"] = _OMX_VERSION
        f.attrs["SHAPE"] = np.array(first, dtype=np.int32)
        data = f.create_group("data")
        for name, mat in matrices.items():
            ds = data.create_dataset(
                name, data=np.asarray(mat, dtype=np.float64), compression="gzip", compression_opts=1
            )
            ds.attrs["NA"] = np.nan
        lookup = f.create_group("lookup")
        if zone_ids is not None:
            lookup.create_dataset("zone_ids", data=np.asarray(zone_ids, dtype=np.int64))


def read_omx(
    path: str | os.PathLike[str], names: Sequence[str] | None = None
) -> dict[str, FloatArray]:
    """Read matrices from an OMX file.

    Parameters
    ----------
    path
        The file.
    names
        Matrices to read (default: all, in file order).

    Returns
    -------
    dict of str to FloatArray
        Name to float64 matrix.

    Raises
    ------
    ValueError
        If the file is not an OMX file or a requested matrix is missing (the message lists
        the ones present).
    FileNotFoundError
        If the file does not exist.
    ImportError
        If ``h5py`` is not installed.

    Examples
    --------
    >>> import numpy as np, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "m.omx"
    >>> write_omx(f, {"a": np.ones((2, 2)), "b": np.zeros((2, 2))})
    >>> sorted(read_omx(f, ["b"]))
    ['b']
    """
    p = Path(path)
    if not p.exists():
        msg = f"no such file: {str(p)!r}"
        raise FileNotFoundError(msg)
    h5py = _h5py()
    try:
        f = h5py.File(p, "r")
    except OSError as exc:
        msg = f"{p}: not an OMX (HDF5) file ({exc})"
        raise ValueError(msg) from None
    with f:
        if "data" not in f:
            msg = f"{p}: not an OMX file (no /data group)"
            raise ValueError(msg)
        present = list(f["data"].keys())
        wanted = present if names is None else list(names)
        missing = [n for n in wanted if n not in present]
        if missing:
            msg = f"{p}: no matrix {missing[0]!r}; choose one of {tuple(present)}"
            raise ValueError(msg)
        return {n: np.ascontiguousarray(f["data"][n][()], dtype=np.float64) for n in wanted}
