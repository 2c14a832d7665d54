"""Score validated patients: probability, band, action, flag and (optionally) reasons in words.

Every page and the command line use ``score_frame``. Command line:

    python -m core.score cohort.csv -o scored.csv [--threshold 0.3]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from core.config import ID_COLUMN, OUTCOME_COLUMN, RISK_BANDS, SITE_COLUMN, TOP_REASONS
from core.decision import band_index
from core.explain import explain_features, reasons
from core.features import build_features
from core.model import ModelBundle, load_bundle
from core.schema import SOURCE_ROW, SchemaError, load_cohort

log = logging.getLogger(__name__)

REASON_COLUMNS = [f"reason_{i + 1}" for i in range(TOP_REASONS)]
SCORE_COLUMNS = ["probability", "risk_band", "recommended_action", "action_cost", "flagged"]


def score_frame(
    valid: pd.DataFrame, bundle: ModelBundle, threshold: float | None = None, with_reasons: bool = False,
    flag: bool = True,
) -> pd.DataFrame:
    """Return ``valid`` with the score columns in front (and reason_1..3 if ``with_reasons``).

    ``probability`` is the dropout probability (0-1); ``flagged`` means probability >= threshold
    (the model card's default when None); ``flag=False`` leaves it out for callers that flag later.
    """
    threshold = bundle.default_threshold if threshold is None else threshold
    features = build_features(valid)
    probability = bundle.predict_features(features)
    bands = band_index(probability)
    scores = pd.DataFrame(
        {
            "probability": probability,
            "risk_band": np.array([b.name for b in RISK_BANDS])[bands],
            "recommended_action": np.array([b.action for b in RISK_BANDS])[bands],
            "action_cost": np.array([b.action_cost for b in RISK_BANDS])[bands],
            "flagged": probability >= threshold,
        },
        index=valid.index,
    )
    if not flag:
        scores = scores.drop(columns=["flagged"])
    if with_reasons:
        scores = scores.join(reason_columns(valid, bundle, features))
    front = [c for c in (SOURCE_ROW, ID_COLUMN, SITE_COLUMN) if c in valid.columns]
    rest = valid.drop(columns=front)
    return pd.concat([valid[front], scores, rest], axis=1)


def reason_columns(valid: pd.DataFrame, bundle: ModelBundle, features: pd.DataFrame | None = None) -> pd.DataFrame:
    """reason_1..reason_3 in words for each row (explains only these rows)."""
    features = build_features(valid) if features is None else features
    words = reasons(valid, explain_features(bundle, features))
    padded = [w + [""] * (TOP_REASONS - len(w)) for w in words]
    return pd.DataFrame(padded, columns=REASON_COLUMNS, index=valid.index)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score a cohort file (CSV or XLSX) with the stored model.")
    parser.add_argument("cohort", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the scored CSV")
    parser.add_argument("--threshold", type=float, default=None, help="flag patients at or above this probability")
    parser.add_argument("--problems", type=Path, default=None, help="where to write rows with problems (CSV)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        result = load_cohort(args.cohort.read_bytes(), args.cohort.name)
    except (SchemaError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bundle = load_bundle()
    scored = score_frame(result.valid, bundle, args.threshold, with_reasons=True)
    scored.sort_values("probability", ascending=False).to_csv(args.output, index=False)
    problems_path = args.problems or args.output.with_name(args.output.stem + "_problems.csv")
    if len(result.problems):
        result.problems.to_csv(problems_path, index=False)
    print(
        f"read {result.n_read} rows: scored {len(scored)}, {result.n_invalid_rows} with problems"
        + (f" (listed in {problems_path})" if len(result.problems) else "")
        + f"; flagged {int(scored['flagged'].sum())}"
        + (f"; outcome column '{OUTCOME_COLUMN}' present" if result.has_outcome else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
