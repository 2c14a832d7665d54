"""Paths and the defaults users may change: costs, bands, actions, thresholds, limits.

Every page and every core module reads these from here; nothing copies them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.settings import Setting, read_secrets, resolve_bands, resolve_number

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
MODELS_DIR = ROOT / "models"

MODEL_PATH = MODELS_DIR / "model.joblib"
MODEL_CARD_PATH = MODELS_DIR / "model_card.json"
HOLDOUT_PATH = MODELS_DIR / "holdout_scored.csv"
TRAINING_DATA_PATH = DATA_DIR / "training_history.csv"
SECRETS_PATH = ROOT / ".streamlit" / "secrets.toml"
LOG_DIR = Path(os.environ.get("RRADAR_LOG_DIR", str(ROOT / "logs")))
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


# Highest band first; the last band's lower bound is 0. These are the factory defaults; a
# deployment may override them (see core/settings.py); training always uses the factory values.
FACTORY_BANDS: tuple[RiskBand, ...] = (
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


FACTORY_COSTS = CostSettings()
FACTORY_REFERENCE_THRESHOLD = 0.50
FACTORY_MAX_UPLOAD_MB = 200  # also the ceiling in .streamlit/config.toml (server.maxUploadSize)
TOP_REASONS = 3

# Bounds on what a file may hold: beyond them it is refused with a message, before it can exhaust memory.
MAX_ROWS = 1_000_000
MAX_COLUMNS = 500
MAX_CELL_CHARS = 10_000
MAX_XLSX_UNCOMPRESSED_MB = 1_000
MAX_XLSX_COMPRESSION_RATIO = 200


def _settings_in_force() -> tuple[tuple[RiskBand, ...], CostSettings, float, int, list[Setting]]:
    env, secrets = os.environ, read_secrets(SECRETS_PATH)
    costs = [
        resolve_number("intervention_cost", FACTORY_COSTS.intervention_cost, env, secrets),
        resolve_number("dropout_cost", FACTORY_COSTS.dropout_cost, env, secrets),
        resolve_number("effectiveness", FACTORY_COSTS.effectiveness, env, secrets, 0.0, 1.0),
    ]
    reference = resolve_number("reference_threshold", FACTORY_REFERENCE_THRESHOLD, env, secrets, 0.0, 1.0)
    upload = resolve_number("max_upload_mb", FACTORY_MAX_UPLOAD_MB, env, secrets, 1.0, FACTORY_MAX_UPLOAD_MB)
    bands, band_notes = resolve_bands(FACTORY_BANDS, env, secrets)
    in_force = [*costs, reference, upload, *band_notes]
    return bands, CostSettings(*(c.value for c in costs)), reference.value, int(upload.value), in_force


# The values in force for this process (factory defaults unless overridden).
RISK_BANDS, DEFAULT_COSTS, REFERENCE_THRESHOLD, MAX_UPLOAD_MB, SETTINGS_IN_FORCE = _settings_in_force()
