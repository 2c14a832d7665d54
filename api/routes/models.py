"""GET /v1/models (the registered versions, which is in use) and POST /v1/models/{version}/promote (managers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from api.keys import Caller, allowed, service
from api.problems import ERRORS
from api.schemas import ModelVersion, Promoted
from api.scored import plain
from core.model import card_words
from core.trust.roles import PROMOTE, VIEW

router = APIRouter(prefix="/v1", tags=["models"], responses=ERRORS)


@router.get("/models", response_model=list[ModelVersion], summary="The model versions, newest first")
def versions(request: Request, caller: Annotated[Caller, Depends(allowed(VIEW))]) -> list[dict[str, Any]]:
    return [
        plain(
            {
                "version": v.name,
                "in_use": v.in_use,
                "origin": card_words.origin_words(v.card),
                "trained_on": v.trained_on,
                "created_at": str(v.card.get("created_at", "")),
                "headline": card_words.headline(v.card) if "metrics" in v.card else {},
            }
        )
        for v in service(request).registry.versions()
    ]


@router.post("/models/{version}/promote", response_model=Promoted, summary="Put a model version in use (managers)")
def promote(
    request: Request,
    version: Annotated[str, Path(min_length=1, max_length=100)],
    caller: Annotated[Caller, Depends(allowed(PROMOTE))],
) -> dict[str, Any]:
    registry = service(request).registry
    known = {v.name for v in registry.versions()}
    if version not in known:
        raise HTTPException(404, f"There is no model version {version!r}. See the versions at GET /v1/models.")
    who = f"{caller.name} (API key)"
    previous = registry.promote(version, who)  # refuses a version that would not load
    service(request).audit().record("model_promoted", version=version, replaced=previous, by=who, via="API")
    return {"in_use": version, "previous": previous}
