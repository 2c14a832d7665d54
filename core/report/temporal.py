"""The week's report of a temporal validation: the tested patients, the model trained on the earlier ones, and
an evaluation section that is the out-of-time test (it says who trained, who was tested, and that the figures
are out-of-time)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.decisions.policy import Policy
from core.formatting import interval
from core.replay.temporal_validation import TemporalValidation
from core.report.content import WeekReport, build_week_report
from core.scoring.outcomes import evaluation_in_words


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
        f"Its out-of-time figure: ROC AUC {interval(figure, 2)} on the later patients (below).",
    ]
    return replace(
        report,
        model=model,
        landmarks=None,
        headline=[
            *words,
            "The call list below is of the tested patients at their landmark days (for checking, not for calls).",
        ],
        evaluation=validation.evaluation,
        evaluation_words=[*words, "These figures are out-of-time.", *evaluation_in_words(validation.evaluation)],
    )
