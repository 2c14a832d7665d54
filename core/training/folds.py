"""Cross-validation folds for landmark rows: whole groups go to one fold, so no patient is ever on both sides.

Every landmark of a patient is one patient's story told at several days; splitting them between the
training and the scoring part would let the model recognise the patient. Folds are made of whole sites
(a new site is what a trial meets), or of whole patients when the trial has fewer than ``MIN_SITES``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_SITES = 5


def group_labels(patients: pd.Series, sites: pd.Series | None) -> tuple[np.ndarray, str]:
    """The unit kept together in a fold (site, or patient when sites are too few) for each row, and its name."""
    if sites is not None and sites.astype(str).nunique() >= MIN_SITES:
        return sites.astype(str).to_numpy(), "site"
    return patients.astype(str).to_numpy(), "patient"


def assign_folds(groups: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """A fold number for each row: groups in an order shuffled by ``seed``, each dealt to the emptiest fold.

    Balancing by rows keeps folds of similar size even when sites differ a lot in size; the shuffle (not
    a fixed largest-first order) is what makes a repeat a different split.
    """
    names, counts = np.unique(groups, return_counts=True)
    order = np.random.default_rng(seed).permutation(len(names))
    load = np.zeros(n_folds)
    fold_of = {}
    for index in order:
        target = int(np.argmin(load))
        fold_of[names[index]] = target
        load[target] += counts[index]
    return np.array([fold_of[g] for g in groups])
