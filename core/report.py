"""Render the model card's figures as Markdown and keep README.md's copy in step.

``python -m core.report`` rewrites the block between the README markers from models/model_card.json;
a test fails when the README and the card disagree, so no figure in the README is typed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.config import MODEL_CARD_PATH, ROOT

README_PATH = ROOT / "README.md"
START = "<!-- model-card:start (written by python -m core.report) -->"
END = "<!-- model-card:end -->"


def _metric(entry: dict[str, Any], digits: int = 3) -> str:
    low, high = entry["ci95"]
    return f"{entry['value']:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def render_card_markdown(card: dict[str, Any]) -> str:
    """The card's held-out figures as a Markdown table plus a short paragraph."""
    test = card["metrics"]["test"]
    logistic = card["baselines"]["logistic_regression"]
    rule = card["baselines"]["single_feature_rule"]
    data = card["training_data"]
    rows = [
        "| metric (test split, 95% bootstrap interval) | model | ceiling (generator's true risk) | logistic regression | single rule: " + rule["feature"].replace("_", " ") + " |",
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


def readme_with_card(readme: str, card: dict[str, Any]) -> str:
    """README text with the card block replaced (raises if the markers are missing)."""
    head, _, rest = readme.partition(START)
    _, found, tail = rest.partition(END)
    if not found:
        raise ValueError("README.md lacks the model-card markers")
    return head + render_card_markdown(card) + tail


def main() -> None:
    card = json.loads(Path(MODEL_CARD_PATH).read_text())
    README_PATH.write_text(readme_with_card(README_PATH.read_text(), card))
    print(f"README.md updated from {MODEL_CARD_PATH.name}")


if __name__ == "__main__":
    main()
