"""Nested cross-validation: every figure reported is for patients the model, its settings and its
calibration never saw.

Outer folds hold out whole sites (or patients). Inside each outer training part, inner folds (again
whole groups) score every candidate; the best of each family by log loss is fitted on the whole outer
training part, and its Platt calibration is fitted on its own inner out-of-fold predictions. The family
is chosen there too (lowest inner log loss; ``SELECTED`` holds what each outer fold chose). The
held-out outer fold is scored once, at the very end. Nothing reported is used to choose anything.
Rows carry censoring weights (``Design.w``) in every fit, calibration and loss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import log_loss

from core.model.predictors import Calibration, Predictor, fit_calibration, sigmoid
from core.training.candidates import CANDIDATES, FAMILIES, Candidate, fit
from core.training.folds import assign_folds

INNER_FOLDS = 3
SELECTED = "selected_family"  # the family each outer fold chose (nested choice of family)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Chosen:
    """One family's choice on some training rows: the candidate, and the calibration for its log-odds."""

    candidate: Candidate
    calibration: Calibration
    inner_log_loss: float


@dataclass
class Design:
    """The training rows: features (float64, categories as codes), outcome, the fold group of each row."""

    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    feature_names: list[str]
    levels: dict[str, list[str]]
    w: np.ndarray | None = None  # censoring weights (None: every row counts once)

    def weight(self, rows: np.ndarray) -> np.ndarray | None:
        return None if self.w is None else self.w[rows]

    def fit(self, candidate: Candidate, rows: np.ndarray) -> Predictor:
        return fit(candidate, self.X[rows], self.y[rows], self.feature_names, self.levels, self.weight(rows))


def _candidates(families: tuple[str, ...]) -> list[Candidate]:
    return [c for c in CANDIDATES if c.family in families]


def _inner_log_odds(design: Design, rows: np.ndarray, seed: int, families: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Out-of-fold log-odds of every candidate on ``rows`` (inner folds of whole groups)."""
    folds = assign_folds(design.groups[rows], INNER_FOLDS, seed)
    out = {c.name: np.zeros(len(rows)) for c in _candidates(families)}
    for k in range(INNER_FOLDS):
        train, test = rows[folds != k], rows[folds == k]
        if len(np.unique(design.y[train])) < 2 or not len(test):
            continue
        for candidate in _candidates(families):
            out[candidate.name][folds == k] = design.fit(candidate, train).log_odds(design.X[test])
    return out


def choose(design: Design, rows: np.ndarray, seed: int, families: tuple[str, ...] = FAMILIES) -> dict[str, Chosen]:
    """Each family's best candidate on ``rows`` by inner cross-validated log loss, with its calibration."""
    inner = _inner_log_odds(design, rows, seed, families)
    y, weight = design.y[rows], design.weight(rows)
    best: dict[str, Chosen] = {}
    for candidate in _candidates(families):
        calibration = fit_calibration(inner[candidate.name], y, weight)
        probability = sigmoid(calibration.apply(inner[candidate.name]))
        loss = float(log_loss(y, probability, labels=[0, 1], sample_weight=weight))
        current = best.get(candidate.family)
        if current is None or loss < current.inner_log_loss:
            best[candidate.family] = Chosen(candidate, calibration, loss)
    return best


@dataclass
class OutOfFold:
    """Out-of-fold probabilities per family (averaged over repeats), and what each outer fold chose."""

    probability: dict[str, np.ndarray]
    choices: list[dict[str, str]]


def nested_out_of_fold(
    design: Design,
    n_folds: int,
    repeats: int,
    progress: Progress,
    train_share: float = 1.0,
    families: tuple[str, ...] = FAMILIES,
) -> OutOfFold:
    """Nested cross-validated probabilities for every row, for each family.

    ``train_share`` below 1 keeps only that share of each outer training part's groups (a learning curve:
    what fewer patients would have given), scored on the same held-out folds.
    """
    total = {family: np.zeros(len(design.y)) for family in (*families, SELECTED)}
    choices = []
    for repeat in range(repeats):
        folds = assign_folds(design.groups, n_folds, seed=1000 + repeat)
        for k in range(n_folds):
            progress(f"repeat {repeat + 1} of {repeats}, fold {k + 1} of {n_folds}")
            train = np.flatnonzero(folds != k)
            test = np.flatnonzero(folds == k)
            if train_share < 1.0:
                train = _share_of_groups(design.groups, train, train_share, seed=repeat * 100 + k)
            chosen = choose(design, train, seed=repeat * 100 + k, families=families)
            selected = best_family(chosen)
            choices.append({family: c.candidate.name for family, c in chosen.items()} | {"family": selected})
            for family, pick in chosen.items():
                model = design.fit(pick.candidate, train)
                fold_probability = sigmoid(pick.calibration.apply(model.log_odds(design.X[test])))
                total[family][test] += fold_probability
                if family == selected:
                    total[SELECTED][test] += fold_probability
    return OutOfFold({family: values / repeats for family, values in total.items()}, choices)


def best_family(chosen: dict[str, Chosen]) -> str:
    """The family whose chosen candidate has the lowest inner cross-validated log loss: the choice of family
    is made the same way inside each outer fold and on every patient, so the outer figure of ``SELECTED``
    is the honest figure of the whole procedure (choosing the higher of two reported figures is not)."""
    return min(chosen, key=lambda family: chosen[family].inner_log_loss)


def _share_of_groups(groups: np.ndarray, rows: np.ndarray, share: float, seed: int) -> np.ndarray:
    names = np.unique(groups[rows])
    keep = np.random.default_rng(seed).permutation(names)[: max(2, int(round(len(names) * share)))]
    return rows[np.isin(groups[rows], keep)]


def fixed_out_of_fold(design: Design, candidate: Candidate, n_folds: int, repeats: int) -> np.ndarray:
    """Out-of-fold probabilities of one fixed model (the baseline): nothing is chosen, nothing calibrated."""
    total = np.zeros(len(design.y))
    for repeat in range(repeats):
        folds = assign_folds(design.groups, n_folds, seed=1000 + repeat)
        for k in range(n_folds):
            train, test = np.flatnonzero(folds != k), folds == k
            total[test] += design.fit(candidate, train).probability(design.X[test])
    return total / repeats
