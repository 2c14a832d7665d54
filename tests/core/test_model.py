"""core.model: the bundle loads only when its SHA-256 matches the card."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from core.config import MODEL_CARD_PATH, MODEL_PATH
from core.model import ModelIntegrityError, load_bundle, sha256_of_file


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
