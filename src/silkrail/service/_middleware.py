"""Pure ASGI middleware: trusted hosts, request body limit and security headers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from silkrail.service._errors import error_response

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware", "SecurityHeadersMiddleware", "TrustedHostMiddleware"]

# The page loads nothing from other hosts: this both hardens it and proves it works offline.
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", _CSP.encode()),
]


class _BodyTooLargeError(Exception):
    pass


class BodyLimitMiddleware:
    """Reject request bodies larger than `max_bytes` with 413.

    Both a declared ``Content-Length`` and the bytes actually received (chunked uploads) are
    checked, so the body is never buffered past the limit.

    Parameters
    ----------
    app
        The wrapped application.
    max_bytes
        Largest body accepted.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> str:
        return f"request body too large: the limit is {self.max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0:
                    resp = error_response(400, "bad_request", "invalid Content-Length header")
                    await resp(scope, receive, send)
                    return
                if declared > self.max_bytes:
                    await error_response(413, "body_too_large", self._too_large())(
                        scope, receive, send
                    )
                    return
        received = 0
        too_large = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _BodyTooLargeError
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if too_large:
                # The framework turns the aborted read into an error response of its own;
                # answer 413 in its place and drop the rest of it.
                if not started:
                    started = True
                    await error_response(413, "body_too_large", self._too_large())(
                        scope, receive, send
                    )
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except _BodyTooLargeError:
            if started:
                return
            await error_response(413, "body_too_large", self._too_large())(scope, receive, send)


class SecurityHeadersMiddleware:
    """Add ``nosniff``, ``no-referrer``, frame denial and a same-origin-only CSP to responses.

    Parameters
    ----------
    app
        The wrapped application.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in _SECURITY_HEADERS if n not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def host_name(value: str) -> str:
    """Return the host of a ``Host`` header value: lower case, without the port.

    Examples
    --------
    >>> host_name("LocalHost:8000"), host_name("[::1]:8000"), host_name("::1")
    ('localhost', '::1', '::1')
    """
    value = value.strip().lower()
    if value.startswith("["):  # [IPv6]:port
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:  # name:port (a bare IPv6 address has several colons)
        return value.split(":", 1)[0]
    return value


class TrustedHostMiddleware:
    """Answer 400 to requests whose ``Host`` header names no allowed host.

    A defence against DNS rebinding: a web page on another site can make the browser send
    requests to a service on localhost under the page's own host name; they carry that name
    in ``Host`` and are refused. ``*`` allows every host, ``*.example.org`` every subdomain.

    Parameters
    ----------
    app
        The wrapped application.
    allowed
        Host names and addresses (without ports).
    """

    def __init__(self, app: ASGIApp, *, allowed: tuple[str, ...]) -> None:
        self.app = app
        names = [host_name(a) for a in allowed]
        self.any = "*" in names
        self.exact = frozenset(n for n in names if not n.startswith("*."))
        self.suffixes = tuple(n[1:] for n in names if n.startswith("*."))

    def allows(self, host: str) -> bool:
        """Whether a request with this ``Host`` header value may be served."""
        if self.any:
            return True
        name = host_name(host)
        return name in self.exact or (bool(name) and name.endswith(self.suffixes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = ""
        for name, value in scope.get("headers", ()):
            if name == b"host":
                host = value.decode("latin-1")
                break
        if self.allows(host):
            await self.app(scope, receive, send)
            return
        shown = host[:100]
        msg = (
            f"invalid Host header {shown!r}: this service answers only for "
            f"{', '.join(sorted(self.exact) + ['*' + s for s in self.suffixes])} "
            "(SILKRAIL_ALLOWED_HOSTS)"
        )
        await error_response(400, "invalid_host", msg)(scope, receive, send)
