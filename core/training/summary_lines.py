"""A finished training in plain lines, for the command line (the Train page shows the same figures)."""

from __future__ import annotations

from core.formatting import interval, things
from core.training.pooled_training import PooledRun
from core.training.time_family import TIME
from core.training.trial_training import TrainingRun
from core.training.trial_versions import COMPARED, FAMILY_LABELS


def summary_lines(run: TrainingRun) -> list[str]:
    data = run.data
    patients = len(set(data.patients))
    lines = [
        f"trained on {run.source.trial}: {patients:,} patients with a known outcome, {int(data.y.sum()):,} "
        f"of {len(data.y):,} landmark rows are of patients who later dropped out; folds by {data.grouped_by}, "
        f"{run.options.n_folds} folds x {things(run.repeats, 'repeat')}; intervals resample whole {data.grouped_by}s",
        f"outcome ({run.options.outcome.name}): {run.options.outcome.words}",
        "patients per reason for ending (of them in training): "
        + "; ".join(
            f"{row['reason']} {row['patients']:,} ({row.get('training_patients', row['patients']):,}), "
            + ("dropout" if row["counts_as_dropout"] else row["kind"])
            for row in run.outcome.get("by_reason", [])
        ),
        "cross-validated ROC AUC at one moment: the mean over landmark days of each day's figure (95% interval), "
        "then each landmark day:",
    ]
    labels = {**FAMILY_LABELS, **COMPARED}
    for name, label in labels.items():
        if name not in run.results:
            continue
        result = run.results[name]
        by_day = ", ".join(f"day {d} {s['roc_auc']['value']:.2f}" for d, s in result["by_landmark"].items())
        lines.append(f"  {label}: {interval(result['per_landmark']['roc_auc'], 2)} | {by_day}")
    if run.model_in_use.get("left_out"):
        lines.append(f"  model in use {run.model_in_use['version']}: left out, {run.model_in_use['left_out']}")
    elif run.model_in_use.get("patients_scored"):
        lines.append(
            f"  model in use {run.model_in_use['version']}: scored on the {run.model_in_use['patients_scored']:,} "
            f"patients it never trained on ({run.model_in_use['patients_it_trained_on_left_out']:,} it trained on "
            "left out)"
        )
    weighted = int((data.w != 1.0).sum())
    if weighted:
        lines.append(
            f"  {weighted:,} rows weighted for patients still in the trial at the cut-off (largest weight "
            f"{data.w.max():.2f})"
        )
    for family, label in FAMILY_LABELS.items():
        difference = run.comparisons.get(f"{family}_minus_model_in_use")
        if difference:
            by_day = ", ".join(f"day {d} {v['value']:+.2f}" for d, v in difference["by_stratum"].items())
            lines.append(f"  {label} minus the model in use: {interval(difference, 2)} | {by_day}")
    lines += time_lines(run)
    lines.append("recommendation: " + run.recommendation["words"])
    pooled = ", ".join(
        f"{label} {run.results[name]['pooled']['roc_auc']['value']:.2f}"
        for name, label in labels.items()
        if name in run.results
    )
    lines.append(
        f"for reference only, ROC AUC pooled over landmark days (flatters: it rewards knowing the day): {pooled}"
    )
    if run.learning_curve:
        half = run.learning_curve["half_of_the_patients"]["roc_auc"]
        lines.append(
            f"with half the patients, {FAMILY_LABELS[run.learning_curve['family']]} would reach {interval(half, 2)}"
        )
    return lines


def time_lines(run: TrainingRun) -> list[str]:
    """The time-to-dropout family's figures per horizon (from held-out patients), when it was trained."""
    found = run.time_family
    if found is None:
        return []
    lines = [
        f"time to dropout: {found.rows:,} weekly rows of {found.patients:,} patients from day 1, "
        f"{found.weeks_with_dropout:,} weeks with a dropout; per horizon, looking ahead from every fourth week:"
    ]
    for weeks, figures in found.per_horizon.items():
        if figures:
            lines.append(
                f"  within {weeks} weeks: time-dependent ROC AUC {interval(figures['time_dependent_auc'], 2)}, "
                f"Uno's C {interval(figures['uno_c'], 2)}, integrated Brier score "
                f"{interval(figures['integrated_brier'], 3)}"
            )
        else:
            lines.append(f"  within {weeks} weeks: too few dropouts within {weeks} weeks to measure")
    return lines


def pooled_lines(run: PooledRun) -> list[str]:
    """A pooled training in plain lines: each trial scored by the model trained on the other trials, beside its
    own baseline and the model in use, per landmark day and per horizon; then the headline."""
    lines = [
        f"learned from {len(run.trials)} trials: {len(run.periods):,} weekly rows of "
        f"{len(set(run.periods.patient)):,} patients from day 1; outcome ({run.options.outcome.name}): "
        f"{run.options.outcome.words}",
        "each trial scored by the model trained on the other trials only (leave one trial out); ROC AUC at one "
        "moment, the mean over landmark days of each day's figure (95% interval), then each landmark day:",
    ]
    for trial in run.trials:
        lines.append(
            f"{trial.name} ({trial.training_patients:,} training patients, all from {', '.join(trial.trained_on)}):"
        )
        for name, label in ((TIME, "this model"), *COMPARED.items()):
            if name in trial.results:
                result = trial.results[name]
                by_day = ", ".join(f"day {d} {s['roc_auc']['value']:.2f}" for d, s in result["by_landmark"].items())
                lines.append(f"  {label}: {interval(result['per_landmark']['roc_auc'], 2)} | {by_day}")
        if trial.model_in_use.get("left_out"):
            lines.append(f"  model in use {trial.model_in_use['version']}: left out, {trial.model_in_use['left_out']}")
        for weeks, figures in trial.per_horizon.items():
            if figures:
                lines.append(
                    f"  within {weeks} weeks: time-dependent ROC AUC {interval(figures['time_dependent_auc'], 2)}, "
                    f"Uno's C {interval(figures['uno_c'], 2)}"
                )
    lines.append(
        f"headline: {interval(run.headline['roc_auc'], 2)}, the mean over the trials of each trial's figure above "
        f"(this model, trained on the other trials); final model: {run.chosen.candidate.name}, fitted on every trial"
    )
    return lines
