"""GET /v1/trials/{trial}/call-list: the flagged patients of a trial's latest stored week, rescored from the rows
the week kept under the model in use and the settings in force (or given), as the app reopens a week."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from api.audit_calls import counts
from api.keys import Caller, allowed, service
from api.problems import ERRORS
from api.routes.scoring import Capacity, PlanQuery, Threshold
from api.schemas import CallList
from api.scored import answer, json_answer, policy_in_force
from core.scoring.cohort import score_upload
from core.trust.roles import VIEW

router = APIRouter(prefix="/v1", tags=["trials"], responses=ERRORS)


@router.get("/trials/{trial}/call-list", response_model=CallList, summary="The call list of a trial's latest week")
def call_list(
    request: Request,
    trial: Annotated[str, Path(min_length=1, max_length=200, description="the trial's name, as the app stored it")],
    caller: Annotated[Caller, Depends(allowed(VIEW))],
    threshold: Threshold = None,
    capacity: Capacity = None,
    plan: PlanQuery = None,
) -> Response:
    the = service(request)
    store = the.store()
    upload = store.uploads.latest_week(trial)
    if upload is None or upload.trial != trial:
        raise HTTPException(404, f"No week of a trial named {trial!r} is stored.")
    data = store.inputs.csv(upload.id)
    if data is None:
        raise HTTPException(
            409, "The trial's latest week was stored before the store kept the rows it was scored from: score it again."
        )
    bundle = the.bundle()
    cohort = score_upload(data, upload.source_file, bundle, the.settings.bands)
    as_of = None if upload.as_of is None else pd.Timestamp(upload.as_of)
    cohort = replace(cohort, result=replace(cohort.result, as_of=as_of))
    given = {"threshold": threshold, "capacity": capacity, "plan": plan}
    policy, stated = policy_in_force(given, store, the.settings, bundle)
    reply = answer(cohort, policy, stated, bundle, flagged_only=True)
    reply["week"] = {"trial": trial, "day": upload.week_day, "upload_id": upload.id}
    counts(request.state, patients_listed=len(reply["patients"]), flagged=reply["flagged"])
    return json_answer(reply)
