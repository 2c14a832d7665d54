"""Score a cohort file from the command line with the stored model.

    python -m core.score cohort.csv -o scored.csv [--threshold 0.3] [--problems problems.csv]

Every valid patient is written with probability, band, action, flag and reasons; rows with problems
go to a second file. Errors are one line on stderr (exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.decisions.scoring import score_frame
from core.model.bundle import ModelIntegrityError, load_bundle
from core.paths import MODEL_CARD_PATH, MODEL_PATH
from core.reading.contract import OUTCOME_COLUMN
from core.reading.errors import SchemaError
from core.reading.validation import load_cohort
from core.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score a cohort file (CSV or XLSX) with the stored model.")
    parser.add_argument("cohort", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the scored CSV")
    parser.add_argument("--threshold", type=float, default=None, help="flag patients at or above this probability")
    parser.add_argument("--problems", type=Path, default=None, help="where to write rows with problems (CSV)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        settings = load_settings()
        bundle = load_bundle(MODEL_PATH, MODEL_CARD_PATH)
        result = load_cohort(
            args.cohort.read_bytes(), args.cohort.name, bundle.contract, max_upload_mb=settings.max_upload_mb
        )
    except (SchemaError, SettingsError, ModelIntegrityError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    threshold = bundle.default_threshold if args.threshold is None else args.threshold
    scored = score_frame(result.valid, bundle, settings.bands, threshold, with_reasons=True)
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
