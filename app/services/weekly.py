"""This week's scoring in the store: stored once, found again after a refresh, compared with the week before.

The Cohort page calls ``remember`` for the cohort on screen; everything weekly (the change list, the
trend, contacts) hangs off the ``Week`` it returns. Without a database the cohort is still scored and
shown; the page says it is not remembered.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from app import state
from app.records import TeamRecord, Week
from app.services import store_access
from core.decision_settings import holdout_share
from core.model.bundle import ModelBundle
from core.outreach.holdout import draw_held_out, new_seed
from core.paths import DEMO_COHORT_PATH
from core.scoring.cohort import ScoredCohort, patient_keys, stored_scores
from core.store import NewUpload, Store, Upload, settings_of
from core.store.holdouts import Draw

log = logging.getLogger(__name__)

NOT_REMEMBERED = (
    "This week's scores are shown, but they are not remembered: next week's list cannot be compared with this one."
)
DEMO_TRIAL = "Demo cohort"
UNNAMED_TRIAL = "Unnamed trial"


def trial_of(cohort: ScoredCohort) -> str:
    """The trial this week belongs to: the history's name, the demo's own, else the name the user gave the list."""
    history = state.history()
    if history is not None:
        return history.label
    if cohort.filename == DEMO_COHORT_PATH.name:
        return DEMO_TRIAL
    return state.trial_name() or UNNAMED_TRIAL


def _as_of(cohort: ScoredCohort) -> date | None:
    """The day the week stands for: a history's as-of day, or a dated list's; else (None) the day it is scored."""
    as_of = cohort.result.as_of
    return None if as_of is None else pd.Timestamp(as_of).date()


def _hold_out(store: Store, upload: Upload) -> Draw | None:
    """The week's fair-test draw: the one stored, else (when the team switched the test on) a new one among the
    week's stored flagged patients (a week stored while the test was off is drawn when next opened with it on)."""
    draw = store.holdouts.of_upload(upload.id)
    saved = {key: value.value for key, value in store.settings.latest().items()}
    share = holdout_share(saved)
    if draw is not None or share is None:
        return draw
    scores = store.uploads.scores(upload.id)
    flagged = scores[scores["flagged"].astype(bool)]
    seed = new_seed()
    held = draw_held_out(patient_keys(flagged), share, seed)
    log.info("fair test: %d of %d flagged patients held out of upload %s", len(held), len(flagged), upload.id)
    return store.holdouts.record(
        upload.id,
        share=share,
        seed=seed,
        flagged=len(flagged),
        patients=held,
        drawn_by=state.current_person().name,
        trial=upload.trial,
    )


def remember(cohort: ScoredCohort, flagged: np.ndarray, bundle: ModelBundle) -> Week | None:
    """Store this cohort's scores as this week's (once: the same file and model found again is the same week)."""
    as_of, trial = _as_of(cohort), trial_of(cohort)
    state.set_open_trial(trial)  # the address names it: a refresh reopens this trial
    saved = state.team_saved()  # the fair test switched on mid-session draws this week at the next run
    share = holdout_share(saved.raw()) if isinstance(saved, TeamRecord) else None
    key = (cohort.sha256, bundle.sha256, as_of, trial, share)
    known = state.remembered_week(key)
    if known is not None:
        return known

    def store_week(store: Store) -> Week:
        upload = store.uploads.find(cohort.sha256, bundle.sha256, as_of, trial)
        if upload is None:
            new = NewUpload(
                scored_by=state.current_person().name,
                source_file=cohort.filename,
                file_sha256=cohort.sha256,
                model_version=bundle.version,
                model_sha256=bundle.sha256,
                settings=settings_of(state.policy()),
                rows_read=cohort.result.n_read,
                as_of=as_of,
                trial=trial,
            )
            upload = store.uploads.record(new, stored_scores(cohort, flagged), cohort.result.valid)
            log.info("week stored as upload %s", upload.id)
        draw = _hold_out(store, upload)
        last = store.uploads.latest_before(upload.id)
        return Week(upload, last) if draw is None else Week(upload, last, draw.patients, draw.share)

    week = store_access.attempt(store_week, NOT_REMEMBERED)
    if week is not None:
        state.set_remembered_week(key, week)
    return week
