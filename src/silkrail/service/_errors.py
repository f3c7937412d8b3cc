"""Exception handlers: every error reaches the client as an :class:`ErrorBody`, never a traceback.

Bodies are encoded with ``ensure_ascii=True`` so that text echoed from a request (which may hold
lone surrogates from JSON escapes) can always be encoded.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fastapi import FastAPI, Request

__all__ = ["ApiError", "error_response", "install_handlers"]

logger = logging.getLogger("silkrail.service")

_NOT_JSON = "the body is not valid JSON (a UTF-8 encoded JSON object is expected)"
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_jobs",
    503: "network_unavailable",
}


class ApiError(Exception):
    """An error with its HTTP status, raised by routes and dependencies.

    Parameters
    ----------
    status
        HTTP status code.
    code
        Machine-readable kind (see :class:`~silkrail.service.schemas.ErrorBody`).
    message
        What went wrong, naming the field or value.
    field
        The request field at fault.
    extra
        More members of the body (``suggestions``, ``blocking``).
    headers
        Extra response headers (``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra or {}
        self.headers = headers


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the JSON response of an error.

    Parameters
    ----------
    status
        HTTP status code.
    code
        Machine-readable kind.
    message
        What went wrong.
    field
        The request field at fault.
    extra
        More members of the body.
    headers
        Extra response headers.

    Returns
    -------
    Response
        ``application/json`` with an :class:`~silkrail.service.schemas.ErrorBody`.
    """
    body: dict[str, Any] = {"error": message, "code": code}
    if field is not None:
        body["field"] = field
    body.update(extra or {})
    return Response(
        json.dumps(body, ensure_ascii=True, separators=(",", ":")),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _field_name(loc: Sequence[int | str]) -> str:
    # ("body", "via", 2) -> "via.2"; ("query", "q") -> "q"; a whole-body error -> "body".
    parts = [str(p) for p in loc[1:]] if len(loc) > 1 else [str(p) for p in loc]
    return ".".join(parts) or "body"


async def _validation_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    if any(err.get("type") == "json_invalid" for err in raw):
        return error_response(400, "bad_request", _NOT_JSON, field="body")
    errors = [
        {"field": _field_name(tuple(err.get("loc", ()))), "message": str(err.get("msg", "invalid"))}
        for err in raw
    ]
    said = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    if len(errors) > 5:
        said += f"; and {len(errors) - 5} more"
    return error_response(
        422,
        "validation_error",
        f"invalid request: {said}",
        field=errors[0]["field"] if errors else None,
        extra={"errors": errors},
    )


async def _http_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 404:
        message = f"no such resource: {request.method} {request.url.path}"
    elif status == 405:
        message = f"method {request.method} is not allowed on {request.url.path}"
    elif status == 400 and request.method == "POST":
        message = _NOT_JSON  # the framework could not decode the body at all
    else:
        message = str(exc.detail)
    headers = dict(exc.headers) if exc.headers else None
    if status == 405:
        # Starlette names only the first route of the path; a path may have several
        # (GET and POST /shipments are two routes).
        headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
    return error_response(status, _CODES.get(status, "http_error"), message, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    from starlette.routing import Match

    allowed = []
    for method in ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


async def _api_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(
        exc.status, exc.code, exc.message, field=exc.field, extra=exc.extra, headers=exc.headers
    )


async def _unexpected_handler(request: Request, exc: Exception) -> Response:
    # Logged in full on the server; the client learns only that it is not its fault.
    logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        500, "internal_error", "internal server error; the incident was logged on the server"
    )


def install_handlers(app: FastAPI) -> None:
    """Register the exception handlers on `app`.

    Parameters
    ----------
    app
        The application.
    """
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(ApiError, _api_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
