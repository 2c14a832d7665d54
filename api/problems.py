"""Every error as JSON with a plain message (``schemas.Problem``), never a traceback.

Each kind of failure the core raises has its status and words here; anything else is a 500 whose detail goes
to the server's log only. ``ERRORS`` documents these answers on every route of the OpenAPI document.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError, ResponseValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.schemas import Problem
from core.model.bundle import ModelIntegrityError
from core.model.registry import RegistryError
from core.reading.errors import SchemaError
from core.store import StoreError, StoreInputError, StoreUnavailable
from core.trust.audit import AuditError

log = logging.getLogger(__name__)

UNEXPECTED = "The service could not answer this request because of an internal error; it has been logged."
STORE_DOWN = "The database cannot be reached just now, so nothing was read or recorded. Try again shortly."
NO_AUDIT = "The audit trail cannot be written, so the request was not answered. Tell the administrator."
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": words}
    for status, words in (
        (400, "The request cannot be used as sent"),
        (401, "No API key, or a wrong or revoked one"),
        (403, "The key's role may not do this"),
        (404, "Not found"),
        (409, "In conflict with the current state"),
        (413, "Larger than the service accepts"),
        (422, "The request or its file does not fit the contract (the message says what and where)"),
        (429, "Too many calls with this key; Retry-After says when to call again"),
        (500, "An internal error (logged; no detail is given)"),
        (503, "The store, the model or the audit trail is not available"),
    )
}


def problem(
    status: int, message: str, problems: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = Problem(message=message, problems=problems or []).model_dump()
    return JSONResponse(body, status_code=status, headers=headers)


def _where(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = [{"where": _where(e.get("loc", ())), "reason": str(e.get("msg", "not valid"))} for e in exc.errors()]
    places = ", ".join(p["where"] for p in found[:5]) or "the request"
    return problem(422, f"The request does not fit the contract at: {places}. See problems for each.", found)


async def _unusable_file(request: Request, exc: Exception) -> JSONResponse:
    return problem(422, str(exc))


async def _store_input(request: Request, exc: Exception) -> JSONResponse:
    return problem(422, f"Not recorded: {exc}.")


async def _store_down(request: Request, exc: Exception) -> JSONResponse:
    log.warning("store unavailable: %s", type(exc).__name__)
    return problem(503, STORE_DOWN)


async def _model_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return problem(503, f"The model in use cannot be loaded safely: {exc}")


async def _no_audit(request: Request, exc: Exception) -> JSONResponse:
    log.error("audit trail not written: %s", exc)
    return problem(503, NO_AUDIT)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s", request.url.path, exc_info=exc)  # the detail stays on the server
    return problem(500, UNEXPECTED)


def install(app: FastAPI) -> None:
    """Give ``app`` a JSON answer for every failure."""
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(SchemaError, _unusable_file)
    app.add_exception_handler(StoreInputError, _store_input)
    app.add_exception_handler(StoreUnavailable, _store_down)
    app.add_exception_handler(StoreError, _store_down)
    app.add_exception_handler(ModelIntegrityError, _model_unavailable)
    app.add_exception_handler(RegistryError, _model_unavailable)
    app.add_exception_handler(AuditError, _no_audit)
    app.add_exception_handler(ResponseValidationError, _unexpected)
    app.add_exception_handler(Exception, _unexpected)
