"""Inputs left blank, scored honestly: the model's probability averaged over what that input was in training.

A blank age is not age 0, nor the training mean pushed through a tree's default branch: it is any age the
model learned from. For each row with a blank input (a missing cell, an optional column the file lacks,
or a category the model never saw, whose code is missing), the blank inputs are filled from each of a
small sample of training rows in turn and the probabilities averaged. The explanation is averaged the
same way, and the rest of the log-odds (a mean of probabilities is not a mean of log-odds) is put on
the blank inputs themselves, so the contributions still add up exactly to the probability shown.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from core.model.predictors import Predictor


class GivesProbability(Protocol):
    def probability(self, X: np.ndarray) -> np.ndarray: ...


SAMPLE_ROWS = 24  # training rows per blank: enough for a stable average, cheap for a cohort of thousands


def sample_rows(features: pd.DataFrame, k: int = SAMPLE_ROWS, seed: int = 0) -> list[list[float | None]]:
    """Up to ``k`` training rows (feature values, None for blank) spread over the training rows' risk-relevant
    values: rows with no blank first, drawn with a fixed seed so a card is reproducible."""
    complete = features.dropna()
    pool = complete if len(complete) >= k else features
    chosen = pool.sample(min(k, len(pool)), random_state=seed) if len(pool) else pool
    return [[None if pd.isna(v) else float(v) for v in row] for row in chosen.to_numpy(dtype=float)]


def as_array(rows: list[list[float | None]], width: int) -> np.ndarray | None:
    """A stored sample as a float array (None when there is none or it does not fit the model)."""
    if not rows:
        return None
    sample = np.array([[np.nan if v is None else float(v) for v in row] for row in rows], dtype=float)
    return sample if sample.ndim == 2 and sample.shape[1] == width else None


def _expanded(X: np.ndarray, sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with a blank, each repeated once per sample row with its blanks filled from it; and which rows."""
    blank_rows = np.flatnonzero(np.isnan(X).any(axis=1))
    copies = np.repeat(X[blank_rows], len(sample), axis=0)
    filler = np.tile(sample, (len(blank_rows), 1))
    return np.where(np.isnan(copies), filler, copies), blank_rows


def probability(model: GivesProbability, X: np.ndarray, sample: np.ndarray | None) -> np.ndarray:
    """The model's probability; for a row with blanks, its mean over the sample's values of those inputs."""
    X = np.asarray(X, dtype=float)
    out = model.probability(X)
    if sample is None or not np.isnan(X).any():
        return out
    filled, rows = _expanded(X, sample)
    out[rows] = model.probability(filled).reshape(len(rows), len(sample)).mean(axis=1)
    return out


def contributions(model: Predictor, X: np.ndarray, sample: np.ndarray | None) -> tuple[np.ndarray, float]:
    """Per-feature log-odds contributions that add up to the log-odds of ``probability`` (blanks averaged)."""
    X = np.asarray(X, dtype=float)
    values, base = model.contributions(X)
    if sample is None or not np.isnan(X).any():
        return values, base
    filled, rows = _expanded(X, sample)
    averaged, filled_base = model.contributions(filled)
    averaged = averaged.reshape(len(rows), len(sample), X.shape[1]).mean(axis=1) + (filled_base - base)
    p = model.probability(filled).reshape(len(rows), len(sample)).mean(axis=1)
    target = np.log(p / (1 - p))
    rest = target - (base + averaged.sum(axis=1))
    blank = np.isnan(X[rows])
    averaged += blank * (rest / np.maximum(blank.sum(axis=1), 1))[:, None]
    values = values.copy()
    values[rows] = averaged
    return values, base
