"""What reading a trial history found, table by table: every row read is used, has a problem, or was set aside.

``problems`` are rows that could not be used (the reason says what to fix); ``set_aside`` are rows left
out by design and said so (a screen failure's rows, screening visits before day 1, disposition
records that are not disposition events). For every table: rows read = used + with problems + set aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

_VALUES = r'"[^"]*"|\([^()]*\d[^()]*\)'  # a cell quoted, or dates in brackets, inside a reason
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
    mapping: dict[str, str] = field(default_factory=dict)  # field -> the user's header it was read from
    unmatched: list[str] = field(default_factory=list)  # the headers no field took, in the file's order

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

    def matching(self) -> str:
        """The matching used, on one line: "subjects: patient_id <- 'Subject Number', ...; unmatched: 'Notes'"."""
        pairs = ", ".join(f"{name} <- '{header}'" for name, header in self.mapping.items()) or "no columns matched"
        left = "; unmatched: " + ", ".join(f"'{h}'" for h in self.unmatched) if self.unmatched else ""
        return f"{self.source} ({self.table.replace('_', ' ')}): {pairs}{left}"

    def top_reasons(self, n: int = 3) -> list[tuple[str, int]]:
        """The commonest reasons rows could not be used or were set aside, with how many rows each."""
        frames = [f.drop_duplicates("row") for f in (self.problems, self.set_aside) if len(f)]
        if not frames:
            return []
        # One reason however its values differ: 'Status "xyz" is ...' and 'End (2016-01-02) is before (...)'.
        general = pd.concat(frames)["reason"].astype(str).str.replace(_VALUES, "…", regex=True)
        counts = general.value_counts()
        return [(str(why), int(count)) for why, count in counts.head(n).items()]

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

    def no_patients(self) -> str | None:
        """Why the history has no patient to use, in words, or None when it has some. "No patients" only when
        the subjects table has no rows; when every row was refused, the commonest reasons and their counts."""
        subjects = next((t for t in self.tables if t.table in ("subjects", "DM")), None)
        if subjects is None or subjects.n_used:
            return None
        if subjects.n_read == 0:
            return f"{subjects.source} has a header row but no patients. Export the patient list again with its rows."
        reasons = "; ".join(f"{count:,} × {why}" for why, count in subjects.top_reasons())
        return (
            f"None of the {subjects.n_read:,} patients in {subjects.source} could be used. "
            f"Commonest reasons: {reasons}. Fix these (the set-aside rows list each one) and read the files again."
        )

    def summary(self) -> list[str]:
        """Plain-language lines, one per table, then the screen failures and the notes."""
        lines = [t.summary() for t in self.tables]
        if self.screen_failures:
            lines.append(f"{self.screen_failures:,} screen failures (never enrolled) were left out.")
        return lines + self.notes
