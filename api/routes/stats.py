"""GET /v1/stats: the stored scores by day, risk band and outcome, and the contacts by week and by site."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Request

from api.keys import Caller, allowed, service
from api.problems import ERRORS
from api.schemas import Stats
from api.scored import plain
from core.store.score_rows import score_counts
from core.trust.roles import VIEW

router = APIRouter(prefix="/v1", tags=["stats"], responses=ERRORS)
OUTCOME_WORDS = {True: "dropped out", False: "stayed"}


def _outcome(value: Any) -> str:
    return "not known" if value is None or pd.isna(value) else OUTCOME_WORDS[bool(value)]


@router.get("/stats", response_model=Stats, summary="Scores by day, band and outcome; contacts by week and site")
def stats(request: Request, caller: Annotated[Caller, Depends(allowed(VIEW))]) -> dict[str, Any]:
    store = service(request).store()
    scores = [
        {
            "day": r["day"],
            "risk_band": str(r["risk_band"]),
            "outcome": _outcome(r["dropped_out"]),
            "patients": int(r["patients"]),
            "flagged": int(r["flagged"] or 0),
            "mean_probability": float(r["mean_probability"]),
        }
        for r in score_counts(store.database).to_dict("records")
    ]
    weeks = store.outreach.per_week()
    sites = store.outreach.per_site()
    return plain(
        {
            "scores": scores,
            "contacts_by_week": weeks[["week", "contacts", "patients", "reached"]].to_dict("records"),
            "contacts_by_site": sites[["site", "contacts", "patients", "reached"]].to_dict("records"),
        }
    )
