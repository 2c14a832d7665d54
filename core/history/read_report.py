"""What reading a trial history found, table by table: every row read is used, has a problem, or was set aside.

``problems`` are rows that could not be used (the reason says what to fix); ``set_aside`` are rows left
out by design and said so (a screen failure's rows, screening visits before day 1, disposition
records that are not disposition events). For every table: rows read = used + with problems + set aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

PROBLEM_COLUMNS = ["table", "row", "patient_id", "column", "value", "reason"]


def empty_problems() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})


@dataclass
class TableReport:
    """One table's account. ``row`` numbers are the file's: for CSV and Excel the header is row 1 and
    the first data row 2; for SAS transport (.xpt) files, the record number (1 = the first record)."""

    table: str  # "subjects", "visits", "adverse_events", or an SDTM domain ("DM", "DS", ...)
    source: str  # the file (and sheet) it came from
    n_read: int
    n_used: int
    problems: pd.DataFrame = field(default_factory=empty_problems)
    set_aside: pd.DataFrame = field(default_factory=empty_problems)

    @property
    def n_problem_rows(self) -> int:
        return int(self.problems["row"].nunique()) if len(self.problems) else 0

    @property
    def n_set_aside(self) -> int:
        return int(self.set_aside["row"].nunique()) if len(self.set_aside) else 0

    @property
    def accounted(self) -> bool:
        """Rows read = rows used + rows with problems + rows set aside."""
        return self.n_read == self.n_used + self.n_problem_rows + self.n_set_aside

    def summary(self) -> str:
        text = f"{self.source} ({self.table}): {self.n_read:,} rows read, {self.n_used:,} used"
        if self.n_problem_rows:
            text += f", {self.n_problem_rows:,} with problems"
        if self.n_set_aside:
            reasons = self.set_aside.drop_duplicates("row")["reason"].value_counts()
            text += ", set aside: " + "; ".join(f"{n:,} {why}" for why, n in reasons.items())
        return text


@dataclass
class HistoryReport:
    """Every table's account, patients left out as never enrolled, and notes on how the data were read."""

    tables: list[TableReport] = field(default_factory=list)
    screen_failures: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> pd.DataFrame:
        frames = [t.problems for t in self.tables if len(t.problems)]
        return pd.concat(frames, ignore_index=True) if frames else empty_problems()

    @property
    def set_aside(self) -> pd.DataFrame:
        frames = [t.set_aside for t in self.tables if len(t.set_aside)]
        return pd.concat(frames, ignore_index=True) if frames else empty_problems()

    def table(self, name: str) -> TableReport:
        for report in self.tables:
            if report.table == name:
                return report
        raise KeyError(name)

    def summary(self) -> list[str]:
        """Plain-language lines, one per table, then the screen failures and the notes."""
        lines = [t.summary() for t in self.tables]
        if self.screen_failures:
            lines.append(f"{self.screen_failures:,} screen failures (never enrolled) were left out.")
        return lines + self.notes
