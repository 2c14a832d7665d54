"""The Train page: train on the real demo trial, read the comparison, put a version in use, roll back."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.services import training_run
from app.text import plain
from app.views.train import DEMO
from core.model.registry import Registry
from core.training import landmark_data
from core.training.trial_training import TrainingOptions
from core.trust.roles import TRAIN, refusal
from tests.app.conftest import PAGE_FILES, TEAM, open_page, shown, sign_in
from tests.core.history.test_endings import PILOT_REASONS
from tests.core.training.conftest import copy_registry


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    """A copy of the registry the app uses for this test, and a quicker (but otherwise identical) training."""
    folder = copy_registry(tmp_path / "models")
    monkeypatch.setenv("RRADAR_MODELS_DIR", str(folder))
    quick = functools.partial(TrainingOptions, n_folds=3, repeats=1, n_boot=40, learning_curve=False)
    monkeypatch.setattr(training_run, "TrainingOptions", quick)
    return folder


def _sidebar_text(at) -> str:
    return " ".join(shown(m.value) for m in at.sidebar.markdown)


def _trained(models_dir: Path) -> AppTest:
    at = open_page("train")
    at.radio(key="train_source").set_value(DEMO).run()
    assert not at.exception and not at.error
    at.button(key="train_start").click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_training_on_the_demo_trial_shows_the_comparison_and_changes_nothing_until_chosen(models_dir):
    before = Registry(models_dir).in_use()
    at = _trained(models_dir)
    comparison = next(t.value for t in at.table if t.value.index.name == "Model")
    models = [name.lower() for name in comparison.index]
    assert models[:2] == ["lightgbm", "logistic regression"]
    assert any("baseline" in name for name in models) and any("model in use" in name for name in models)
    registry = Registry(models_dir)
    trained_cards = [json.loads((v.folder / "model_card.json").read_text()) for v in registry.versions()]
    advice = {c["recommendation"]["words"] for c in trained_cards if "recommendation" in c}
    words = " ".join(shown(m.value) for m in [*at.markdown, *at.info])
    assert advice and all(shown(plain(a)) in words for a in advice)  # keep or replace, with how much and how sure
    assert registry.in_use() == before  # nothing changes until the user chooses
    trained = [v for v in registry.versions() if v.name.startswith("CDISC Pilot 01".replace(" ", "-"))]
    assert len(trained) == 3  # LightGBM, logistic regression, time to dropout
    for version in trained:
        card = json.loads((version.folder / "model_card.json").read_text())
        assert card["training_data"]["origin"] == "real" and card["training_data"]["trial"] == "CDISC Pilot 01"
        # The outcome definition chosen (the default) and the patients per reason, in the card and on the page.
        assert card["outcome"]["definition"] == "dropout" and card["training_data"]["outcome_definition"] == "dropout"
        assert {row["reason"]: row["patients"] for row in card["outcome"]["by_reason"]} == PILOT_REASONS
        assert card["training_data"]["withdrawals"] <= card["outcome"]["dropouts"] == 29
    shown_counts = [_reason_counts(t.value) for t in at.table if t.value.index.name == "Reason for ending"]
    assert len(shown_counts) == 2 and all(counts == PILOT_REASONS for counts in shown_counts)  # before and after


def _reason_counts(table) -> dict[str, int]:
    return {reason: int(str(n).replace(",", "")) for reason, n in table["Patients"].items()}


def test_the_outcome_definition_is_shown_with_patients_per_reason_before_training(models_dir):
    at = open_page("train")
    at.radio(key="train_source").set_value(DEMO).run()
    assert not at.exception
    table = next(t.value for t in at.table if t.value.index.name == "Reason for ending")
    assert _reason_counts(table) == PILOT_REASONS
    assert table.loc["ADVERSE EVENT", "Counts as dropout"] == "no"
    assert table.loc["WITHDRAWAL BY SUBJECT", "Counts as dropout"] == "yes"
    choices = at.radio(key="train_outcome").options
    at.radio(key="train_outcome").set_value(choices[1]).run()
    table = next(t.value for t in at.table if t.value.index.name == "Reason for ending")
    assert (table.drop(index="completed")["Counts as dropout"] == "yes").all()


def test_a_chosen_version_is_in_use_in_the_sidebar_and_rollback_restores_the_bundled_one(models_dir):
    before = Registry(models_dir).in_use()
    at = _trained(models_dir)
    choices = [b for b in at.button if (b.key or "").startswith("promote_") and not b.disabled]
    choice = next((b for b in choices if "recommended" in b.label), choices[0])  # kept in use: choose one anyway
    choice.click().run()
    assert not at.exception
    in_use = Registry(models_dir).in_use()
    assert in_use != before
    assert in_use in _sidebar_text(at) and "CDISC Pilot 01" in _sidebar_text(at)
    assert "real" in _sidebar_text(at).lower()
    at.button(key="rollback_version").click().run()
    assert not at.exception
    assert Registry(models_dir).in_use() == before
    assert before in _sidebar_text(at)


def test_a_history_too_small_to_learn_from_is_refused_in_words_and_saves_nothing(models_dir, monkeypatch):
    monkeypatch.setattr(landmark_data, "MIN_PATIENTS", 10_000)  # the real trial has 254
    count = len(Registry(models_dir).versions())
    at = _trained(models_dir)
    refusals = [shown(w.value) for w in at.warning]
    assert any("at least 10000 are needed" in text for text in refusals), refusals
    assert len(Registry(models_dir).versions()) == count


def test_a_coordinator_sees_the_versions_but_may_neither_train_nor_promote(team, models_dir):
    at = sign_in("cleo", TEAM["cleo"][1]).switch_page(PAGE_FILES["train"]).run()
    at.radio(key="train_source").set_value(DEMO).run()
    assert not at.exception
    assert not [b for b in at.button if b.key in ("train_start", "promote_version", "rollback_version")]
    assert refusal(TRAIN, "cleo", "coordinator") in [shown(w.value) for w in at.warning]
    assert Registry(models_dir).in_use() in list(at.dataframe[0].value["Version"])
