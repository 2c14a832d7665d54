"""Where the project's files live, from one root. Constants only: nothing here reads the environment."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
MODELS_DIR = ROOT / "models"
DEFAULT_LOG_DIR = ROOT / "logs"
SECRETS_PATH = ROOT / ".streamlit" / "secrets.toml"
README_PATH = ROOT / "README.md"

MODEL_FILE = "model.joblib"
MODEL_CARD_FILE = "model_card.json"
HOLDOUT_FILE = "holdout_scored.csv"
PREDICTIONS_FILE = "cv_predictions.csv"  # a trial-trained version's cross-validated predictions
BUNDLED_MODEL_DIR = MODELS_DIR / "bundled"  # the generic model that ships with the product (models/registry.json)
MODEL_PATH = BUNDLED_MODEL_DIR / MODEL_FILE
MODEL_CARD_PATH = BUNDLED_MODEL_DIR / MODEL_CARD_FILE
HOLDOUT_PATH = BUNDLED_MODEL_DIR / HOLDOUT_FILE

TRAINING_DATA_PATH = DATA_DIR / "training_history.csv"
DEMO_COHORT_PATH = DATA_DIR / "demo_cohort.csv"
