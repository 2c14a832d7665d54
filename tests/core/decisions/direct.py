"""Direct, slow computations the fast curves are checked against (sklearn's confusion matrix)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import confusion_matrix

from core.decisions.costs import CostSettings


def direct_outcome(
    p: np.ndarray, y: np.ndarray, t: float, costs: CostSettings, capacity: int | None = None
) -> dict[str, float]:
    """Counts and dollar costs of flagging p >= t (the ``capacity`` highest at most), the slow way."""
    flagged = p >= t
    if capacity is not None and flagged.sum() > capacity:
        keep = np.argsort(-p, kind="stable")[:capacity]
        flagged = np.zeros_like(flagged)
        flagged[keep] = True
    tn, fp, fn, tp = confusion_matrix(y, flagged.astype(int), labels=[0, 1]).ravel()
    intervention = flagged.sum() * costs.intervention_cost
    dropout = (fn + (1 - costs.effectiveness) * tp) * costs.dropout_cost
    none = y.sum() * costs.dropout_cost
    return {
        "caught": tp,
        "missed": fn,
        "false_alarms": fp,
        "true_negatives": tn,
        "flagged": flagged.sum(),
        "intervention_cost": intervention,
        "dropout_cost": dropout,
        "total_cost": intervention + dropout,
        "savings": none - intervention - dropout,
    }
