"""Which file a week's output is, picked by its extension: the call list as CSV or Excel, the report as HTML or PDF."""

from __future__ import annotations

from pathlib import Path

from core.report.content import WeekReport

TABLES = (".csv", ".xlsx")  # the call list (every scored patient, or only the flagged ones)
REPORTS = (".html", ".pdf")  # the week's report
FORMATS = TABLES + REPORTS


def format_problem(path: Path) -> str | None:
    """Why ``path`` cannot be written (its extension names no format we write), or None when it can."""
    suffix = path.suffix.lower()
    if suffix in FORMATS:
        return None
    given = f"'{suffix}'" if suffix else "no extension"
    return f"{path.name} has {given}: the output's extension picks the format, one of {', '.join(FORMATS)}"


def report_bytes(report: WeekReport, suffix: str) -> bytes:
    """The report as an HTML document (UTF-8) or a PDF."""
    if suffix.lower() == ".html":
        from core.report.html_page import report_html

        return report_html(report).encode("utf-8")
    if suffix.lower() == ".pdf":
        from core.report.pdf_page import report_pdf

        return report_pdf(report)
    raise ValueError(f"a report is written as {' or '.join(REPORTS)}, not {suffix}")
