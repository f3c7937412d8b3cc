"""Write a file under a temporary name and rename it into place, so no reader sees half of it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["atomic_file"]


@contextlib.contextmanager
def atomic_file(target: str | os.PathLike[str], *, durable: bool = False) -> Iterator[Path]:
    """Yield a fresh path beside `target`; when the block succeeds, rename it onto `target`.

    The temporary name is reserved and then freed, so the writer creates the file itself: it
    gets the permissions of any new file (the umask), and writers that refuse to overwrite
    (GDAL) work. If the block fails, the temporary file is removed and `target` is untouched.

    Parameters
    ----------
    target
        The file to write.
    durable
        Also flush the file and then its folder to disk (``fsync``) before and after the
        rename, so that after a power loss `target` holds either the old or the new content.

    Yields
    ------
    pathlib.Path
        Where to write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_file(out) as tmp:
    ...     _ = tmp.write_text("done", encoding="utf-8")
    >>> out.read_text(encoding="utf-8")
    'done'
    """
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        yield tmp
        if durable:
            _fsync(tmp)
        os.replace(tmp, path)
        if durable:
            _fsync(path.parent)
    finally:
        if tmp.exists():
            tmp.unlink()


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (a folder only where the OS allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # a folder cannot be opened on Windows: its entries need no flush there
        if path.is_dir():
            return
        raise
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder
        if not path.is_dir():
            raise
    finally:
        os.close(fd)
