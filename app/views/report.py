"""The Cohort page's "Download the week's report": HTML (opens offline) and PDF (for printing and filing)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.access.identity import current_person
from app.records import Week
from app.services import audit_trail
from app.views import weekly as weekly_views
from core.model.bundle import ModelBundle
from core.output.provenance import export_file_name
from core.reading.contract import ID_COLUMN
from core.report.content import build_week_report
from core.report.formats import report_bytes
from core.scoring.call_order import BY_END
from core.scoring.cohort import ScoredCohort

MIME = {".html": "text/html", ".pdf": "application/pdf"}
LABELS = {".html": "Download the week's report (HTML)", ".pdf": "Download the week's report (PDF)"}


def downloads(
    cohort: ScoredCohort,
    flagged: np.ndarray,
    bundle: ModelBundle,
    contacts: pd.DataFrame | None,
    week: Week | None,
    order_by: str = BY_END,
) -> None:
    """Two buttons; each file is built when it is asked for (everything it needs is captured now), its call list
    in the order chosen (``order_by``)."""
    st.markdown(
        "**The week's report**: the call list with reasons and last contact, the costs, the sites, what changed "
        "since last week, the model and its validated figures and, when the file has outcomes, how the model did "
        "on them. The HTML opens offline in any browser; the PDF prints in black and white. Both hold patient "
        "identifiers in the call list: keep them as patient data."
    )
    policy, now = state.policy(), datetime.now(UTC)
    trial = state.trial_name() or Path(cohort.filename).stem
    changes = weekly_views.changes_since_last_week(cohort, flagged, week)
    made_by, reference = current_person().name, state.settings().reference_threshold
    listed = cohort.scored.loc[flagged, ID_COLUMN].astype(str).tolist()
    history = state.history()  # a trial's history stands for the day it was scored as of
    as_of = history.as_of.date() if history is not None and history.as_of is not None else None

    def build(suffix: str) -> bytes:
        report = build_week_report(
            cohort,
            policy,
            bundle,
            trial=trial,
            made_by=made_by,
            made_at=now,
            as_of=as_of,
            reference=reference,
            last_contacts=contacts,
            changes=changes,
            held_out=week.held_out if week is not None else frozenset(),
            order_by=order_by,
        )
        return report_bytes(report, suffix)

    for column, suffix in zip(st.columns(2), (".html", ".pdf"), strict=True):
        data = audit_trail.audited_download(
            f"export_report_{suffix.lstrip('.')}",
            functools.partial(build, suffix),
            lambda: listed,
            input_sha256=cohort.sha256,
            n_flagged=len(listed),
        )
        column.download_button(
            LABELS[suffix],
            data=data,
            on_click="ignore",
            mime=MIME[suffix],
            file_name=export_file_name("weeks_report", policy, now, suffix.lstrip(".")),
            key=f"download_report_{suffix.lstrip('.')}",
        )
