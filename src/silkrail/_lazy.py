"""Lazy attributes of a package: import a submodule only when one of its names is first used.

``import silkrail`` stays light (issue 16) because the heavy parts (numba kernels, pandas,
the service) load on first use; a package lists which module holds each public name.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def lazy_attributes(
    package: str, modules: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's ``__getattr__`` and ``__dir__`` for names held by submodules.

    Parameters
    ----------
    package
        The package's ``__name__`` (it must be importing or imported).
    modules
        Public name -> the module that defines it.

    Examples
    --------
    >>> import types, sys
    >>> pkg = types.ModuleType("lazy_demo")
    >>> sys.modules["lazy_demo"] = pkg
    >>> pkg.__getattr__, pkg.__dir__ = lazy_attributes("lazy_demo", {"sqrt": "math"})
    >>> pkg.sqrt(9.0), "sqrt" in vars(pkg)
    (3.0, True)
    """
    namespace = vars(sys.modules[package])

    def get(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # later uses find it without this function
        return value

    def names() -> list[str]:
        return sorted(set(namespace) | set(modules))

    return get, names
