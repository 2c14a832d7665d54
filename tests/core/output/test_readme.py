"""core.cli.report: the README's figures are the model card's."""

from __future__ import annotations

import json

import pytest

from core.cli.report import README_PATH
from core.output.readme import readme_with_card, render_card_markdown
from core.paths import MODEL_CARD_PATH


def test_readme_figures_equal_the_model_card():
    card = json.loads(MODEL_CARD_PATH.read_text())
    readme = README_PATH.read_text()
    assert readme == readme_with_card(readme, card), "run `python -m core.cli.report` after retraining"


def test_rendered_block_shows_the_card_values():
    card = json.loads(MODEL_CARD_PATH.read_text())
    block = render_card_markdown(card)
    assert f"{card['metrics']['test']['roc_auc']['value']:.3f}" in block
    assert card["model_version"] in block


def test_missing_markers_are_an_error():
    with pytest.raises(ValueError):
        readme_with_card("# no markers here", json.loads(MODEL_CARD_PATH.read_text()))
