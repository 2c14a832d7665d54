"""Score a cohort file, or a running trial's history as of a date, from the command line, writing what the
app exports.

    python -m core.cli.score cohort.csv -o scored.csv|scored.xlsx|week.html|week.pdf [--threshold 0.3]
                         [--capacity 50] [--plan tiered] [--flagged-only] [--problems problems.csv]
                         [--trial NAME] [--by NAME] [--order-by-weeks N]
    python -m core.cli.score --history FOLDER_OR_WORKBOOK [--as-of 2026-11-30] [--arms "Pbo=Placebo,Drug=Active"]
                         [--phase II] [--day-first | --month-first] [--columns matching.toml]
                         [--problems set_aside.csv] -o scored.csv ...
    python -m core.cli.score --history FOLDER_OR_WORKBOOK --validate-after 2013-09-23 -o report.html|report.pdf

``--validate-after DATE`` tests the trial's own training out of time: the patients enrolled before DATE train
(on the history as it stood the day before), those enrolled on or after it are tested on what happened later;
the report's evaluation section is that test.

The output's extension picks the format: ``.csv`` or ``.xlsx`` write every scored patient (or only the
flagged ones) with the same columns, names and rounding as the app's export, formula-safe; ``.html`` or
``.pdf`` write the week's report (the call list, costs, sites, the model's figures and, when outcomes
are known, how the model did on them); any other extension is refused before anything is read. Also the rows with problems to a second file (as the app's "rows with
problems" download); and what produced them to ``<output stem>_about.json``. Flagged means what it
means in the app: at or above the threshold, within the staff capacity. Errors are one line on
stderr, never a traceback: exit 2 for input that cannot be used, 1 when a history holds no patient to use.
A history's run also prints the column matching it used and the rows it set aside, with their reasons.

``--order-by-weeks N`` (a time-to-dropout model in use only) orders the list, and the report's list, by the chance
of leaving within N weeks, highest first; who is flagged, their contact and its cost do not change.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from core.cli.common import error_line
from core.cli.history_input import HistoryRefused, add_history_arguments, load_history
from core.decisions.policy import PLANS, SINGLE, Policy
from core.formatting import interval
from core.history.as_of import GENERIC_ARMS, default_as_of, guess_arm_mapping, patients_in_study, trial_arms
from core.history.endings import DEFAULT_OUTCOME, DEFINITIONS, OutcomeDefinition
from core.history.reader import files_sha256
from core.model.bundle import ModelBundle, ModelIntegrityError
from core.model.registry import Registry, RegistryError
from core.output.csv_file import csv_bytes
from core.output.provenance import export_metadata
from core.outreach.call_list import call_list, call_list_workbook, column_meanings
from core.reading.dated import AmbiguousDateColumns
from core.reading.errors import SchemaError
from core.replay.temporal_validation import ValidationRefused, by_landmark_day, temporal_validation
from core.report.content import build_week_report
from core.report.formats import REPORTS, format_problem, report_bytes
from core.report.temporal import temporal_report
from core.scoring.call_order import BY_END, order_about, order_for_weeks
from core.scoring.cohort import ScoredCohort, score_upload
from core.scoring.trial_as_of import needs_arm_mapping, score_history
from core.settings import Settings, SettingsError, load_settings


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Score a cohort file (CSV or XLSX) with the stored model.")
    parser.add_argument("cohort", type=Path, nargs="?", help="a cohort file (CSV or XLSX)")
    parser.add_argument(
        "--history", type=Path, help="a trial history instead: a folder of tables or SDTM, or a workbook"
    )
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="count days to YYYY-MM-DD (a history, or a cohort file that gives dates)",
    )
    parser.add_argument(
        "--validate-after",
        type=date.fromisoformat,
        default=None,
        help="with --history and a .html or .pdf report: train on the patients enrolled before YYYY-MM-DD, "
        "test on those enrolled on or after it",
    )
    parser.add_argument(
        "--outcome",
        choices=sorted(DEFINITIONS),
        default=DEFAULT_OUTCOME.name,
        help="with --validate-after, what counts as dropout: retention dropouts only (dropout, the default, as "
        "train) or any discontinuation (any)",
    )
    parser.add_argument("--arms", default=None, help='for the generic model: "TrialArm=Active,Other=Placebo"')
    add_history_arguments(parser, problems=False)
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="what to write, by its extension: .csv or .xlsx (the scored patients), .html or .pdf (the week's report)",
    )
    parser.add_argument("--threshold", type=float, default=None, help="flag patients at or above this probability")
    parser.add_argument("--capacity", type=int, default=None, help="flag at most this many (the highest-risk)")
    parser.add_argument("--plan", choices=PLANS, default=SINGLE, help="single contact at C_i, or tiered by band")
    parser.add_argument("--flagged-only", action="store_true", help="write only the flagged patients (the call list)")
    parser.add_argument(
        "--problems", type=Path, default=None, help="where to write rows with problems, or a history's set-aside rows"
    )
    parser.add_argument("--trial", default=None, help="the trial's name in a report (default: the file's name)")
    parser.add_argument("--by", default=None, help="who makes a report (default: your login name)")
    parser.add_argument(
        "--order-by-weeks",
        type=int,
        default=None,
        metavar="N",
        help="order the list by the chance of leaving within N weeks, highest first (a time-to-dropout model only: "
        "4, 8 or 12); who is flagged does not change",
    )
    args = parser.parse_args(argv)
    problem = format_problem(args.output)
    if problem:
        parser.error(problem)
    if (args.cohort is None) == (args.history is None):
        parser.error("give a cohort file or --history, one of the two")
    if args.validate_after is not None and (args.history is None or args.output.suffix.lower() not in REPORTS):
        parser.error("--validate-after needs --history and a report to write (-o report.html or report.pdf)")
    if args.validate_after is not None and args.order_by_weeks is not None:
        parser.error("--order-by-weeks orders a scored list; it does not apply to --validate-after")
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    if args.capacity is not None and args.capacity < 0:
        parser.error("--capacity must be 0 or more")
    return args


def _arm_mapping(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
    if any(len(pair) != 2 or pair[1].strip() not in GENERIC_ARMS for pair in pairs):
        raise SchemaError(
            f'--arms must read "TrialArm=Active,OtherArm=Placebo" with Active, Control or Placebo; got {text!r}'
        )
    return {arm.strip(): generic.strip() for arm, generic in pairs}


def _load(args: argparse.Namespace, bundle: ModelBundle, settings: Settings) -> ScoredCohort:
    """The cohort to score: the file given, or the history's patients as of the date given."""
    if args.cohort is not None:
        data = args.cohort.read_bytes()
        as_of = pd.Timestamp(args.as_of) if args.as_of else None
        try:
            return score_upload(
                data,
                args.cohort.name,
                bundle,
                settings.bands,
                max_upload_mb=settings.max_upload_mb,
                as_of=as_of,
                day_first=args.day_first,
            )
        except AmbiguousDateColumns as exc:
            raise SchemaError(f"{exc} Give --day-first or --month-first.") from None
    history, files = load_history(args, settings.max_upload_mb)
    as_of, why = (pd.Timestamp(args.as_of), "the date given") if args.as_of else default_as_of(history)
    mapping = _arm_mapping(args.arms)
    if needs_arm_mapping(bundle, history):
        used = mapping or guess_arm_mapping(trial_arms(history))
        print(
            "arms for the generic model: "
            + ", ".join(f"{k} -> {v}" for k, v in used.items())
            + ("" if mapping else " (guessed from the names; give --arms to set them)")
        )
    print(f"scoring as of {as_of.date()} ({why})")
    args.as_of = as_of.date()  # the report's date: the day the history was scored as of
    if not patients_in_study(history, as_of):
        raise HistoryRefused(
            f"none of the {len(history.subjects):,} patients of {args.history.name} was in the trial on "
            f"{as_of.date()}; give another --as-of"
        )
    return score_history(history, files, args.history.name, as_of, bundle, settings.bands, mapping)


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    """The out-of-time test of the trial's own training, written as the week's report."""
    history, files = load_history(args, settings.max_upload_mb)
    policy = Policy(args.threshold or 0.0, args.capacity, settings.costs, settings.bands, args.plan)
    validation = temporal_validation(
        history,
        pd.Timestamp(args.validate_after),
        args.history.name,
        policy,
        settings.bands,
        digest=files_sha256(files),
        own_threshold=args.threshold is None,
        outcome=OutcomeDefinition(args.outcome),
    )
    report = temporal_report(
        validation,
        validation.policy,
        trial=args.trial or args.history.stem,
        made_by=args.by or _login_name(),
        made_at=datetime.now(UTC),
        reference=settings.reference_threshold,
    )
    _write(args.output, report_bytes(report, args.output.suffix.lower()))
    for line in validation.in_words():
        print(line)
    for day, figures in by_landmark_day(validation).items():
        print(f"out-of-time ROC AUC at day {day}: {interval(figures['roc_auc'])} ({figures['n']:,} patients)")
    print(
        f"out-of-time ROC AUC, landmark days pooled {interval(validation.evaluation.metrics['roc_auc'])}; wrote the report to {args.output}"
    )
    return 0


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _output_bytes(
    args: argparse.Namespace,
    cohort: ScoredCohort,
    policy: Policy,
    bundle: ModelBundle,
    settings: Settings,
    table: pd.DataFrame,
    about: list[tuple[str, str]],
    order_by: str = BY_END,
) -> bytes:
    """What the output's extension asks for: the table as CSV or Excel, or the week's report."""
    suffix = args.output.suffix.lower()
    if suffix in REPORTS:
        source = args.cohort if args.cohort is not None else args.history
        report = build_week_report(
            cohort,
            policy,
            bundle,
            trial=args.trial or source.stem,
            made_by=args.by or _login_name(),
            made_at=datetime.now(UTC),
            as_of=args.as_of,
            reference=settings.reference_threshold,
            order_by=order_by,
        )
        return report_bytes(report, suffix)
    return call_list_workbook(table, about) if suffix == ".xlsx" else csv_bytes(table)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name on this system (a container without one)
        return "the command line"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        settings = load_settings()
        if args.validate_after is not None:
            return _validate(args, settings)
        bundle = Registry(settings.models_dir).load(None, settings.model_sha256)
        order_by = BY_END if args.order_by_weeks is None else order_for_weeks(bundle, args.order_by_weeks)
        cohort = _load(args, bundle, settings)
        note = cohort.phase_note(bundle)
        if note:
            print(f"note: {note}")
        threshold = bundle.default_threshold if args.threshold is None else args.threshold
        policy = Policy(threshold, args.capacity, settings.costs, settings.bands, args.plan)
        flagged = policy.flagged(cohort.curves)
        rows = flagged if args.flagged_only else np.ones(len(flagged), dtype=bool)
        table = call_list(cohort, rows, flagged, policy, bundle, order_by=order_by)
        what = "flagged patients" if args.flagged_only else "scored patients, flagged or not"
        about = export_metadata(bundle, policy, datetime.now(UTC), cohort.filename, f"{len(table):,} {what}")
        about += order_about(order_by, bundle)
        _write(args.output, _output_bytes(args, cohort, policy, bundle, settings, table, about, order_by))
        own = args.output.with_name(args.output.stem + "_problems.csv")
        problems_path = own if args.history is not None else args.problems or own
        if cohort.result.n_invalid_rows:
            _write(problems_path, csv_bytes(cohort.result.rejected))
        _write(
            args.output.with_name(args.output.stem + "_about.json"),
            json.dumps({**dict(about), "Columns": dict(column_meanings(table))}, indent=2).encode(),
        )
    except (HistoryRefused, ValidationRefused) as exc:
        print(f"not scored: {error_line(exc)}", file=sys.stderr)
        return 1
    except (SchemaError, SettingsError, ModelIntegrityError, RegistryError, OSError, ValueError) as exc:
        print("error: " + error_line(exc), file=sys.stderr)  # one line, whatever the message holds
        return 2
    except Exception as exc:  # the command line never shows a traceback; the message says what stopped
        print(f"error: scoring stopped unexpectedly ({type(exc).__name__}: {error_line(exc)})", file=sys.stderr)
        return 2
    result = cohort.result
    print(
        f"read {result.n_read:,} rows: scored {len(cohort.scored):,}, {result.n_invalid_rows:,} with problems"
        + (f" (listed in {problems_path})" if result.n_invalid_rows else "")
        + f"; flagged {int(flagged.sum()):,}; wrote "
        + (
            f"the week's report to {args.output}"
            if args.output.suffix.lower() in REPORTS
            else f"{len(table):,} rows to {args.output}"
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
