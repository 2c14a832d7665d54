"""One patient's curve of staying under a time-to-dropout model: 1 at week 0, never rising, equal to 1 - the chance
within N weeks that scores give at each horizon and to 1 - the chance of dropping out at the planned end, blanks
averaged alike; no curve for a landmark model."""

from __future__ import annotations

import numpy as np
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.model.whatif import validate_patient
from core.scoring.scores import score_frame
from core.scoring.survival import survival_curve
from tests.core.training.conftest import small_run, small_trial
from tests.time_version import time_registry

__all__ = ["small_run", "small_trial"]
PATIENT = {
    "patient_id": "C-1",
    "age": 64,
    "gender": "Male",
    "treatment_group": "Placebo",
    "days_in_trial": 49,
    "visits_completed": 3,
    "last_visit_day": 42,
    "adverse_events": 2,
}


@pytest.fixture(scope="module")
def time_bundle(small_run, tmp_path_factory):
    return time_registry(small_run, tmp_path_factory.mktemp("curve") / "models").load()


@pytest.mark.parametrize("missed", [1, None])  # None: a blank input, averaged over the training rows
def test_the_curve_is_the_scores_chances_week_by_week(time_bundle, missed):
    patient = validate_patient({**PATIENT, "visits_missed": missed}, time_bundle.contract).valid
    scores = score_frame(patient, time_bundle, FACTORY_BANDS).iloc[0]
    curve = survival_curve(time_bundle, patient)
    assert curve is not None and curve.weeks[0] == 0 and curve.still_in[0] == 1.0
    assert np.all(np.diff(curve.still_in) <= 1e-12)
    for weeks in time_bundle.horizons:
        assert curve.still_in[weeks] == pytest.approx(1 - scores[f"chance_within_{weeks}_weeks"])
    planned = time_bundle.model.planned_days
    assert curve.planned_end_week == int(np.ceil((planned - PATIENT["days_in_trial"]) / 7))
    assert curve.still_in[curve.planned_end_week] == pytest.approx(1 - scores["probability"])
    assert len(curve.weeks) == max(curve.planned_end_week, *time_bundle.horizons) + 1


def test_a_landmark_model_has_no_curve(bundle):
    patient = validate_patient({**PATIENT, "treatment_group": "Active", "trial_phase": "Phase II"}, bundle.contract)
    assert survival_curve(bundle, patient.valid) is None
