"""The model in use is compared only on patients it never trained on, matched by the card, not by file bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.history.export import to_csv_files
from core.history.interim import history_cut_at
from core.history.reader import files_sha256, history_files, read_history
from core.model.bundle import load_bundle
from core.paths import MODEL_CARD_FILE, MODEL_FILE
from core.training.in_use_scores import trained_on_same_history
from core.training.training_patients import MIN_UNSEEN_PATIENTS, patient_hashes, seen_in_training
from core.training.trial_training import TrainingSource, train_history
from core.training.trial_versions import write_version

from .conftest import QUICK

CTN0030 = Path(__file__).parents[3] / "data" / "ctn0030"


def _changed(files: dict[str, bytes]) -> dict[str, bytes]:
    """The same tables with one byte more (a trailing newline) and every file renamed."""
    return {f"export_{name}": data + (b"\n" if name.startswith("subjects") else b"") for name, data in files.items()}


def _train(files: dict[str, bytes], trial: str, in_use=None):
    history = read_history(files)
    return history, train_history(
        history, TrainingSource(trial, tuple(sorted(files)), files_sha256(files)), QUICK, in_use
    )


@pytest.fixture(scope="module")
def earlier_version(tmp_path_factory):
    """A version trained on an earlier export of CTN-0030 (cut half-way through enrolment), loaded as in use."""
    full = read_history(history_files(CTN0030))
    middle = full.subjects["enrolment_date"].sort_values().iloc[len(full.subjects) // 2]
    earlier_files = to_csv_files(history_cut_at(full, middle))
    _, run = _train(earlier_files, "CTN-0030 interim")
    folder = tmp_path_factory.mktemp("earlier")
    write_version(run, "logistic_regression", folder)
    return earlier_files, set(run.data.patients), load_bundle(folder / MODEL_FILE, folder / MODEL_CARD_FILE)


def test_the_card_names_no_patient_but_recognises_each(earlier_version):
    _, trained, bundle = earlier_version
    record = bundle.card["training_patients"]
    assert record["patients"] == len(trained) and not set(record["hashes"]) & trained
    ids = np.array(sorted(trained) + ["CTN30-99999"])
    seen = seen_in_training(bundle.card, ids)
    assert seen is not None and seen[:-1].all() and not seen[-1]
    assert patient_hashes(["CTN30-00002"], "a") != patient_hashes(["CTN30-00002"], "b")  # the salt is the version's


def test_a_later_export_renamed_and_changed_never_scores_the_model_in_use_on_its_training_patients(earlier_version):
    _, trained, bundle = earlier_version
    _, run = _train(_changed(history_files(CTN0030)), "CTN-0030", bundle)
    in_use = run.probability["model_in_use"]
    own = np.isin(run.data.patients, list(trained))
    assert own.any() and np.isnan(in_use[own]).all()
    assert np.isfinite(in_use[~own]).sum() > 0
    assert run.model_in_use["patients_it_trained_on_left_out"] == len(trained & set(run.data.patients))
    assert run.model_in_use["patients_scored"] >= MIN_UNSEEN_PATIENTS
    assert run.recommendation["compared_with_in_use"]


def test_the_same_export_with_one_byte_changed_is_not_compared_and_says_why(earlier_version):
    earlier_files, _, bundle = earlier_version
    _, run = _train(_changed(earlier_files), "CTN-0030 interim again", bundle)
    assert np.isnan(run.probability["model_in_use"]).all()
    assert (
        "never trained on" in run.model_in_use["left_out"] and str(MIN_UNSEEN_PATIENTS) in run.model_in_use["left_out"]
    )
    assert not run.recommendation["compared_with_in_use"] and not run.recommendation["keep_in_use"]
    assert "compared fairly" in run.recommendation["words"]
    assert not any(key.endswith("_minus_model_in_use") for key in run.comparisons)


def test_a_card_that_does_not_name_its_patients_cannot_say_who_it_saw_unless_synthetic(earlier_version):
    earlier_files, _, bundle = earlier_version
    card = {k: v for k, v in bundle.card.items() if k != "training_patients"}
    assert seen_in_training(card, np.array(["x"])) is None  # then only other files altogether are compared
    assert trained_on_same_history(bundle, files_sha256(earlier_files))
    synthetic = seen_in_training({"training_data": {"synthetic": True}}, np.array(["x"]))
    assert synthetic is not None and synthetic.tolist() == [False]
