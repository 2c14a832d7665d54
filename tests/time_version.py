"""A time-to-dropout version for tests: trained on the small simulated trial (``tests.core.training.conftest``),
registered beside the LightGBM and logistic versions in a copy of the registry, and put in use; and a week's list
of that trial's own patients to score with it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.model.registry import Registry
from core.training.time_family import TIME
from core.training.trial_training import TrainingRun
from core.training.trial_versions import register_versions
from tests.core.training.conftest import copy_registry

WEEK_COLUMNS = ("patient_id", "site_id", "age", "gender", "treatment_group", "trial_phase", "days_in_trial")


def time_registry(run: TrainingRun, folder: Path) -> Registry:
    """A copy of the registry with ``run``'s three versions, the time-to-dropout one in use."""
    registry = Registry(copy_registry(folder))
    registry.promote(register_versions(run, registry)[TIME], "test")
    return registry


def trial_week(run: TrainingRun, patients: int = 120) -> pd.DataFrame:
    """The trial's own patients as a weekly file (each as on their last landmark day: days 28 to 84), as text cells."""
    rows = run.data.valid.drop_duplicates("patient_id", keep="last").head(patients)
    frame = rows[list(WEEK_COLUMNS)].assign(
        visits_completed=rows["visits_completed"], last_visit_day=rows["last_visit_day"], adverse_events=0
    )
    return frame.astype(str).replace("nan", "")
