"""Files people download: CSV and Excel bytes that are safe to open in Excel.

A text cell that starts with =, +, -, @, tab or carriage return could run as a formula in a
spreadsheet (OWASP "CSV injection"); it gets a leading apostrophe. Headers too. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pandas as pd

from core.decisions.policy import SINGLE, Policy
from core.model.bundle import ModelBundle

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with hostile text cells and headers defused; numeric columns untouched."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        safe[column] = series.astype(object).map(_neutralise_text)
    safe.columns = [_neutralise_text(str(c)) for c in safe.columns]
    return safe


def csv_bytes(frame: pd.DataFrame, header_lines: list[str] | None = None) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads accents right), optional '# ' lines on top.

    Each header line is one CSV cell (quoted if it holds a comma), so a spreadsheet does not split it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in header_lines or []:
        writer.writerow([f"# {_neutralise_text(line)}"])
    neutralise(frame).to_csv(buffer, index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx with one sheet per entry (sheet name -> table), every text cell neutralised."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def export_metadata(
    bundle: ModelBundle, policy: Policy, now: datetime, source: str, rows: str
) -> list[tuple[str, str]]:
    """What produced an export, for its "About this export" sheet or sidecar: data, model, policy, time (UTC)."""
    costs = policy.costs
    return [
        ("Exported at (UTC)", now.strftime("%Y-%m-%d %H:%M:%S")),
        ("Patients from", source),
        ("Rows in this export", rows),
        ("Model version", bundle.version),
        ("Model SHA-256", bundle.sha256),
        ("Model trained on", "synthetic data" if bundle.synthetic else "real trial data"),
        ("Decision threshold", f"{policy.threshold:.2f}"),
        ("Staff capacity", "no limit" if policy.capacity is None else f"{policy.capacity:,} patients"),
        ("Outreach plan", policy.describe()),
        ("Cost per contact ($)", f"{costs.intervention_cost:,.2f}"),
        ("Cost per dropout ($)", f"{costs.dropout_cost:,.2f}"),
        ("Contact effectiveness", f"{costs.effectiveness:.1%}"),
    ]


def export_file_name(stem: str, policy: Policy, now: datetime, extension: str) -> str:
    """e.g. flagged_patients_2026-11-27_threshold-0.10_capacity-50.csv"""
    capacity = "" if policy.capacity is None else f"_capacity-{policy.capacity}"
    plan = "" if policy.plan == SINGLE else f"_{policy.plan}"
    return f"{stem}_{now:%Y-%m-%d}_threshold-{policy.threshold:.2f}{capacity}{plan}.{extension}"
