"""Small made-up uploads, scores and contacts for the store tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from core.store import NewUpload

BANDS = np.array(["Low", "Medium", "High"])
MONDAY = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def scores(n: int, seed: int = 0, prefix: str = "P-") -> pd.DataFrame:
    """``n`` patients with ids ``prefix0..``, sites A-D (some unknown), probabilities and flags."""
    rng = np.random.default_rng(seed)
    probability = rng.random(n)
    sites = rng.choice(np.array(["Site A", "Site B", "Site C", "Site D"], dtype=object), n)
    sites[rng.random(n) < 0.05] = None
    return pd.DataFrame(
        {
            "patient_id": [f"{prefix}{i:06d}" for i in range(n)],
            "site_id": sites,
            "probability": probability,
            "risk_band": BANDS[np.digitize(probability, [0.2, 0.5])],
            "flagged": probability >= 0.5,
            "days_in_trial": rng.integers(1, 700, n),
        }
    )


def upload(week: int = 0, scored_by: str = "ana", rows_read: int = 100, **changes) -> NewUpload:
    """An upload scored on the Monday of ``week`` (weeks after 2 November 2026)."""
    fields = {
        "scored_by": scored_by,
        "source_file": f"week{week}.csv",
        "file_sha256": f"{week:02d}" * 32,
        "model_version": "1.0+91b4f930",
        "model_sha256": "ab" * 32,
        "settings": {"threshold": 0.3, "intervention_cost": 500.0, "capacity": None, "plan": "single"},
        "rows_read": rows_read,
        "scored_at": MONDAY + timedelta(weeks=week),
    }
    return NewUpload(**(fields | changes))
