"""What SDTM's trial-level domains say: the phase and planned length (TS) and the planned visit days (TV).

TS is a list of parameters; only TPHASE ("Phase II Trial") and LENGTH (the planned length: "26 weeks"
in CDISC Pilot 01, an ISO 8601 duration such as "P26W" in later versions) are read, and the other
parameters are set aside in the report. TV lists the planned visits; its VISITDY values (planned
study days from day 1 on) make the visit schedule.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.history.read_report import PROBLEM_COLUMNS, TableReport

DAYS_PER_UNIT = {"D": 1.0, "W": 7.0, "M": 30.4375, "Y": 365.25}
_WORDED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)
_ISO = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$")


def duration_days(text: str) -> int | None:
    """ "26 weeks", "182 days", "6 months", "P26W", "P1Y6M" -> whole days; None when it is not a duration."""
    text = text.strip().upper()
    worded = _WORDED.match(text)
    if worded:
        return round(float(worded.group(1)) * DAYS_PER_UNIT[worded.group(2)[0].upper()])
    iso = _ISO.match(text)
    if iso and any(iso.groups()):
        amounts = [float(x) if x else 0.0 for x in iso.groups()]
        return round(sum(a * DAYS_PER_UNIT[unit] for a, unit in zip(amounts, "YMWD", strict=True)))
    return None


def _rows(frame: pd.DataFrame, mask: pd.Series, column: str, reason: str, table: str) -> pd.DataFrame:
    rows = frame.index[mask.to_numpy()]
    return pd.DataFrame(
        {
            "table": table,
            "row": rows.to_numpy(),
            "patient_id": "",
            "column": column,
            "value": frame.loc[rows, column].to_numpy() if column in frame else "",
            "reason": reason,
        },
        columns=PROBLEM_COLUMNS,
    )


def read_trial_summary(frame: pd.DataFrame, source: str, first_row: int) -> tuple[str | None, int | None, TableReport]:
    """TS -> (TPHASE value as written, planned length in days, the report of its rows)."""
    frame = frame.set_axis(pd.RangeIndex(first_row, first_row + len(frame)))
    code = frame.get("TSPARMCD", pd.Series("", index=frame.index)).astype(str).str.strip().str.upper()
    value = frame.get("TSVAL", pd.Series("", index=frame.index)).astype(str).str.strip()
    phase_rows = code == "TPHASE"
    length_rows = code == "LENGTH"
    lengths = value[length_rows].map(duration_days)
    bad_length = length_rows & value.map(duration_days).isna()
    problems = _rows(frame, bad_length, "TSVAL", "LENGTH is not a duration (write 26 weeks or P26W)", "TS")
    unused = ~(phase_rows | length_rows)
    aside = _rows(frame, unused, "TSPARMCD", "a trial summary parameter that is not needed here", "TS")
    phase = value[phase_rows].iloc[0] if phase_rows.any() else None
    planned = int(lengths.dropna().iloc[0]) if lengths.notna().any() else None
    used = int((phase_rows | length_rows).sum() - bad_length.sum())
    return phase, planned, TableReport("TS", source, len(frame), used, problems, aside)


def read_trial_visits(frame: pd.DataFrame, source: str, first_row: int) -> tuple[tuple[int, ...], TableReport]:
    """TV -> the planned study days of the visits from day 1 on (sorted, distinct), and the report of its rows."""
    frame = frame.set_axis(pd.RangeIndex(first_row, first_row + len(frame)))
    days = pd.to_numeric(frame.get("VISITDY", pd.Series("", index=frame.index)), errors="coerce")
    unplanned = days.isna() | (days < 1)
    aside = _rows(frame, unplanned, "VISITDY", "no planned study day from day 1 on (screening or unplanned)", "TV")
    planned = tuple(int(d) for d in np.unique(days[days >= 1].round().astype(int)))
    used = int((days >= 1).sum())
    return planned, TableReport("TV", source, len(frame), used, set_aside=aside)
