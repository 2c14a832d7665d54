"""Who is calling: ``Authorization: Bearer KEY`` → the key's name and role, checked on every call but /v1/health.

401 without a key, or with one the store does not hold or that was revoked; 403 when the key's role may not
take the route's action (the app's roles, core.trust.roles); 429 when the key has used its calls for now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.service import Service
from core.trust.api_keys import key_hash
from core.trust.roles import may, refusal

bearer = HTTPBearer(auto_error=False, description="An API key made with `python -m core.cli.users add-key`.")
NO_KEY = "This route needs an API key: send it as 'Authorization: Bearer KEY'."
BAD_KEY = "The API key is not known or has been revoked."
TOO_MANY = "Too many calls with this key: at most {limit} a minute. Call again in {seconds} seconds."


@dataclass(frozen=True)
class Caller:
    name: str  # the key's name: who the audit trail and the records say did it
    role: str


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def _caller(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Caller:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or not credentials.credentials.strip():
        raise HTTPException(401, NO_KEY, headers=challenge)
    key = service(request).store().api_keys.by_hash(key_hash(credentials.credentials))
    if key is None or key.revoked:
        raise HTTPException(401, BAD_KEY, headers=challenge)
    return Caller(key.name, key.role)


def allowed(action: str) -> Callable[..., Caller]:
    """A dependency: the caller, when their key may take ``action`` (core.trust.roles) and has calls left."""

    def check(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
        caller = _caller(request, credentials)
        request.state.caller = caller.name
        if not may(caller.role, action):
            raise HTTPException(403, refusal(action, f"the API key {caller.name}", caller.role))
        limiter = service(request).limiter
        wait = limiter.wait_for(caller.name)
        if wait:
            raise HTTPException(
                429, TOO_MANY.format(limit=limiter.per_minute, seconds=wait), headers={"Retry-After": str(wait)}
            )
        return caller

    return check
