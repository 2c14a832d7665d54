"""What a model card says, in the words every page, the sidebar and the command line use.

Two kinds of card exist: the bundled generic model's (synthetic data, a test split of unseen sites)
and a trial-trained version's (one real trial, nested cross-validation). These functions read either,
so a page never has to know which kind it shows.
"""

from __future__ import annotations

from typing import Any

from core.formatting import interval

CROSS_VALIDATED = "cross-validated"


def is_cross_validated(card: dict[str, Any]) -> bool:
    return card.get("evaluation", {}).get("method") == CROSS_VALIDATED


def is_synthetic(card: dict[str, Any]) -> bool:
    return bool(card.get("training_data", {}).get("synthetic"))


def origin_words(card: dict[str, Any]) -> str:
    """'synthetic data' or 'real data: the trial X' (every figure shown says which)."""
    data = card.get("training_data", {})
    trials = [entry.get("trial") for entry in data.get("trials", [])]
    if len(trials) > 1:
        return f"{data.get('origin', 'real')} data: the trials {', '.join(map(str, trials))}"
    if data.get("synthetic"):
        return "synthetic data"
    trial = data.get("trial")
    return f"real data: the trial {trial}" if trial else "real data"


def trained_on(card: dict[str, Any]) -> str:
    data = card.get("training_data", {})
    return f"{origin_words(card)}, {data.get('patients', 0):,} patients from {data.get('sites', 0)} sites"


def measured_on(card: dict[str, Any]) -> str:
    """Where the headline figures come from, in a phrase."""
    if is_cross_validated(card) and card["evaluation"].get("grouped_by") == "trial":
        return "each trial scored by the model trained on the other trials only, leaving one whole trial out"
    if is_cross_validated(card):
        evaluation = card["evaluation"]
        unit = "sites" if evaluation.get("grouped_by") == "site" else "patients"
        repeats = int(evaluation.get("repeats") or 1)
        repeated = "once" if repeats == 1 else f"repeated {repeats} times"
        # no brackets: pages put this phrase in their own brackets, and nested ones read as "...))"
        return (
            f"cross-validated on the trial's own patients, {evaluation.get('folds')} folds of whole {unit} {repeated}"
        )
    return "a test split of sites the model never saw"


def headline(card: dict[str, Any]) -> dict[str, Any]:
    """The model's own figures on patients it did not learn from (test split or cross-validation); for a trial
    model, the mean over landmark days of each day's figure (how it ranks the patients of one moment)."""
    return dict(card["metrics"]["test"])


def headline_name(card: dict[str, Any]) -> str:
    """What the headline figure is, in a phrase every page and the command line use."""
    if "per_landmark" in card.get("metrics", {}):
        return "ROC AUC by landmark day (mean of each day's)"
    return "ROC AUC"


def pooled_words(card: dict[str, Any]) -> str:
    """The pooled figure, labelled as such and explained (empty when the card has none)."""
    pooled = card.get("metrics", {}).get("pooled")
    if not pooled:
        return ""
    return (
        f"For reference only: ROC AUC pooled over every landmark day {interval(pooled['roc_auc'], 2)}. A pooled "
        "figure also rewards knowing the day (patients drop out more at early landmarks), not only ranking the "
        "patients of one week, so it flatters; it never chooses a model."
    )


def against_in_use(card: dict[str, Any]) -> str:
    """This version against the model in use when it was trained, on the same patients (empty if not compared)."""
    own = card.get("model_kind")
    difference = card.get("differences", {}).get(f"{own}_minus_model_in_use")
    if not difference:
        return ""
    low, high = difference["ci95"]
    days = ", ".join(f"day {d} {v['value']:+.2f}" for d, v in difference.get("by_stratum", {}).items())
    verdict = "clearly better" if low > 0 else ("clearly worse" if high < 0 else "not clearly different")
    return (
        f"Against the model in use when trained ({card.get('recommendation', {}).get('in_use_before') or 'then'}), "
        f"same patients: ROC AUC by landmark day {difference['value']:+.2f} (95% range {low:+.2f} to {high:+.2f}), "
        f"{verdict}; {days}."
    )


def headline_auc(card: dict[str, Any], digits: int = 2) -> str:
    return interval(headline(card)["roc_auc"], digits)


def compared(card: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, figures) of what the model is compared with, in the order to show them."""
    if is_cross_validated(card):
        own = card.get("model_kind")
        return [
            (entry["label"], entry["summary"])
            for name, entry in card.get("comparison", {}).items()
            if name != own and "summary" in entry
        ]
    baselines = card.get("baselines", {})
    out = []
    if "logistic_regression" in baselines:
        out.append(("Logistic regression", baselines["logistic_regression"]))
    if "single_feature_rule" in baselines:
        rule = baselines["single_feature_rule"]
        out.append((f"Single rule ({str(rule.get('feature', '')).replace('_', ' ')})", rule))
    return out


def by_landmark(card: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Label -> landmark day -> figures, for a cross-validated card (empty for the bundled one)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in card.get("comparison", {}).values():
        if "by_landmark" in entry:
            out[entry["label"]] = entry["by_landmark"]
    return out


def switch_back_words(card: dict[str, Any]) -> str:
    """For a file a trial-trained model in use cannot score: which model that is, and how to put the previous one
    back (empty for the bundled generic model, which has nothing to go back to)."""
    if not is_cross_validated(card):
        return ""
    return (
        f"The model in use is {card.get('model_version')}, trained on the trial "
        f"{card.get('training_data', {}).get('trial', '')} ({trained_on(card)}), and it needs them. "
        "To score with the previous model instead, a manager can put it back among the Train page's versions, "
        "or run `python -m core.cli.models rollback` (or `python -m core.cli.models promote VERSION`)."
    )


def outcome_words(card: dict[str, Any]) -> str:
    """What the version counts as dropout, in a sentence (empty for a card from before it was recorded)."""
    outcome = card.get("outcome") or {}
    if not outcome:
        return ""
    return (
        f"What counts as dropout: {outcome['in_words']}. {outcome.get('dropouts', 0):,} patients dropped out this "
        f"way; {outcome.get('other_endings_not_counted', 0):,} ended another way and count as not dropping out."
        if outcome.get("definition") == "dropout"
        else f"What counts as dropout: {outcome['in_words']} ({outcome.get('dropouts', 0):,} patients)."
    )
