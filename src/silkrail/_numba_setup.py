"""What every ``_kernels.py`` module does right after importing numba.

Three things, about the first use of an engine in a fresh installation and its start-up:

* **A writable cache.** ``@njit(cache=True)`` stores compiled kernels next to the source
  (``__pycache__``) or, when that is read-only, in the user's cache folder. When neither can be
  written (a read-only install and a read-only ``$HOME``, as in some containers) numba refuses
  to cache at all and every process compiles again; :func:`prepare` then points numba at a
  folder under the system temporary directory instead.
* **A one-line notice.** Compiling an engine takes seconds (docs/benchmarks.md has the
  figures); :func:`prepare` logs one line (INFO, logger ``silkrail.compile``) the first time
  a kernel of an engine really compiles (a load from the cache is silent). The CLI prints it
  on stderr; ``silkrail warmup`` compiles everything ahead.

* **numba's CPU target without ``scipy.linalg``.** Before any kernel is compiled or loaded
  from the cache, numba loads its CPU target, and ``numba.np.arraymath`` checks at import that
  BLAS is there by importing ``scipy.linalg.cython_blas``. That runs ``scipy.linalg``'s
  ``__init__``, which (SciPy 1.17+) imports ``numpy.testing``, ``numpy.f2py`` and more: 0.2-0.4
  s of every process that runs a kernel, for a module no silkrail kernel uses.
  :func:`load_cpu_target` loads the target at once with only that extension module in
  ``sys.modules`` for the check, then takes it out again, so that a later ``import
  scipy.linalg`` (or a numba kernel using BLAS) imports the package in full as usual.

* **Cache loads without numba's CPU target.** Loading a cached kernel refreshes numba's CPU
  target first: it imports and installs every implementation registry numba has (its NumPy,
  typed containers, random, unicode, ...), 0.2-0.3 s of CPU, which a compiled kernel loaded
  from the cache never uses (its machine code is linked already). :func:`load_lightly`
  gives a module's dispatchers a cache that loads without that refresh and starts only
  numba's runtime (NRT, which kernels that allocate call); a compile still refreshes the
  target in full (numba's compiler does, and :func:`prepare`'s listener calls
  :func:`load_cpu_target` first). Only kernels that use arrays and scalars go this way (the
  assignment engine's and the shared Dijkstra): a kernel that hashes (sets, dicts) needs
  symbols that only the refresh registers.

numba itself is imported by the kernel modules, not here: the caller passes its ``config``
and ``event`` modules.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["fallback_cache_dir", "load_cpu_target", "load_lightly", "prepare"]

LOG = logging.getLogger("silkrail.compile")
_ENGINE_OF_MODULE = {
    "silkrail.assignment._kernels": "assignment",
    "silkrail.graph._kernels": "shortest-path",
    "silkrail.routing._kernels": "routing",
    "silkrail.simulation._kernels": "simulation",
}
_announced: set[str] = set()
# Compiles in progress: a kernel compiles the kernels it calls inside its own compile (the
# assignment kernels compile the shared Dijkstra), and only the outermost one is announced.
_depth: list[int] = [0]
_listening: list[bool] = []


def _writable(folder: Path) -> bool:
    """Whether `folder` exists and is writable, or could be created."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return os.access(candidate, os.W_OK)
    return False


def fallback_cache_dir(kernel_file: str, environ: dict[str, str] | None = None) -> Path | None:
    """Return a temporary cache folder when numba would find no writable one, else ``None``.

    Parameters
    ----------
    kernel_file
        Path of the kernel module (numba first tries ``__pycache__`` beside it).
    environ
        The environment to read (default ``os.environ``).

    Returns
    -------
    Path or None
        ``None`` when ``NUMBA_CACHE_DIR`` is set, or when the in-tree or the user cache folder
        is writable (numba's own choices apply then).

    Examples
    --------
    >>> fallback_cache_dir(__file__, {"NUMBA_CACHE_DIR": "/somewhere"}) is None
    True
    """
    env = os.environ if environ is None else environ
    if env.get("NUMBA_CACHE_DIR"):
        return None
    if _writable(Path(kernel_file).parent / "__pycache__"):
        return None
    xdg = env.get("XDG_CACHE_HOME")
    user_cache = Path(xdg) if xdg else Path.home() / ".cache"
    if _writable(user_cache / "numba"):
        return None
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"silkrail-numba-cache-{uid}"


def _announce(event: Any) -> None:
    dispatcher = event.data.get("dispatcher")
    module = getattr(getattr(dispatcher, "py_func", None), "__module__", "")
    engine = _ENGINE_OF_MODULE.get(module)
    if engine is None or engine in _announced:
        return
    _announced.add(engine)
    LOG.info("compiling the %s engine (first use only; `silkrail warmup` does all)", engine)


_BLAS = "scipy.linalg.cython_blas"


def _blas_extension() -> Any:
    """SciPy's ``cython_blas`` extension module, loaded alone (``None`` if not found)."""
    scipy = sys.modules.get("scipy")  # numba imports scipy when it is installed
    if scipy is None or scipy.__file__ is None:
        return None
    folder = Path(scipy.__file__).parent / "linalg"
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        spec = importlib.util.spec_from_file_location(_BLAS, folder / f"cython_blas{suffix}")
        if spec is not None and spec.loader is not None and Path(str(spec.origin)).is_file():
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    return None


