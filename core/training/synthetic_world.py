"""Synthetic trial data: a labelled history for training and an unlabelled demo cohort.

``python -m core.cli.synth`` (re)writes ``data/training_history.csv`` and ``data/demo_cohort.csv`` from here.

Landmark semantics: each row is one enrolled patient seen on a snapshot day. The columns hold
only what was known that day; ``dropout`` says whether the patient withdrew afterwards, before
completing. The label is drawn from ``true_risk``, a function of exactly the columns the model
sees, so ``true_risk`` *is* P(dropout | columns) and no model can beat it. Sites and trials
differ in patient mix and adherence, but act on risk only through the observed columns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.history.simulated import PHASE_SCHEDULES
from core.model.features import STANDARD_FEATURES, required_inputs

log = logging.getLogger(__name__)

TARGET_PREVALENCE = 0.25
# Protocol facts per phase: days between scheduled visits, planned length in days.
VISIT_INTERVAL = {phase: interval for phase, (interval, _) in PHASE_SCHEDULES.items()}
TRIAL_LENGTH = {phase: length for phase, (_, length) in PHASE_SCHEDULES.items()}
ARMS = np.array(["Active", "Control", "Placebo"])
GENDERS = np.array(["Male", "Female", "Other"])


@dataclass(frozen=True)
class TrialPlan:
    trial_id: str
    phase: str
    n_sites: int
    patients: int


TRAINING_TRIALS = (
    TrialPlan("TRX-101", "Phase I", 6, 3000),
    TrialPlan("TRX-102", "Phase I", 6, 3000),
    TrialPlan("TRX-201", "Phase II", 8, 6000),
    TrialPlan("TRX-202", "Phase II", 8, 6000),
    TrialPlan("TRX-301", "Phase III", 10, 8000),
    TrialPlan("TRX-302", "Phase III", 10, 8000),
)
DEMO_TRIAL = (
    TrialPlan("TRX-401", "Phase II", 4, 250),
    TrialPlan("TRX-402", "Phase III", 4, 250),
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def risk_logit(frame: pd.DataFrame) -> np.ndarray:
    """The generator's log-odds of dropout, from the contract columns only (no intercept)."""
    phase = frame["trial_phase"].astype(str).to_numpy()
    interval = pd.Series(phase).map(VISIT_INTERVAL).to_numpy(dtype=float)
    length = pd.Series(phase).map(TRIAL_LENGTH).to_numpy(dtype=float)
    days = frame["days_in_trial"].to_numpy(dtype=float)
    age = frame["age"].to_numpy(dtype=float)
    scheduled = np.floor(days / interval)
    adherence = np.where(scheduled >= 1, frame["visits_completed"].to_numpy() / np.maximum(scheduled, 1), 1.0)
    gap_in_intervals = (days - frame["last_visit_day"].to_numpy(dtype=float)) / interval
    ae_per_30d = frame["adverse_events"].to_numpy(dtype=float) * 30.0 / days
    older = (age >= 65).astype(float)
    arm = frame["treatment_group"].astype(str).to_numpy()

    logit = (
        2.4 * _sigmoid(2.5 * (gap_in_intervals - 1.6))  # a missed visit or two: a steep step
        - 2.0 * (np.clip(adherence, 0, 1.2) - 0.85)  # steady attendance protects
        + 1.0 * np.log1p(2.0 * ae_per_30d) * (1.0 + 0.6 * older)  # side effects weigh more when older
        + 0.5 * ((age - 52.0) / 18.0) ** 2
        - 0.25  # young and old drop out more (U-shape)
        + np.select([arm == "Placebo", arm == "Active"], [0.35, 0.10], 0.0)  # lack of effect on placebo
        + 0.35 * (arm == "Placebo") * (days / length > 0.5)  # ...which patients notice later on
        + np.select([phase == "Phase I", phase == "Phase III"], [-0.4, 0.15], 0.0)
        - 1.2 * np.clip(days / length, 0, 1) ** 2  # near the end, few leave
    )
    return logit


