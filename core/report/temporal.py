"""The week's report of a temporal validation: the tested patients, the model trained on the earlier ones, and
an evaluation section that is the out-of-time test (it says who trained, who was tested, and that the figures
are out-of-time)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pandas as pd

from core.decisions.policy import Policy
from core.formatting import interval
from core.replay.temporal_validation import TemporalValidation, by_landmark_day
from core.report.content import WeekReport, build_week_report
from core.scoring.outcomes import evaluation_in_words


def _by_day(validation: TemporalValidation, n_boot: int) -> pd.DataFrame | None:
    """The out-of-time ROC AUC at each landmark day, in the report's landmark table."""
    figures = by_landmark_day(validation, n_boot)
    if not figures:
        return None
    row = {f"Day {day}": interval(f["roc_auc"], 2) for day, f in figures.items()}
    return pd.DataFrame([{"Model": "Out-of-time, this test", **row}])


def temporal_report(
    validation: TemporalValidation,
    policy: Policy,
    *,
    trial: str,
    made_by: str,
    made_at: datetime,
    reference: float = 0.5,
    n_boot: int = 200,
) -> WeekReport:
    """The week's report whose evaluation section is the out-of-time test of ``validation``."""
    figure = validation.evaluation.metrics["roc_auc"]
    # The trained model has no figure of its own: its only figure is this out-of-time one.
    card = {**validation.bundle.card, "metrics": {"test": {"roc_auc": figure}}}
    bundle = replace(validation.bundle, card=card)
    report = build_week_report(
        validation.cohort,
        policy,
        bundle,
        trial=trial,
        made_by=made_by,
        made_at=made_at,
        as_of=validation.split.date.date(),
        reference=reference,
        n_boot=n_boot,
    )
    words = validation.in_words()
    model = [
        f"A model trained for this test on the patients enrolled before {validation.split.date.date()} "
        f"({validation.bundle.version}), learned from real data: the trial {trial}.",
        f"Its out-of-time figure: ROC AUC {interval(figure, 2)} on the later patients, all landmark "
        "days pooled (pooling can flatter it: each day's own figure is in the table below).",
    ]
    return replace(
        report,
        model=model,
        landmarks=_by_day(validation, n_boot),
        headline=[
            *words,
            "The call list below is of the tested patients at their landmark days (for checking, not for calls).",
        ],
        cost_note=report.cost_note + " Counted over the tested patients' landmark rows: a patient counts once for "
        "each landmark day they reached.",
        evaluation=validation.evaluation,
        evaluation_words=[*words, "These figures are out-of-time.", *evaluation_in_words(validation.evaluation)],
    )
