"""Fixtures of the simulation tests: the SimPy reference model."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
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
