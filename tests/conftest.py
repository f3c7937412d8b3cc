"""Shared fixtures: the 5-node toy corridor with one gauge break (1435 | 1520 at KZ-GAMMA)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TOY = Path(__file__).parent / "data" / "toy"


@pytest.fixture
def toy_dir(tmp_path: Path) -> Path:
    """A writable copy of the toy network's CSV folder."""
    target = tmp_path / "toy"
    shutil.copytree(TOY, target)
    return target
