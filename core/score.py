"""Score a cohort file from the command line, writing what the app exports.

    python -m core.score cohort.csv -o scored.csv|scored.xlsx [--threshold 0.3] [--capacity 50] [--plan tiered]
                         [--flagged-only] [--problems problems.csv]

Writes every scored patient (or only the flagged ones) with the same columns, names and rounding as
the app's export, formula-safe; the rows with problems to a second file (as the app's "rows with
problems" download); and what produced them to ``<output stem>_about.json``. Flagged means what it
means in the app: at or above the threshold, within the staff capacity. Errors are one line on
stderr (exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.decisions.cohort import flagged_mask, score_upload
from core.decisions.policy import PLANS, SINGLE, Policy
from core.model.bundle import ModelIntegrityError, load_bundle
from core.output.call_list import call_list, call_list_workbook
from core.output.csv_file import csv_bytes
from core.output.provenance import export_metadata
from core.paths import MODEL_CARD_PATH, MODEL_PATH
from core.reading.errors import SchemaError
from core.settings import SettingsError, load_settings


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Score a cohort file (CSV or XLSX) with the stored model.")
    parser.add_argument("cohort", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, help="the scored file: .csv, or .xlsx for Excel")
    parser.add_argument("--threshold", type=float, default=None, help="flag patients at or above this probability")
    parser.add_argument("--capacity", type=int, default=None, help="flag at most this many (the highest-risk)")
    parser.add_argument("--plan", choices=PLANS, default=SINGLE, help="single contact at C_i, or tiered by band")
    parser.add_argument("--flagged-only", action="store_true", help="write only the flagged patients (the call list)")
    parser.add_argument("--problems", type=Path, default=None, help="where to write rows with problems (CSV)")
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    if args.capacity is not None and args.capacity < 0:
        parser.error("--capacity must be 0 or more")
    return args


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        settings = load_settings()
        bundle = load_bundle(MODEL_PATH, MODEL_CARD_PATH, settings.model_sha256)
        data = args.cohort.read_bytes()
        cohort = score_upload(data, args.cohort.name, bundle, settings.bands, max_upload_mb=settings.max_upload_mb)
        threshold = bundle.default_threshold if args.threshold is None else args.threshold
        policy = Policy(threshold, args.capacity, settings.costs, settings.bands, args.plan)
        flagged = flagged_mask(cohort.curves, policy.threshold, policy.capacity)
        rows = flagged if args.flagged_only else np.ones(len(flagged), dtype=bool)
        table = call_list(cohort, rows, flagged, policy, bundle)
        what = "flagged patients" if args.flagged_only else "scored patients, flagged or not"
        about = export_metadata(bundle, policy, datetime.now(UTC), args.cohort.name, f"{len(table):,} {what}")
        excel = args.output.suffix.lower() == ".xlsx"
        _write(args.output, call_list_workbook(table, about) if excel else csv_bytes(table))
        problems_path = args.problems or args.output.with_name(args.output.stem + "_problems.csv")
        if cohort.result.n_invalid_rows:
            _write(problems_path, csv_bytes(cohort.result.rejected))
        _write(args.output.with_name(args.output.stem + "_about.json"), json.dumps(dict(about), indent=2).encode())
    except (SchemaError, SettingsError, ModelIntegrityError, OSError) as exc:
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)  # one line, whatever the message holds
        return 2
    result = cohort.result
    print(
        f"read {result.n_read:,} rows: scored {len(cohort.scored):,}, {result.n_invalid_rows:,} with problems"
        + (f" (listed in {problems_path})" if result.n_invalid_rows else "")
        + f"; flagged {int(flagged.sum()):,}; wrote {len(table):,} rows to {args.output}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
