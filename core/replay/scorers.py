"""Who scores the patients in a replayed week: any trainer that, given the history as it stood on a day, returns
a fitted scorer.

A ``Trainer`` is called with the cut history (``core.replay.cut``) and the day, and returns a ``ModelBundle``
(scored through the product's one scoring path) or None when it cannot learn from that history yet. The
product's own trainer (``trial_trainer``) is today's trial training: the landmark rows, each family's
candidate chosen by inner cross-validation on the rows known that day, the family with the lower inner log
loss, calibrated inside its folds. Before the trial can train a model, the replay scores with the model the
product would have used: the model in use when it was learned elsewhere, else the bundled one
(``fallback_model``), never a model trained on this trial's own later outcomes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.model import coverage, gaps
from core.model.bundle import ModelBundle, load_bundle
from core.model.features import feature_specs
from core.model.registry import Registry, RegistryError
from core.paths import MODEL_CARD_PATH, MODEL_PATH
from core.training.bundled_model import decision_section
from core.training.candidates import FAMILIES
from core.training.cross_validation import choose
from core.training.hazard_cv import best_fit, fit_chosen, informative
from core.training.landmark_data import TrainingRefused, landmark_data
from core.training.person_period import person_periods
from core.training.time_family import time_card_section
from core.training.trial_training import FINAL_SEED, design_of, final_model

Trainer = Callable[[TrialHistory, pd.Timestamp], ModelBundle | None]


def fallback_model(registry: Registry | None = None) -> ModelBundle:
    """The model a trial too young to train on is scored with: the model in use if it learned from synthetic
    data (it knows nothing of this trial's outcomes), else the bundled model."""
    if registry is not None:
        try:
            in_use = registry.load()
        except (RegistryError, OSError):
            in_use = None
        if in_use is not None and in_use.synthetic:
            return in_use
    return load_bundle(MODEL_PATH, MODEL_CARD_PATH)


def _card(name: str, data_names: list[str], levels: dict, sample: list, covers: dict, threshold: float) -> dict:
    """What scoring reads from a card: features, levels, the days covered, blanks' sample, default threshold."""
    return {
        "model_version": name,
        "model_sha256": hashlib.sha256(name.encode()).hexdigest(),
        "features": [{"name": f.name, "description": f.description} for f in feature_specs(data_names)],
        "category_levels": levels,
        "training_data": {"synthetic": False, "origin": "real"},
        "input_sample": {"rows": sample},
        "covers": covers,
        "decision": {"default_threshold": threshold},
    }


def trial_trainer(
    costs: CostSettings = FACTORY_COSTS,
    families: tuple[str, ...] = FAMILIES,
    outcome: OutcomeDefinition = DEFAULT_OUTCOME,
) -> Trainer:
    """Today's trial training on the history known on the day (None while the history is too small); ``outcome``
    says what counts as dropout, as on the Train page."""

    def train(cut: TrialHistory, day: pd.Timestamp) -> ModelBundle | None:
        try:
            data = landmark_data(cut, outcome=outcome)
        except TrainingRefused:
            return None
        design = design_of(data, data.feature_names)
        chosen = choose(design, np.arange(len(design.y)), seed=FINAL_SEED, families=families)
        family = min(chosen, key=lambda name: chosen[name].inner_log_loss)
        model = final_model(design, chosen[family])
        # The default threshold: lowest program cost on the training rows (calibrated inside the folds).
        threshold = decision_section(model.probability(design.X), design.y, costs)["default_threshold"]
        covers = coverage.covers_section(data.valid["days_in_trial"], sorted(np.unique(data.landmark_days)))
        name = f"trained on {pd.Timestamp(day).date()} ({family})"
        card = _card(name, data.feature_names, data.levels, gaps.sample_rows(data.features), covers, threshold)
        return ModelBundle(model=model, card=card)

    return train


def time_trainer(costs: CostSettings = FACTORY_COSTS, outcome: OutcomeDefinition = DEFAULT_OUTCOME) -> Trainer:
    """The time-to-dropout family on the history known on the day (None while the history is too small to train
    a trial model): every week of every patient from day 1, the hazard family with the lower inner log loss."""

    def train(cut: TrialHistory, day: pd.Timestamp) -> ModelBundle | None:
        try:
            data = landmark_data(cut, outcome=outcome)  # the same refusal as the trial's own training
        except TrainingRefused:
            return None
        periods = person_periods(cut, "", outcome, data.feature_names, data.levels)
        names = informative(periods)
        if periods.left.sum() < 2:
            return None
        fitted = best_fit(fit_chosen(periods, np.arange(len(periods)), names, seed=FINAL_SEED, levels=data.levels))
        model = fitted.model
        X = data.features[names].to_numpy(dtype=float)
        threshold = decision_section(model.probability(X), data.y, costs)["default_threshold"]
        section = time_card_section(model, data.landmark_days)
        name = f"trained on {pd.Timestamp(day).date()} (time to dropout, {fitted.family})"
        levels = {n: v for n, v in data.levels.items() if n in names}
        card = _card(name, names, levels, gaps.sample_rows(data.features[names]), section["covers"], threshold)
        return ModelBundle(model=model, card=card | {"time_to_dropout": section["time_to_dropout"]})

    return train
