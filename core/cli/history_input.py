"""What ``score --history`` and ``train --history`` share: the history's options, reading it, and saying how.

Every run prints the column matching it used, table by table, and the headers it left unmatched; how many
rows each table set aside and the commonest reasons; and, with ``--problems FILE``, writes every set-aside
row (table, row as the spreadsheet numbers it, column under the user's own header, value, reason) as a CSV
that Excel opens safely. ``--columns FILE`` (JSON or TOML) gives the user's own matching:

    {"subjects": {"patient_id": "Subject Number", "end_date": "Ended on"}, "visits": {"attended": "Seen"}}
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

import pandas as pd

from core.history.read_report import HistoryReport
from core.history.reader import history_files, read_history
from core.history.trial_history import TrialHistory
from core.history.validation import AmbiguousDatesError
from core.output.csv_file import csv_bytes
from core.reading.errors import SchemaError

PROBLEM_FILE_COLUMNS = ["table", "row", "patient_id", "column", "value", "reason", "kind"]
_ORDER_HINT = "Give --day-first (02/01/2014 is 2 January) or --month-first (1 February) and run again."


class HistoryRefused(Exception):
    """The history was read but holds no patient to use: the message says why (exit 1)."""


def add_history_arguments(parser: argparse.ArgumentParser, *, problems: bool = True) -> None:
    """``--columns``, ``--phase``, ``--day-first``/``--month-first`` and (unless the command has its own) ``--problems``."""
    parser.add_argument(
        "--columns",
        type=Path,
        default=None,
        help='your own column matching, JSON or TOML: {"subjects": {"patient_id": "Subject Number"}, ...}',
    )
    parser.add_argument("--phase", default=None, help="the trial's phase, when the history does not say it (optional)")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="day_first", action="store_const", const=True, default=None)
    order.add_argument("--month-first", dest="day_first", action="store_const", const=False)
    if problems:
        parser.add_argument("--problems", type=Path, default=None, help="write the set-aside rows here (CSV)")


def load_columns(path: Path | None) -> dict[str, dict[str, str]] | None:
    """The user's column matching from a JSON or TOML file: table -> field -> header; SchemaError if unreadable."""
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(f"The column matching {path} could not be read ({type(exc).__name__}).") from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise SchemaError(f"The column matching {path} is not valid {kind}: {exc}.") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise SchemaError(
            f'The column matching {path} must map each table to its fields: {{"subjects": {{"patient_id": "ID"}}}}.'
        )
    return {str(table): {str(k): str(v) for k, v in fields.items()} for table, fields in data.items()}


def set_aside_rows(report: HistoryReport) -> pd.DataFrame:
    """Every row not used: problems (to fix) and rows set aside by design, in one table."""
    parts = [report.problems.assign(kind="problem"), report.set_aside.assign(kind="set aside")]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_FILE_COLUMNS})
    return frame[PROBLEM_FILE_COLUMNS]


def report_lines(report: HistoryReport) -> list[str]:
    """The matching used per table, then per table the rows set aside and why (the commonest reasons)."""
    lines = [f"columns: {t.matching()}" for t in report.tables if t.mapping or t.unmatched]
    for table in report.tables:
        left = table.n_problem_rows + table.n_set_aside
        if left:
            reasons = "; ".join(f"{n:,} × {why}" for why, n in table.top_reasons())
            lines.append(f"set aside: {left:,} of {table.n_read:,} rows of {table.source} ({reasons})")
    if report.screen_failures:
        lines.append(f"{report.screen_failures:,} screen failures (never enrolled) were left out")
    return lines + [f"note: {note}" for note in report.notes]


def load_history(args: argparse.Namespace, max_upload_mb: float | None) -> tuple[TrialHistory, dict[str, bytes]]:
    """Read ``args.history`` as the options say; print how it was read; write ``--problems`` if asked.

    Raises SchemaError (bad input, exit 2) or HistoryRefused (read, but no patient to use, exit 1).
    """
    files = history_files(args.history)
    try:
        history = read_history(
            files,
            day_first=args.day_first,
            phase=args.phase,
            max_upload_mb=max_upload_mb,
            columns=load_columns(args.columns),
        )
    except AmbiguousDatesError as exc:
        raise SchemaError(f"{exc} {_ORDER_HINT}") from None
    for line in report_lines(history.report):
        print(line)
    rows = set_aside_rows(history.report)
    if getattr(args, "problems", None) is not None and len(rows):
        args.problems.parent.mkdir(parents=True, exist_ok=True)
        args.problems.write_bytes(csv_bytes(rows))
        print(f"wrote the {len(rows):,} set-aside row(s) to {args.problems}")
    elif len(rows):
        print("give --problems FILE to write the set-aside rows, each with its reason")
    why = history.report.no_patients()
    if why is not None:
        raise HistoryRefused(why)
    return history, files
