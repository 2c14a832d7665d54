"""GET /v1/health (no key: the process answers) and GET /v1/ready (the store opens and the model in use loads)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from api.keys import Caller, allowed, service
from api.problems import ERRORS
from api.schemas import Health, Ready
from core.trust.roles import VIEW

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/health", response_model=Health, summary="The process answers (no key needed)")
def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get(
    "/ready", response_model=Ready, summary="The store is reachable and the model in use loaded", responses=ERRORS
)
def ready(request: Request, caller: Annotated[Caller, Depends(allowed(VIEW))]) -> dict[str, Any]:
    the = service(request)
    the.store()  # 503 (the store's message) when it cannot be opened
    bundle = the.bundle()  # 503 when the model cannot be loaded safely
    return {"status": "ready", "store": "reachable", "model": bundle.version}
