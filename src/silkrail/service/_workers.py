"""Several server processes on one port, each accepting on its own socket (``SO_REUSEPORT``).

uvicorn's ``--workers N`` shares one listening socket between its processes, and whichever
process wakes first accepts every connection waiting: a burst of connections (clients
reconnecting after a restart, a proxy opening its upstream keep-alive pool) lands on one
worker and stays there, since keep-alive connections are kept. Measured with 50 clients
connecting at once and plans arriving at 80 a second on 2 workers, the two processes spent
8.4 and 5.0, 2.4 and 9.9, 2.9 and 10.3 s of CPU in three runs (docs/benchmarks.md), and the
busier one set the p99.

Here each worker listens on a socket of its own, all bound to the same address with
``SO_REUSEPORT``, and the kernel spreads new connections over them by a hash of the client's
address and port (Linux; other systems keep uvicorn's shared socket, see
:func:`spreads_connections`). uvicorn's supervisor still starts, watches, restarts and stops
the workers; only the sockets it hands them differ.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
from typing import TYPE_CHECKING

from uvicorn.supervisors import Multiprocess

if TYPE_CHECKING:
    from uvicorn import Config

__all__ = ["run_workers", "spreads_connections"]

logger = logging.getLogger("uvicorn.error")


def spreads_connections() -> bool:
    """Whether the kernel balances connections over ``SO_REUSEPORT`` sockets (Linux does).

    BSD and macOS accept the option but give every connection to one socket, so there the
    workers keep uvicorn's shared socket.
    """
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """Return a socket bound to `host`:`port` with ``SO_REUSEADDR`` and ``SO_REUSEPORT``.

    Parameters
    ----------
    host, port
        The address; port 0 picks a free one (bind the next sockets to the port it got).

    Returns
    -------
    socket.socket
        Bound, inheritable, not yet listening (the worker's event loop listens on it).

    Examples
    --------
    >>> a = listening_socket("127.0.0.1", 0)
    >>> b = listening_socket("127.0.0.1", a.getsockname()[1])
    >>> a.getsockname() == b.getsockname()
    True
    >>> a.close(); b.close()
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class _SpreadWorkers(Multiprocess):
    """uvicorn's supervisor, handing each worker it starts a socket of its own.

    The supervisor reads ``self.sockets`` for every worker it creates (at start, to replace
    a dead worker, and on SIGHUP), so a property makes a new socket each time. A worker gets
    its socket when it starts (a spawned process receives a duplicate of it), after which the
    supervisor's copy is closed: a socket left open here after its worker died would still
    be given its share of new connections, and nobody would accept them.
    """

    def __init__(self, config: Config) -> None:
        self._host, self._port = config.host, config.port
        self._handed: list[socket.socket] = []
        super().__init__(config, sockets=[])

    @property
    def sockets(self) -> list[socket.socket]:
        sock = listening_socket(self._host, self._port)
        self._port = sock.getsockname()[1]  # port 0: every worker on the port the first got
        self._handed.append(sock)
        return [sock]

    @sockets.setter
    def sockets(self, _value: list[socket.socket]) -> None:
        pass  # uvicorn's __init__ stores the sockets it was given; each worker gets its own

    def _close_handed(self) -> None:
        for sock in self._handed:
            sock.close()
        self._handed.clear()

    def init_processes(self) -> None:
        super().init_processes()
        self._close_handed()

    def keep_subprocess_alive(self) -> None:
        super().keep_subprocess_alive()
        self._close_handed()

    def restart_all(self) -> None:
        super().restart_all()
        self._close_handed()


def run_workers(config: Config) -> None:
    """Run ``config.workers`` server processes, each accepting on its own socket.

    Parameters
    ----------
    config
        The uvicorn configuration (an import string as the app, ``workers`` > 1).

    Raises
    ------
    OSError
        If the address cannot be bound.
    """
    # Bind once here, so that a taken port fails now and not in every worker; port 0 becomes
    # the free port found, which every worker then binds.
    with listening_socket(config.host, config.port) as probe:
        config.port = probe.getsockname()[1]
    logger.info(
        "Uvicorn running on http://%s:%d with %d workers, one socket each (Press CTRL+C to quit)",
        config.host,
        config.port,
        config.workers,
    )
    supervisor = _SpreadWorkers(config)
    # The supervisor handles SIGINT itself; this only keeps a traceback off the terminal.
    with contextlib.suppress(KeyboardInterrupt):
        supervisor.run()