def _intercept_for(logit: np.ndarray, prevalence: float) -> float:
    low, high = -10.0, 10.0
    for _ in range(60):
        mid = (low + high) / 2
        if _sigmoid(logit + mid).mean() < prevalence:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _simulate_trial(plan: TrialPlan, rng: np.random.Generator, id_prefix: str) -> pd.DataFrame:
    n = plan.patients
    site_index = rng.integers(0, plan.n_sites, n)
    site_age_shift = rng.normal(0, 7, plan.n_sites)
    site_adherence = rng.beta(9, 2, plan.n_sites)  # sites differ in how well patients keep visits
    site_disengaged = rng.uniform(0.03, 0.20, plan.n_sites)

    age = np.clip(np.round(rng.normal(52 + site_age_shift[site_index], 14)), 18, 90).astype(int)
    gender = GENDERS[rng.choice(3, n, p=[0.48, 0.49, 0.03])]
    arm = ARMS[rng.choice(3, n, p=[0.5, 0.2, 0.3])]
    interval = VISIT_INTERVAL[plan.phase]
    length = TRIAL_LENGTH[plan.phase]
    days = rng.integers(1, length + 1, n)

    # Visit attendance: each scheduled visit attended with the patient's own probability;
    # some patients have disengaged lately and attended none of the visits since then.
    n_scheduled = days // interval
    patient_adherence = np.clip(
        rng.beta(site_adherence[site_index] * 12, (1 - site_adherence[site_index]) * 12)
        - 0.004 * np.maximum(0, 35 - age),
        0.05,
        1.0,
    )
    disengaged_since = np.where(rng.random(n) < site_disengaged[site_index], rng.integers(1, 5, n) * interval, 0)
    max_visits = int(n_scheduled.max())
    visit_day = (np.arange(1, max_visits + 1) * interval)[None, :]
    scheduled = visit_day <= days[:, None]
    recent_gap = visit_day > (days - disengaged_since)[:, None]
    attended = scheduled & ~recent_gap & (rng.random((n, max_visits)) < patient_adherence[:, None])
    visits = attended.sum(axis=1)
    last_visit = np.where(attended, visit_day, 0).max(axis=1)

    ae_rate = np.select([arm == "Active", arm == "Placebo"], [0.35, 0.15], 0.18) * (1 + 0.012 * (age - 50).clip(0))
    adverse_events = rng.poisson(ae_rate * days / 30.0)

    sites = np.array([f"{plan.trial_id}-S{i + 1:02d}" for i in range(plan.n_sites)])
    return pd.DataFrame(
        {
            "patient_id": [f"{id_prefix}{plan.trial_id[-3:]}-{i + 1:05d}" for i in range(n)],
            "trial_id": plan.trial_id,
            "site_id": sites[site_index],
            "age": age,
            "gender": gender,
            "treatment_group": arm,
            "trial_phase": plan.phase,
            "days_in_trial": days,
            "visits_completed": visits,
            "last_visit_day": last_visit,
            "adverse_events": adverse_events,
        }
    )


def simulate(plans: tuple[TrialPlan, ...], seed: int, id_prefix: str, intercept: float | None = None) -> pd.DataFrame:
    """Simulate patients for the given trials; returns the contract columns, true_risk and dropout.

    ``intercept`` fixes the baseline log-odds; when None it is solved so the mean risk is
    TARGET_PREVALENCE (the demo cohort reuses the training intercept, so both share one world).
    """
    rng = np.random.default_rng(seed)
    frame = pd.concat([_simulate_trial(p, rng, id_prefix) for p in plans], ignore_index=True)
    # A generic-model feature reading a column this world does not draw would train on nothing: refuse.
    missing = [name for name in required_inputs(STANDARD_FEATURES) if name not in frame]
    if missing:
        raise ValueError(f"the synthetic world draws no values for {', '.join(missing)}: add them in _simulate_trial")
    logit = risk_logit(frame)
    if intercept is None:
        intercept = _intercept_for(logit, TARGET_PREVALENCE)
    frame["true_risk"] = _sigmoid(logit + intercept).round(6)
    frame["dropout"] = (rng.random(len(frame)) < frame["true_risk"]).astype(int)
    frame.attrs["intercept"] = intercept
    return frame
