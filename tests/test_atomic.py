from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

import pytest

from silkrail._atomic import atomic_file

if TYPE_CHECKING:
    from pathlib import Path


def test_written_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    # A temporary file from mkstemp is 0600; the result must follow the umask like any file.
    old = os.umask(0o022)
    try:
        target = tmp_path / "routes.geojson"
        with atomic_file(target) as tmp:
            tmp.write_text("{}", encoding="utf-8")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_failure_leaves_target_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_text("previous", encoding="utf-8")

    def write_half() -> None:
        with atomic_file(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_half()
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]
