"""POST /v1/score (a cohort file, the Cohort page's reader) and POST /v1/histories/score (a trial's history as of a
date): the scored patients under the model in use and the settings in force or given."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, Response, UploadFile

from api.audit_calls import counts
from api.keys import Caller, allowed, service
from api.problems import ERRORS
from api.schemas import Plan, Scored
from api.scored import answer, json_answer, keep_week, policy_in_force
from core.history.as_of import default_as_of, patients_in_study
from core.history.reader import read_history
from core.reading.dated import AmbiguousDateColumns
from core.reading.errors import SchemaError
from core.scoring.cohort import ScoredCohort, score_upload
from core.scoring.trial_as_of import score_history
from core.trust.roles import SCORE

router = APIRouter(prefix="/v1", tags=["scoring"], responses=ERRORS)

Threshold = Annotated[float | None, Query(ge=0.0, le=1.0, description="flag at or above this chance (0-1)")]
Capacity = Annotated[int | None, Query(ge=0, le=10_000_000, description="flag at most this many, highest risk first")]
PlanQuery = Annotated[Plan | None, Query(description="single: one contact each; tiered: the band's action")]
AsOf = Annotated[date | None, Query(description="count days to this date (a file that gives dates; a history)")]
TrialQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        description="keep this scoring as the trial's week (as the app does), for its call list and statistics",
    ),
]
DayFirst = Annotated[bool | None, Query(description="dates written day first (true) or month first (false)")]


def _given(threshold: float | None, capacity: int | None, plan: str | None) -> dict[str, Any]:
    return {"threshold": threshold, "capacity": capacity, "plan": plan}


def _reply(
    request: Request, cohort: ScoredCohort, given: dict[str, Any], trial: str | None, as_of: pd.Timestamp | None = None
) -> Response:
    the = service(request)
    bundle = the.bundle()
    policy, stated = policy_in_force(given, the.store(), the.settings, bundle)
    reply = answer(cohort, policy, stated, bundle, as_of=as_of)
    if trial is not None:
        reply["week"] = keep_week(the.store(), cohort, policy, bundle, trial, request.state.caller, as_of)
    counts(
        request.state,
        patients_scored=len(reply["patients"]),
        flagged=reply["flagged"],
        problems=len(reply["problems"]),
    )
    return json_answer(reply)


@router.post("/score", response_model=Scored, summary="Score a cohort file (CSV or Excel)")
def score_file(
    request: Request,
    file: Annotated[UploadFile, File(description="the cohort file, as the Cohort page takes it")],
    caller: Annotated[Caller, Depends(allowed(SCORE))],
    threshold: Threshold = None,
    capacity: Capacity = None,
    plan: PlanQuery = None,
    as_of: AsOf = None,
    day_first: DayFirst = None,
    trial: TrialQuery = None,
) -> Response:
    the = service(request)
    data = file.file.read()
    try:
        cohort = score_upload(
            data,
            file.filename or "cohort.csv",
            the.bundle(),
            the.settings.bands,
            max_upload_mb=the.settings.max_upload_mb,
            as_of=None if as_of is None else pd.Timestamp(as_of),
            day_first=day_first,
        )
    except AmbiguousDateColumns as exc:
        raise SchemaError(f"{exc} Give day_first=true or day_first=false.") from None
    return _reply(request, cohort, _given(threshold, capacity, plan), trial)


@router.post("/histories/score", response_model=Scored, summary="Score a trial's history as of a date")
def score_trial_history(
    request: Request,
    files: Annotated[
        list[UploadFile], File(min_length=1, description="the three tables, or the SDTM domains (DM, DS, SV, AE, TS)")
    ],
    caller: Annotated[Caller, Depends(allowed(SCORE))],
    threshold: Threshold = None,
    capacity: Capacity = None,
    plan: PlanQuery = None,
    as_of: AsOf = None,
    day_first: DayFirst = None,
    trial: TrialQuery = None,
) -> Response:
    the = service(request)
    named = {(f.filename or f"file{i + 1}.csv"): f.file.read() for i, f in enumerate(files)}
    history = read_history(named, day_first=day_first, max_upload_mb=the.settings.max_upload_mb)
    why = history.report.no_patients()
    if why is not None:
        raise HTTPException(422, why)
    when = pd.Timestamp(as_of) if as_of else default_as_of(history)[0]
    if not patients_in_study(history, when):
        raise HTTPException(422, f"None of the trial's patients was in the trial on {when.date()}; give another as_of.")
    cohort = score_history(history, named, "the history", when, the.bundle(), the.settings.bands)
    return _reply(request, cohort, _given(threshold, capacity, plan), trial, when)
