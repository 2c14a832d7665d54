"""Pick up where you left off: a new session opens the latest scored week of the last trial (or of the trial the
address names), rebuilt from the inputs the store kept and rescored under the model in use.

The trial switcher asks for another trial's latest week the same way. Without a database, or for a week stored
before its inputs were kept, nothing is reopened and the page says why.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pandas as pd

from app import state
from app.services import store_access, url_settings
from core.model.bundle import ModelBundle
from core.reading.errors import SchemaError
from core.scoring.cohort import ScoredCohort, score_upload
from core.store import Store, Upload

log = logging.getLogger(__name__)

NOT_REOPENED = "The last week could not be reopened from the store."


def _find(trial: str | None) -> tuple[Upload, bytes | None] | None:
    def look(store: Store) -> tuple[Upload, bytes | None] | None:
        upload = store.uploads.latest_week(trial) if trial else store.uploads.latest_week()
        if upload is None and trial:  # a trial the store does not know: the last trial instead
            upload = store.uploads.latest_week()
        return None if upload is None else (upload, store.inputs.csv(upload.id))

    return store_access.attempt(look, NOT_REOPENED)


def rebuilt(upload: Upload, data: bytes, bundle: ModelBundle) -> ScoredCohort:
    """The week's cohort from its kept inputs, scored and explained under the model in use; it is the same week
    (file, day) as stored, so the weekly memory finds it again instead of storing another."""
    cohort = score_upload(data, upload.source_file, bundle, state.bands())
    as_of = None if upload.as_of is None else pd.Timestamp(upload.as_of)
    return replace(cohort, sha256=upload.file_sha256, result=replace(cohort.result, as_of=as_of))


def open_week(bundle: ModelBundle, trial: str | None) -> bool:
    """Open the latest week of ``trial`` (None: the last trial scored); True when a week is on screen."""
    found = _find(trial)
    if found is None:
        return False
    upload, data = found
    if data is None:
        state.set_cohort_error(
            f"The latest week of {upload.trial or 'the unnamed trial'} was stored before the store kept the rows "
            "it was scored from, so it cannot be reopened. Upload its list again."
        )
        return False
    try:
        cohort = rebuilt(upload, data, bundle)
    except SchemaError as exc:  # the model in use reads other inputs than the week has
        state.set_cohort_error(f"The latest week of {upload.trial} cannot be scored by the model in use: {exc}")
        return False
    state.set_history(None)
    state.set_cohort_error(None)
    state.set_cohort(cohort)
    state.set_reopened((cohort.sha256, upload.trial or "", upload.week_day))
    state.set_widget_value(state.TRIAL_NAME, upload.trial or "")
    if upload.trial:
        state.set_open_trial(upload.trial)
    log.info("week %s reopened from the store", upload.id)
    return True


def on_page_start(bundle: ModelBundle) -> None:
    """Before the Cohort page draws: open the trial the switcher asked for, or, once in a new session with nothing
    loaded, the latest week of the address's trial, else of the last trial."""
    asked = state.trial_request()
    if asked is not None:
        state.set_trial_request(None)
        state.set_reopen_tried()
        open_week(bundle, asked)
        return
    if state.reopen_tried() or state.cohort() is not None or state.history() is not None:
        return
    state.set_reopen_tried()
    open_week(bundle, url_settings.trial_in_address())
