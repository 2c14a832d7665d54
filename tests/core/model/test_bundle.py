"""core.model: the bundle loads only when its SHA-256 matches the card."""

from __future__ import annotations

import json
import re
import shutil

import joblib
import numpy as np
import pytest

from core.model.bundle import ModelIntegrityError, load_bundle, sha256_of_file
from core.paths import MODEL_CARD_PATH, MODEL_PATH


def test_bundled_model_matches_its_card():
    card = json.loads(MODEL_CARD_PATH.read_text())
    assert sha256_of_file(MODEL_PATH) == card["model_sha256"]
    assert card["model_version"].endswith(card["model_sha256"][:8])


def test_tampered_model_file_is_refused(tmp_path):
    model = tmp_path / "model.joblib"
    card = tmp_path / "model_card.json"
    shutil.copy(MODEL_PATH, model)
    shutil.copy(MODEL_CARD_PATH, card)
    load_bundle(model, card)  # the untouched copy loads
    with open(model, "ab") as handle:
        handle.write(b"\x00")
    with pytest.raises(ModelIntegrityError, match="does not match its model card"):
        load_bundle(model, card)


def test_card_with_wrong_hash_is_refused(tmp_path):
    model = tmp_path / "model.joblib"
    card = tmp_path / "model_card.json"
    shutil.copy(MODEL_PATH, model)
    content = json.loads(MODEL_CARD_PATH.read_text())
    content["model_sha256"] = "0" * 64
    card.write_text(json.dumps(content))
    with pytest.raises(ModelIntegrityError):
        load_bundle(model, card)


def test_predictions_are_probabilities(bundle, demo_result):
    p = bundle.predict(demo_result.valid)
    assert p.shape == (len(demo_result.valid),)
    assert np.all((p > 0) & (p < 1))


SUBSET = ["days_since_last_visit", "treatment_group", "adverse_events_per_30_days", "age"]
OWN_LEVELS = {"treatment_group": ["Placebo", "Control", "Active"]}  # another level order than the contract's


@pytest.fixture(scope="module")
def subset_bundle_dir(tmp_path_factory):
    """A LightGBM model on four of the table's features (its own level order), written as a bundle."""
    import lightgbm as lgb

    from core.model.features import build_features
    from core.reading.contract import CONTRACT
    from core.reading.validation import load_cohort
    from core.training.synthetic_world import TRAINING_TRIALS, simulate
    from tests.conftest import csv_bytes

    world = simulate(TRAINING_TRIALS, seed=11, id_prefix="S").sample(4000, random_state=0)
    valid = load_cohort(csv_bytes(world), "world.csv", CONTRACT).valid
    X = build_features(valid, SUBSET, OWN_LEVELS)
    data = lgb.Dataset(
        X.to_numpy(),
        valid["dropout"].astype(int).to_numpy(),
        feature_name=SUBSET,
        categorical_feature=[SUBSET.index("treatment_group")],
    )
    booster = lgb.train({"objective": "binary", "num_leaves": 7, "verbose": -1, "seed": 1}, data, num_boost_round=30)
    folder = tmp_path_factory.mktemp("subset")
    joblib.dump(booster, folder / "model.joblib")
    card = json.loads(MODEL_CARD_PATH.read_text())
    card.update(
        model_sha256=sha256_of_file(folder / "model.joblib"),
        model_version="test+subset",
        features=[{"name": n, "description": n} for n in SUBSET],
        category_levels=OWN_LEVELS,
    )
    (folder / "model_card.json").write_text(json.dumps(card))
    return folder


def test_a_bundle_with_other_features_scores_and_explains_itself(subset_bundle_dir, demo_result):
    from core.decisions.bands import FACTORY_BANDS
    from core.model.explain import explain, reasons, topic_contributions
    from core.scoring.scores import score_frame

    bundle = load_bundle(subset_bundle_dir / "model.joblib", subset_bundle_dir / "model_card.json")
    assert bundle.feature_names == SUBSET
    assert bundle.contract["treatment_group"].levels == ("Placebo", "Control", "Active")
    valid = demo_result.valid.head(200)
    features = bundle.features(valid)
    assert list(features.columns) == SUBSET
    np.testing.assert_allclose(bundle.predict(valid), bundle.model.booster.predict(features.to_numpy()))

    explanation = explain(bundle, valid)
    log_odds = explanation.base_value + explanation.contributions.sum(axis=1).to_numpy()
    np.testing.assert_allclose(1 / (1 + np.exp(-log_odds)), bundle.predict(valid), rtol=1e-9)
    assert set(topic_contributions(explanation).columns) == {"visit_gap", "treatment_group", "adverse_events", "age"}
    words = [w for row in reasons(valid, explanation, 3) for w in row]
    others = re.compile(r"^\d+ visits? attended|^Day \d+ of the trial|^Phase|^Gender")  # topics this model lacks
    assert words and [w for w in words if others.search(w)] == []
    scored = score_frame(valid, bundle, FACTORY_BANDS, 0.3, with_reasons=True)
    assert scored["reason_1"].str.endswith("risk").all()


def test_a_bundle_asking_for_an_unknown_feature_is_refused(subset_bundle_dir, tmp_path):
    card = json.loads((subset_bundle_dir / "model_card.json").read_text())
    card["features"][0]["name"] = "shoe_size"
    shutil.copy(subset_bundle_dir / "model.joblib", tmp_path / "model.joblib")
    (tmp_path / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(ModelIntegrityError, match="different features"):
        load_bundle(tmp_path / "model.joblib", tmp_path / "model_card.json")


def test_a_swapped_model_with_a_matching_card_is_refused_when_the_deployment_pins_a_hash(tiny_model_dir):
    """The card lies beside the model: swap both and the card check passes; the pinned hash does not."""
    approved = sha256_of_file(MODEL_PATH)
    load_bundle(MODEL_PATH, MODEL_CARD_PATH, approved)  # the approved model loads under its pin
    swapped_model, swapped_card = tiny_model_dir / "model.joblib", tiny_model_dir / "model_card.json"
    assert load_bundle(swapped_model, swapped_card).sha256 != approved  # consistent with its own card
    with pytest.raises(ModelIntegrityError, match="not the one this installation accepts"):
        load_bundle(swapped_model, swapped_card, approved)
