"""Fixtures of the simulation tests: the SimPy reference model, Dask's default port taken."""

from __future__ import annotations

import errno
import importlib.util
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def simpy_ref() -> ModuleType:
    """The SimPy reference model (tests/simulation/simpy_reference.py)."""
    pytest.importorskip("simpy")
    name = "silkrail_tests_simpy_reference"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "simpy_reference.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def port_8787_taken() -> Iterator[None]:
    """Dask's default dashboard port 8787, held by a listening socket during the test."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind(("", 8787))
        holder.listen()
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        # Already taken by another process: as good for the test.
    try:
        yield
    finally:
        holder.close()
