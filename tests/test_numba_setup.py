from __future__ import annotations

import logging
import os
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from silkrail import _numba_setup

if TYPE_CHECKING:
    from pathlib import Path


def test_no_fallback_when_the_source_tree_is_writable(tmp_path: Path) -> None:
    kernel = tmp_path / "_kernels.py"
    kernel.write_text("")
    assert _numba_setup.fallback_cache_dir(str(kernel), {}) is None


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes")
def test_fallback_to_temp_when_tree_and_user_cache_are_read_only(tmp_path: Path) -> None:
    tree = tmp_path / "pkg"
    tree.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    tree.chmod(0o555)
    home.chmod(0o555)
    try:
        env = {"XDG_CACHE_HOME": str(home / "cache")}
        fallback = _numba_setup.fallback_cache_dir(str(tree / "_kernels.py"), env)
    finally:
        tree.chmod(0o755)
        home.chmod(0o755)
    assert fallback is not None
    assert "silkrail-numba-cache" in fallback.name


def test_fallback_helper_when_nothing_is_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Independent of the user running the tests: pretend no folder is writable.
    monkeypatch.setattr(_numba_setup, "_writable", lambda folder: False)
    config = SimpleNamespace(CACHE_DIR="")
    event = SimpleNamespace(Listener=object, register=lambda kind, listener: None)
    monkeypatch.setattr(_numba_setup, "_listening", [True])
    _numba_setup.prepare(config, event, str(tmp_path / "_kernels.py"))
    assert "silkrail-numba-cache" in config.CACHE_DIR


def test_compile_notice_once_per_engine(caplog: pytest.LogCaptureFixture) -> None:
    monkey_announced: set[str] = set()
    original = _numba_setup._announced
    _numba_setup._announced = monkey_announced
    try:

        def kernel() -> None:
            pass

        kernel.__module__ = "silkrail.simulation._kernels"
        ev = SimpleNamespace(data={"dispatcher": SimpleNamespace(py_func=kernel)})
        with caplog.at_level(logging.INFO, logger="silkrail.compile"):
            _numba_setup._announce(ev)
            _numba_setup._announce(ev)
    finally:
        _numba_setup._announced = original
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "compiling the simulation engine (first use only; `silkrail warmup` does all)"
    ]
