"""Paths and the defaults users may change: costs, bands, actions, thresholds, limits.

Every page and every core module reads these from here; nothing copies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
MODELS_DIR = ROOT / "models"

MODEL_PATH = MODELS_DIR / "model.joblib"
MODEL_CARD_PATH = MODELS_DIR / "model_card.json"
HOLDOUT_PATH = MODELS_DIR / "holdout_scored.csv"
TRAINING_DATA_PATH = DATA_DIR / "training_history.csv"
DEMO_COHORT_PATH = DATA_DIR / "demo_cohort.csv"

# --- the input contract (DESIGN.md section 2) ---
ID_COLUMN = "patient_id"
SITE_COLUMN = "site_id"
OUTCOME_COLUMN = "dropout"
INTEGER_COLUMNS = (
    "age",
    "days_in_trial",
    "visits_completed",
    "last_visit_day",
    "adverse_events",
)
CATEGORY_LEVELS: dict[str, tuple[str, ...]] = {
    "gender": ("Male", "Female", "Other"),
    "treatment_group": ("Active", "Control", "Placebo"),
    "trial_phase": ("Phase I", "Phase II", "Phase III"),
}
REQUIRED_COLUMNS = (
    ID_COLUMN,
    "age",
    "gender",
    "treatment_group",
    "trial_phase",
    "days_in_trial",
    "visits_completed",
    "last_visit_day",
    "adverse_events",
)
# Inclusive ranges; None means no upper bound. last_visit_day is also checked against days_in_trial.
INTEGER_RANGES: dict[str, tuple[int, int | None]] = {
    "age": (18, 100),
    "days_in_trial": (1, 2000),
    "visits_completed": (0, None),
    "last_visit_day": (0, 2000),
    "adverse_events": (0, None),
}


@dataclass(frozen=True)
class RiskBand:
    """A band on the dropout probability with the outreach it calls for."""

    name: str
    lower: float  # probability at or above which the band starts
    action: str
    action_cost: float  # dollars per patient
    colour: str


# Highest band first; the last band's lower bound is 0.
RISK_BANDS: tuple[RiskBand, ...] = (
    RiskBand("Critical", 0.75, "Retention team visit", 500.0, "#b2182b"),
    RiskBand("High", 0.55, "Nurse or physician call", 150.0, "#ef8a62"),
    RiskBand("Medium", 0.35, "Proactive phone or telehealth check-in", 45.0, "#f4c542"),
    RiskBand("Low", 0.0, "Automated reminder", 0.50, "#67a9cf"),
)


@dataclass(frozen=True)
class CostSettings:
    """Dollar costs of the retention program and the assumed intervention effect."""

    intervention_cost: float = 500.0  # C_i, dollars per flagged patient
    dropout_cost: float = 5000.0  # C_d, dollars per lost patient (replacement)
    effectiveness: float = 1.0  # e, share of would-be dropouts an intervention retains


DEFAULT_COSTS = CostSettings()
REFERENCE_THRESHOLD = 0.50
TOP_REASONS = 3

# Upload limits (megabytes, rows); the app refuses larger files with a message.
MAX_UPLOAD_MB = 200
MAX_ROWS = 1_000_000
