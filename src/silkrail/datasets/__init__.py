"""Packaged datasets: small, reviewable CSV files read with :mod:`importlib.resources`.

Each dataset is a folder of ``nodes.csv``, ``links.csv`` and ``sources.csv`` with a README and
``SHA256SUMS``. The default corridor network is ``"corridors"``.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from silkrail.errors import DatasetError

__all__ = ["DEFAULT_DATASET", "available", "get_path", "verify_checksums"]

DEFAULT_DATASET = "corridors"
_REQUIRED_FILES = ("nodes.csv", "links.csv", "sources.csv")


def _root() -> Path:
    # The package is installed as plain files (wheel or editable), so the traversable is a Path.
    return Path(str(resources.files("silkrail.datasets")))


def available() -> list[str]:
    """List the names of the packaged datasets.

    Returns
    -------
    list of str
        Sorted dataset names.

    Examples
    --------
    >>> "corridors" in available()
    True
    """
    root = _root()
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and (p / _REQUIRED_FILES[0]).is_file()
    )


def get_path(name: str = DEFAULT_DATASET) -> Path:
    """Return the folder of a packaged dataset.

    Parameters
    ----------
    name
        Dataset name, one of :func:`available`.

    Returns
    -------
    pathlib.Path
        The dataset folder, holding ``nodes.csv``, ``links.csv`` and ``sources.csv``.

    Raises
    ------
    DatasetError
        If `name` is not a packaged dataset (a ``ValueError``).

    Examples
    --------
    >>> get_path("corridors").name
    'corridors'
    >>> get_path("atlantis")
    Traceback (most recent call last):
    ...
    silkrail.errors.DatasetError: unknown dataset 'atlantis'; choose one of ['corridors']
    """
    names = available()
    if name not in names:
        msg = f"unknown dataset {name!r}; choose one of {names}"
        raise DatasetError(msg)
    return _root() / name


def verify_checksums(name: str = DEFAULT_DATASET) -> dict[str, bool]:
    """Check a packaged dataset's files against its ``SHA256SUMS``.

    Parameters
    ----------
    name
        Dataset name, one of :func:`available`.

    Returns
    -------
    dict of str to bool
        For each file listed in ``SHA256SUMS``, whether its checksum matches.

    Raises
    ------
    DatasetError
        If the dataset is unknown or has no ``SHA256SUMS``.

    Examples
    --------
    >>> all(verify_checksums("corridors").values())
    True
    """
    folder = get_path(name)
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        msg = f"dataset {name!r} has no SHA256SUMS file in {folder}"
        raise DatasetError(msg)
    result: dict[str, bool] = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, fname = line.partition("  ")
        actual = hashlib.sha256((folder / fname).read_bytes()).hexdigest()
        result[fname] = actual == digest
    return result
