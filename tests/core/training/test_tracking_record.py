"""core.training.tracking_record: what a model card gives MLflow (parameters, metrics, tags), whatever the card holds."""

from __future__ import annotations

import json

from core.paths import MODEL_CARD_PATH
from core.training.tracking_record import run_record


def trial_card() -> dict:
    """A card as a version trained on a trial writes it: cross-validated figures under ``evaluation``."""
    return {
        "model_version": "trial-ABC-301+1a2b3c4d",
        "model_sha256": "ab" * 32,
        "model_kind": "lightgbm",
        "code_version": "1.2.0+g5e6f7a8",
        "origin": "Real",
        "trial": "ABC-301",
        "training_data": {"sha256": "cd" * 32, "patients": 812},
        "features": [{"name": "age"}, {"name": "days_since_last_visit"}],
        "hyperparameters": {"learning_rate": 0.05, "monotone": {"age": 0}},
        "evaluation": {
            "folds": 5,
            "repeats": 3,
            "grouped_by": "site_id",
            "landmark_scheme": {"step_days": 28, "days": [28, 56]},
            "metrics": {
                "roc_auc": {"value": 0.71, "ci95": [0.66, 0.75]},
                "pr_auc": {"value": 0.42, "ci95": [0.36, 0.49]},
                "brier": {"value": 0.16, "low": 0.15, "high": 0.18},
                "calibration_error": {"value": 0.03, "ci95": [0.02, 0.05]},
                "n": 812,
            },
        },
        "by_landmark": {"28": {"roc_auc": {"value": 0.64, "ci95": [0.58, 0.70]}}, "56": {"roc_auc": 0.73}},
        "comparison": {"in_use": {"label": "Bundled model", "summary": {"roc_auc": {"value": 0.66}}}},
    }


def test_a_trial_cards_cross_validated_figures_and_intervals_become_metrics():
    metrics = run_record(trial_card()).metrics
    assert (metrics["roc_auc"], metrics["roc_auc_ci95_low"], metrics["roc_auc_ci95_high"]) == (0.71, 0.66, 0.75)
    assert (metrics["pr_auc"], metrics["pr_auc_ci95_low"]) == (0.42, 0.36)
    assert (metrics["brier_ci95_low"], metrics["brier_ci95_high"]) == (0.15, 0.18)  # low/high keys too
    assert (metrics["ece"], metrics["ece_ci95_high"]) == (0.03, 0.05)  # "calibration_error" in the card
    assert (metrics["day_28_roc_auc"], metrics["day_28_roc_auc_ci95_low"], metrics["day_56_roc_auc"]) == (
        0.64,
        0.58,
        0.73,
    )
    assert metrics["in_use_roc_auc"] == 0.66
    assert "n" not in metrics and "day_56_roc_auc_ci95_low" not in metrics  # only figures the card has


def test_a_trial_cards_settings_become_parameters_and_its_provenance_tags():
    record = run_record(trial_card())
    assert (record.experiment, record.run_name) == ("ABC-301", "trial-ABC-301+1a2b3c4d")
    params = record.params
    assert (params["model_kind"], params["evaluated_on"]) == ("lightgbm", "cross-validation")
    assert (params["folds"], params["repeats"], params["grouped_by"]) == ("5", "3", "site_id")
    assert (params["landmark_scheme.step_days"], params["landmark_scheme.days"]) == ("28", "28, 56")
    assert (params["features"], params["feature_count"]) == ("age, days_since_last_visit", "2")
    assert (params["hyperparameters.learning_rate"], params["hyperparameters.monotone.age"]) == ("0.05", "0")
    assert record.tags == {
        "origin": "real",
        "trial": "ABC-301",
        "data_sha256": "cd" * 32,
        "code_version": "1.2.0+g5e6f7a8",
        "model_version": "trial-ABC-301+1a2b3c4d",
        "model_sha256": "ab" * 32,
    }


def test_the_bundled_card_gives_its_held_out_figures_and_baselines():
    card = json.loads(MODEL_CARD_PATH.read_text())
    record = run_record(card)
    test = card["metrics"]["test"]
    assert record.params["evaluated_on"] == "held-out test"
    assert record.metrics["roc_auc"] == test["roc_auc"]["value"]
    assert record.metrics["ece_ci95_low"] == test["ece"]["ci95"][0]
    regression = card["baselines"]["logistic_regression"]
    assert record.metrics["logistic_regression_brier"] == regression["brier"]["value"]
    assert record.tags["origin"] == "synthetic"
    assert record.tags["data_sha256"] == card["training_data"]["sha256"]
    assert record.experiment == "trial-retention-radar"  # the bundled model belongs to no trial
    assert record.params["feature_count"] == str(len(card["features"]))
    assert "folds" not in record.params and "trial" not in record.tags


def test_landmark_days_are_read_from_a_list_when_no_scheme_is_named():
    card = {"training_data": {"synthetic": True}, "metrics": {"by_landmark": [{"day": 60, "roc_auc": 0.7}]}}
    card["comparison"] = [{"label": "Logistic regression", "summary": {"roc_auc": {"value": 0.68}}}]
    record = run_record(card)
    assert record.params["landmark_days"] == "60"
    assert record.tags == {"origin": "synthetic"}
    assert record.metrics == {"day_60_roc_auc": 0.7, "logistic_regression_roc_auc": 0.68}


def test_missing_or_oddly_shaped_parts_are_left_out_not_guessed():
    assert run_record({}).params == {} and run_record({}).metrics == {} and run_record({}).tags == {}
    odd = {
        "training_data": "ABC",
        "evaluation": ["folds"],
        "metrics": ["not", "a", "table"],
        "by_landmark": [{"day": 30, "roc_auc": float("nan")}, "x"],
        "features": "age",
        "comparison": {"": {"roc_auc": 0.5}, "rule": {"roc_auc": True}},
        "model_kind": "lightgbm",
    }
    record = run_record(odd)
    assert record.params == {"model_kind": "lightgbm", "landmark_days": "30"}
    assert record.metrics == {}  # NaN, booleans and nameless entries are no figures
