"""The HTTP server's connection bounds: a request read timeout and a connection cap.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``) but waits forever for a
request's headers or body, and accepts connections until the process runs out of file
descriptors: 3,000 half-sent requests held it, and 21,000 connections made every accept fail.
:class:`BoundedH11Protocol` is uvicorn's h11 protocol with both bounds:

- a client must send a whole request, headers and body, within ``server_read_timeout_s`` of its
  first byte (or of connecting), else the connection is closed;
- beyond ``server_max_connections`` open connections in the process, the oldest connection
  still sending its request is closed to make room (a slow or stalled client, never one whose
  request is being answered), or the new one if there is none.

So a flood of stalled connections costs each of them at most the timeout, and a client that
sends its request at once (``/health``, a plan) is still served. The rest (TLS, buffering,
many workers) is a reverse proxy's job: docs/service.md has an nginx configuration.
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    import asyncio

    from silkrail.service.schemas import Settings

__all__ = ["BoundedH11Protocol", "bounded_protocol", "server_options"]

# States of the client's side of an h11 connection once its request has fully arrived.
_RECEIVED = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR)


class _Registry:
    """A server's connections still sending a request, oldest first, and those being closed.

    Choosing whom to shed is O(1) (the first of ``reading``), and a connection already closed
    but not yet gone (its ``connection_lost`` runs on a later turn of the event loop) neither
    counts against the cap nor is chosen again: under a flood the loop accepts many
    connections per turn, and a scan of every connection for each one made the cap quadratic
    (6,000 stalled connections cost the server 25 s of CPU, with /health waiting 39 s).
    """

    def __init__(self) -> None:
        self.reading: OrderedDict[BoundedH11Protocol, None] = OrderedDict()
        self.closing: set[BoundedH11Protocol] = set()


# One registry per uvicorn server (its shared state), gone with it.
_REGISTRIES: weakref.WeakKeyDictionary[Any, _Registry] = weakref.WeakKeyDictionary()


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request read timeout and a connection cap.

    The bounds are class attributes; ``None`` reads them from the environment's settings
    (:func:`~silkrail.service.deps.get_settings`), as every worker process of ``silkrail serve
    --workers N`` does. :func:`bounded_protocol` makes a subclass with given bounds.
    """

    read_timeout_s: float | None = None
    max_connections: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.read_timeout_s is None or self.max_connections is None:
            from silkrail.service.deps import get_settings

            settings = get_settings()
            self.read_timeout_s = settings.server_read_timeout_s
            self.max_connections = settings.server_max_connections
        self._deadline: asyncio.TimerHandle | None = None
        self._since = time.monotonic()
        registry = _REGISTRIES.get(self.server_state)
        if registry is None:
            registry = _REGISTRIES[self.server_state] = _Registry()
        self._registry = registry

    # Connections.

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._since = time.monotonic()
        assert self.max_connections is not None
        if len(self.connections) - len(self._registry.closing) > self.max_connections:
            victim = next(iter(self._registry.reading), None)
            if victim is None:
                self._shed()
                return
            victim._shed()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._registry.closing.discard(self)
        super().connection_lost(exc)

    def _shed(self) -> None:
        """Close this connection, which no longer counts as open."""
        self._disarm()
        if self.transport.is_closing():
            return
        self._registry.closing.add(self)
        self.transport.close()

    # The read deadline.

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state in _RECEIVED:
            self._disarm()
        elif self._deadline is None:  # the first bytes of a request on a kept-alive connection
            self._since = time.monotonic()
            self._arm()

    def _arm(self) -> None:
        self._disarm()
        assert self.read_timeout_s is not None
        self._deadline = self.loop.call_later(self.read_timeout_s, self._read_timed_out)
        self._registry.reading[self] = None  # the newest reader: last in the order

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._registry.reading.pop(self, None)

    def _read_timed_out(self) -> None:
        self._deadline = None
        self._registry.reading.pop(self, None)
        if self.conn.their_state not in _RECEIVED:
            self.logger.debug("closing a connection whose request did not arrive in time")
            self._shed()


def bounded_protocol(settings: Settings) -> type[BoundedH11Protocol]:
    """Return the protocol class with the bounds of `settings`.

    Parameters
    ----------
    settings
        ``server_read_timeout_s`` and ``server_max_connections`` are used.

    Returns
    -------
    type
        A subclass of :class:`BoundedH11Protocol`, for ``uvicorn.Config(http=...)``.
    """
    return type(
        "SettingsBoundedH11Protocol",
        (BoundedH11Protocol,),
        {
            "read_timeout_s": settings.server_read_timeout_s,
            "max_connections": settings.server_max_connections,
        },
    )


def server_options(settings: Settings) -> dict[str, Any]:
    """Return the uvicorn options that bound connections, as ``silkrail serve`` runs it.

    Parameters
    ----------
    settings
        The service configuration.

    Returns
    -------
    dict
        Keyword arguments for ``uvicorn.run`` or ``uvicorn.Config``: the bounded protocol
        (the class that reads the environment's settings, so that it pickles into worker
        processes), the keep-alive timeout and the largest request head. uvicorn's own
        ``limit_concurrency`` is not set: it answers 503 to every request while the
        connections are at the limit, where the protocol's cap makes room instead.

    Examples
    --------
    >>> from silkrail.service import Settings
    >>> server_options(Settings())["timeout_keep_alive"]
    5.0
    """
    return {
        "http": BoundedH11Protocol,
        "timeout_keep_alive": settings.server_keep_alive_s,
        "h11_max_incomplete_event_size": 16 * 1024,
    }
