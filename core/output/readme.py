"""The README's generated blocks, rendered from their one source: the model card and the input contract.

``python -m core.cli.report`` (in ``core/cli/report.py``) rewrites each block between its markers; a test fails
when the README and its sources disagree, so no figure or contract rule in the README is typed by hand.
"""

from __future__ import annotations

from typing import Any

from core.formatting import interval as _metric
from core.reading.contract import Contract

START = "<!-- model-card:start (written by python -m core.cli.report) -->"
END = "<!-- model-card:end -->"
CONTRACT_START = "<!-- contract:start (written by python -m core.cli.report) -->"
CONTRACT_END = "<!-- contract:end -->"


def _pooled_markdown(card: dict[str, Any]) -> str:
    """A card pooled over trials (the bundled time-to-dropout model): each trial left out, then the real trials."""
    data, decision = card["training_data"], card["decision"]
    headline = card["metrics"]["per_landmark"]
    rows = [
        "| trial left out (synthetic) | patients | dropouts | ROC AUC by landmark day (95% interval) |",
        "|---|---|---|---|",
    ]
    for entry in data["trials"]:
        rows.append(
            f"| {entry['trial']} | {entry['patients']:,} | {entry['dropouts']:,} | "
            f"{_metric(headline['trials'][entry['trial']])} |"
        )
    real = card.get("real_trial_figures", {})
    table = [
        "| real trial, outcome | this model | own logistic regression (CV) | own six-fact baseline (CV) |",
        "|---|---|---|---|",
    ]
    for trial, outcomes in real.items():
        if not isinstance(outcomes, dict):
            continue
        for outcome, figures in outcomes.items():
            cells = [_metric(figures[k]["per_landmark_roc_auc"]) if k in figures else "–" for k in REAL_COLUMNS]
            table.append(f"| {trial}, {outcome} | {' | '.join(cells)} |")
    text = (
        f"Model `{card['model_version']}`, trained {card['created_at'][:10]}: a weekly time-to-dropout hazard on "
        f"{data['patients']:,} synthetic patients of {len(data['trials'])} simulated trials ({data['sites']} sites; "
        f"{data['person_period_rows']:,} weekly rows from day 1). Each trial scored by the model trained on the other "
        f"trials only: ROC AUC by landmark day {_metric(headline['roc_auc'])}, the mean over the trials. Default "
        f"decision threshold {decision['default_threshold']:.2f} (lowest program cost on those held-out predictions at "
        f"${decision['costs']['intervention_cost']:,.0f} per intervention and ${decision['costs']['dropout_cost']:,.0f} "
        "per dropout)."
    )
    real_words = "On the real trials in data/ (never trained on), beside each trial's own cross-validated references:"
    return "\n".join([START, text, "", *rows, "", real_words, "", *table, END])


REAL_COLUMNS = ("this model", "own logistic regression", "own six-fact baseline")


def render_card_markdown(card: dict[str, Any]) -> str:
    """The card's held-out figures as a Markdown table plus a short paragraph."""
    if "baselines" not in card:
        return _pooled_markdown(card)
    test = card["metrics"]["test"]
    logistic = card["baselines"]["logistic_regression"]
    rule = card["baselines"]["single_feature_rule"]
    data = card["training_data"]
    rows = [
        "| metric (test split, 95% bootstrap interval) | model | ceiling (generator's true risk) | logistic regression | single rule: "
        + rule["feature"].replace("_", " ")
        + " |",
        "|---|---|---|---|---|",
        f"| ROC AUC | {_metric(test['roc_auc'])} | {_metric(test['oracle_roc_auc'])} | {_metric(logistic['roc_auc'])} | {_metric(rule['roc_auc'])} |",
        f"| PR AUC | {_metric(test['pr_auc'])} | – | {_metric(logistic['pr_auc'])} | {_metric(rule['pr_auc'])} |",
        f"| Brier score (lower is better) | {_metric(test['brier'])} | {_metric(test['oracle_brier'])} | {_metric(logistic['brier'])} | {_metric(rule['brier'])} |",
        f"| Expected calibration error | {_metric(test['ece'])} | – | {_metric(logistic['ece'])} | {_metric(rule['ece'])} |",
    ]
    decision = card["decision"]
    text = (
        f"Model `{card['model_version']}`, trained {card['created_at'][:10]} on {data['patients']:,} synthetic patients "
        f"from {data['sites']} sites (dropout rate {data['dropout_rate']:.1%}). Test split: {test['n']:,} patients at "
        f"sites the model never saw (dropout rate {test['prevalence']:.1%}). The model reaches "
        f"{test['roc_auc_share_of_oracle']:.1%} of the best ROC AUC any model could reach on this data. "
        f"Default decision threshold {decision['default_threshold']:.2f} (lowest program cost on the validation split at "
        f"${decision['costs']['intervention_cost']:,.0f} per intervention and ${decision['costs']['dropout_cost']:,.0f} per dropout)."
    )
    return "\n".join([START, text, "", *rows, END])


def _replace_block(readme: str, start: str, end: str, block: str) -> str:
    head, _, rest = readme.partition(start)
    _, found, tail = rest.partition(end)
    if not found:
        raise ValueError(f"README.md lacks the markers {start!r} and {end!r}")
    return head + block + tail


def readme_with_card(readme: str, card: dict[str, Any]) -> str:
    """README text with the card block replaced (raises if the markers are missing)."""
    return _replace_block(readme, START, END, render_card_markdown(card))


def render_contract_markdown(contract: Contract) -> str:
    """The contract as the README's table: required fields first, then the optional ones."""
    rows = ["| column | meaning | valid values | required |", "|---|---|---|---|"]
    for spec in sorted(contract, key=lambda s: not s.required):
        valid = spec.valid_values() + (f"; {spec.note}" if spec.note else "")
        rows.append(f"| {spec.name} | {spec.help} | {valid} | {'yes' if spec.required else 'no'} |")
    return "\n".join([CONTRACT_START, *rows, CONTRACT_END])


def readme_with_contract(readme: str, contract: Contract) -> str:
    """README text with the contract table replaced (raises if the markers are missing)."""
    return _replace_block(readme, CONTRACT_START, CONTRACT_END, render_contract_markdown(contract))
