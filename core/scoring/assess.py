"""Everything the Patient page shows about one patient, from one validated row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.decisions.bands import RiskBand
from core.model import coverage
from core.model.bundle import ModelBundle
from core.model.explain import explain_features, reasons
from core.model.whatif import Change, actionable_changes
from core.scoring.scores import TOP_REASONS, score_frame

NOT_JUDGED_WHY = "not_judged_why"  # why the model does not judge a patient (outside its days), in words


@dataclass(frozen=True)
class Assessment:
    """One patient's contributions (log-odds), reasons in words and what would lower the risk."""

    contributions: pd.Series  # log-odds per feature
    base_value: float  # log-odds of the average patient
    value_labels: dict[str, str]  # feature -> the patient's value as text
    reasons: list[str]
    changes: list[Change]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def score_patient(bundle: ModelBundle, patient: pd.DataFrame, bands: tuple[RiskBand, ...], threshold: float) -> dict:
    """The score_frame row of a validated one-row frame: probability, band, action, cost, flagged; for a patient
    the model may not judge (too early), no probability and why in words (``NOT_JUDGED_WHY``)."""
    row = score_frame(patient, bundle, bands, threshold).iloc[0].to_dict()
    if pd.isna(row["probability"]):
        row[NOT_JUDGED_WHY] = coverage.reason_words(bundle.card, np.array([row["risk_band"]]), patient).iloc[0]
    return row


def assess_patient(bundle: ModelBundle, patient: pd.DataFrame) -> Assessment:
    """Explain and find actionable changes for a validated one-row frame."""
    features = bundle.features(patient)
    explanation = explain_features(bundle, features)
    row = patient.iloc[0]
    labels = {
        name: str(row[name]) if name in patient.columns else _number(features.iloc[0][name])
        for name in bundle.feature_names
    }
    return Assessment(
        contributions=explanation.contributions.iloc[0],
        base_value=explanation.base_value,
        value_labels=labels,
        reasons=reasons(patient, explanation, TOP_REASONS)[0],
        changes=actionable_changes(bundle, patient),
    )