def load_cpu_target() -> None:
    """Load numba's CPU target without importing ``scipy.linalg`` (see the module doc).

    Does nothing when numba's target is already loaded or ``scipy.linalg`` (or its BLAS module)
    already imported.
    """
    if any(name in sys.modules for name in ("numba.np.arraymath", "scipy.linalg", _BLAS)):
        return
    from numba.core.compiler_lock import global_compiler_lock

    # Two threads' first plans at once (a server without its warm-up plan) must not both
    # register the BLAS module (the second failed with "already imported"), nor compile or
    # load a kernel while the target is half loaded: numba compiles and loads under its
    # global compiler lock (reentrant), so the target is loaded under it too.
    with global_compiler_lock:
        if any(name in sys.modules for name in ("numba.np.arraymath", "scipy.linalg", _BLAS)):
            return
        _load_cpu_target()


@contextlib.contextmanager
def _blas_alone() -> Iterator[None]:
    """While inside, ``numba.np.arraymath``'s BLAS check finds SciPy's BLAS module alone."""
    if any(name in sys.modules for name in ("numba.np.arraymath", "scipy.linalg", _BLAS)):
        yield
        return
    blas = _blas_extension()
    if blas is not None:
        sys.modules[_BLAS] = blas
    try:
        yield
    finally:
        if (
            blas is not None
            and sys.modules.get(_BLAS) is blas
            and "scipy.linalg" not in sys.modules
        ):
            del sys.modules[_BLAS]


def _load_cpu_target() -> None:
    from numba.core.registry import cpu_target

    with _blas_alone():
        cpu_target.target_context.refresh()


def _light_cache_class() -> type | None:
    """Return a subclass of numba's ``FunctionCache`` that loads without the CPU target.

    ``None`` when this numba's cache lacks the private methods the subclass relies on.
    """
    if _light_cache:
        return _light_cache[0]
    from numba.core.caching import FunctionCache
    from numba.core.compiler_lock import global_compiler_lock
    from numba.core.runtime import nrt

    needs = ("_load_overload", "_guard_against_spurious_io_errors")
    if not all(hasattr(FunctionCache, name) for name in needs):
        return None

    class LightFunctionCache(FunctionCache):
        def load_overload(self, sig: Any, target_context: Any) -> Any:
            # numba's own load_overload refreshes the whole target first; of that refresh a
            # cached array kernel needs only the runtime (its symbols and atomic functions).
            nrt.rtsys.initialize(target_context)
            # A kernel that sorts rebuilds an environment from numba.np.arraymath, whose import
            # checks for BLAS: under the compiler lock, as load_cpu_target does (threads).
            with global_compiler_lock, _blas_alone(), self._guard_against_spurious_io_errors():
                return self._load_overload(sig, target_context)  # type: ignore[no-untyped-call]

    _light_cache.append(LightFunctionCache)
    return LightFunctionCache


_light_cache: list[type] = []


def load_lightly(dispatchers: Iterable[Any]) -> None:
    """Let `dispatchers` load from numba's cache without loading numba's CPU target.

    See the module doc: only for kernels on arrays and scalars (no sets or dicts). A
    dispatcher without a file cache (``cache=False``) is left alone. With a numba whose cache
    class differs from the one this was written for, numba's CPU target is loaded now instead
    (:func:`load_cpu_target`) and the dispatchers load as numba does.

    Parameters
    ----------
    dispatchers
        numba dispatchers made with ``cache=True``.
    """
    light = _light_cache_class()
    if light is None:  # another numba: its own loads, with the target loaded as before
        load_cpu_target()
        return
    for dispatcher in dispatchers:
        cache = getattr(dispatcher, "_cache", None)
        if cache is not None and type(cache) is light.__base__:
            cache.__class__ = light


def prepare(config: Any, event: Any, kernel_file: str, *, load_target: bool = True) -> None:
    """Give numba a writable cache folder and announce first compiles (see the module doc).

    Parameters
    ----------
    config
        The ``numba.core.config`` module; its ``CACHE_DIR`` is set only when needed.
    event
        The ``numba.core.event`` module, to listen for real compiles.
    kernel_file
        ``__file__`` of the calling kernel module.
    load_target
        Load numba's CPU target now (:func:`load_cpu_target`). A module whose dispatchers
        all go through :func:`load_lightly` passes ``False``: its cache loads need no target,
        and a compile loads it first.
    """
    if load_target:
        load_cpu_target()
    fallback = fallback_cache_dir(kernel_file)
    if fallback is not None and not config.CACHE_DIR:
        config.CACHE_DIR = str(fallback)
    if not _listening:

        class _CompileNotice(event.Listener):  # type: ignore[misc]
            def on_start(self, ev: Any) -> None:
                _depth[0] += 1
                if _depth[0] == 1:
                    # Before numba's compiler refreshes the target (with load_lightly no cache
                    # load has done so), so that the refresh does not import scipy.linalg.
                    load_cpu_target()
                    _announce(ev)

            def on_end(self, ev: Any) -> None:
                _depth[0] -= 1

        event.register("numba:compile", _CompileNotice())
        _listening.append(True)
