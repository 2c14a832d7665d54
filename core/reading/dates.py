"""A text column of dates, as trial systems and spreadsheets write them -> datetime64, with a reason per bad cell.

Accepted: ISO dates with or without a time ("2014-01-02", "2014-01-02T10:30"), "2014/01/02", basic ISO
("20140102"), Excel serial numbers (days since 1899-12-30, 1950 to 2099 only), numeric dates with the
day and month in either order ("02/01/2014", "2.1.2014", "02-01-14"), month names ("2 Jan 2014",
"02JAN2014", "Jan 2, 2014") and, when the caller says the column holds them, SAS date numbers (days
since 1960-01-01).

Decisions:

* A partial date ("2014-01", "2014") is a problem: a visit or an onset needs a day to have a study day.
* The day/month order of numeric dates is decided per column: a first part above 12 means day-first,
  a second part above 12 month-first. When every value has both parts at most 12 (and some differ),
  the column is ambiguous and nothing is guessed: those cells are problems, ``ParsedDates.ambiguous``
  lists examples, and the caller asks the user and parses again with ``day_first``. A column with
  evidence both ways is ambiguous too. When ``day_first`` is given, it wins: a cell that contradicts
  it gets "month 13 does not exist".
* Two-digit years are 2000-2068 for 00-68 and 1969-1999 for 69-99 (the POSIX rule); a year outside
  1900-2100 is a problem.
* An impossible date (2014-02-30) is a problem that says why. A blank cell is not a problem here
  (``blank`` marks it): whether a date may be empty is the caller's rule.

Every transform runs once per distinct value (``per_unique``): a date column repeats itself a lot.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.reading.rules import per_unique

EXCEL_EPOCH = np.datetime64("1899-12-30")
SAS_EPOCH = np.datetime64("1960-01-01")
EXCEL_FIRST, EXCEL_LAST = 18264, 73050  # serial numbers of 1950-01-01 and 2099-12-31
YEAR_FIRST, YEAR_LAST = 1900, 2100
DATE_DTYPE = "datetime64[s]"

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AP]M)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
_PATTERNS = {  # name -> regex on the stripped, upper-cased cell; groups give the parts in the order named
    "ymd": r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME,
    "basic": r"^(\d{4})(\d{2})(\d{2})$",
    "partial": r"^((?:19|20)\d{2})(?:-(\d{1,2}))?$",
    "number": r"^(-?\d+)(?:\.\d*)?$",
    "numeric": r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME,
    "day_name": r"^(\d{1,2})(?:ST|ND|RD|TH)?[\s\-/.]*([A-Z]{3,9})\.?[\s\-/.,]*(\d{4}|\d{2})" + _TIME,
    "name_day": r"^([A-Z]{3,9})\.?[\s\-]+(\d{1,2})(?:ST|ND|RD|TH)?,?[\s\-]+(\d{4})" + _TIME,
}
_MONTHS = {name.upper(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.upper(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["SEPT"] = 9


@dataclass(frozen=True)
class ParsedDates:
    """One column parsed: dates (NaT where there is none), why a cell is not a date, and the order used."""

    dates: pd.Series  # datetime64[s], NaT for blank or bad cells
    reasons: pd.Series  # "" for a date or a blank cell, otherwise why the cell is not a date
    blank: pd.Series  # bool: the cell is empty
    order: str | None  # "day-first", "month-first", or None (no numeric dates, or the order is unknown)
    ambiguous: tuple[str, ...] = ()  # a few cells whose day/month order cannot be told; empty when resolved

    @property
    def bad(self) -> pd.Series:
        """Cells that hold something that is not a usable date."""
        return self.reasons != ""


def parse_dates(values: pd.Series, *, day_first: bool | None = None, sas_numbers: bool = False) -> ParsedDates:
    """Parse a column of text into dates; ``day_first`` settles the order of numeric dates when given.

    ``sas_numbers``: plain numbers are SAS dates (days since 1960-01-01) rather than Excel serials.
    """
    text = values.astype("string").fillna("").astype(str)
    found: dict[str, pd.DataFrame] = {}
    order_box: dict[str, object] = {}

    def transform(unique: pd.Series) -> pd.Series:
        parts = _split(unique.str.strip().str.upper(), sas_numbers)
        order, examples = _decide_order(parts, unique, day_first)
        order_box["order"], order_box["examples"] = order, examples
        found["parsed"] = _assemble(parts, unique, order, sas_numbers)
        return pd.Series(np.arange(len(unique)))

    positions = per_unique(text, transform).to_numpy(dtype=np.int64)
    parsed = found["parsed"]
    order = order_box.get("order")
    examples = order_box.get("examples", ())
    return ParsedDates(
        dates=pd.Series(parsed["date"].to_numpy(dtype=DATE_DTYPE)[positions], index=values.index),
        reasons=pd.Series(parsed["reason"].to_numpy(dtype=object)[positions], index=values.index, dtype=object),
        blank=pd.Series(parsed["blank"].to_numpy(dtype=bool)[positions], index=values.index),
        order=order if isinstance(order, str) else None,
        ambiguous=tuple(examples) if isinstance(examples, tuple) else (),
    )


def _split(cells: pd.Series, sas_numbers: bool) -> pd.DataFrame:
    """Which pattern each cell matches (the first that does) and its parts, as numbers where they are."""
    kind = pd.Series("", index=cells.index, dtype=object)
    kind[cells == ""] = "blank"
    parts = pd.DataFrame({"p1": np.nan, "p2": np.nan, "p3": np.nan, "month_name": ""}, index=cells.index)
    for name, pattern in _PATTERNS.items():
        if name == "partial" and sas_numbers:
            continue  # "2014" is a SAS date number then, not a year
        todo = kind == ""
        if not todo.any():
            break
        groups = cells[todo].str.extract(pattern)
        hit = groups[0].notna()
        rows = groups.index[hit]
        kind[rows] = name
        if name == "name_day":  # month name first
            parts.loc[rows, "month_name"] = groups.loc[rows, 0]
            parts.loc[rows, "p1"] = pd.to_numeric(groups.loc[rows, 1])
            parts.loc[rows, "p3"] = pd.to_numeric(groups.loc[rows, 2])
            continue
        if name == "day_name":
            parts.loc[rows, "month_name"] = groups.loc[rows, 1]
            parts.loc[rows, "p1"] = pd.to_numeric(groups.loc[rows, 0])
            parts.loc[rows, "p3"] = pd.to_numeric(groups.loc[rows, 2])
            continue
        for i, column in enumerate(("p1", "p2", "p3")[: groups.shape[1]]):
            parts.loc[rows, column] = pd.to_numeric(groups.loc[rows, i])
    kind[kind == ""] = "unreadable"
    parts["kind"] = kind
    return parts


def _decide_order(parts: pd.DataFrame, cells: pd.Series, day_first: bool | None) -> tuple[str | None, tuple]:
    """The column's day/month order for numeric dates, and examples when it cannot be told."""
    numeric = parts["kind"] == "numeric"
    if day_first is not None:
        return ("day-first" if day_first else "month-first"), ()
    if not numeric.any():
        return None, ()
    first, second = parts.loc[numeric, "p1"], parts.loc[numeric, "p2"]
    says_day_first = bool(((first > 12) & (second <= 12)).any())
    says_month_first = bool(((second > 12) & (first <= 12)).any())
    if says_day_first != says_month_first:
        return ("day-first" if says_day_first else "month-first"), ()
    # No evidence, or evidence both ways: every numeric date whose parts differ is undecided.
    undecided = numeric & (parts["p1"] != parts["p2"])
    if not undecided.any():  # every numeric date reads the same both ways (01/01/2014)
        return "day-first", ()
    return None, tuple(cells[undecided].head(3).str.strip())


def _year(two_or_four_digits: pd.Series) -> pd.Series:
    """Four-digit years as they are; two-digit years by the POSIX rule (00-68 -> 20xx, 69-99 -> 19xx)."""
    short = two_or_four_digits < 100
    return two_or_four_digits.where(~short, two_or_four_digits + np.where(two_or_four_digits < 69, 2000, 1900))


def _assemble(parts: pd.DataFrame, cells: pd.Series, order: str | None, sas_numbers: bool) -> pd.DataFrame:
    """Year, month and day per cell from its pattern, then the date, or the reason there is none."""
    kind = parts["kind"]
    year = pd.Series(np.nan, index=parts.index)
    month = year.copy()
    day = year.copy()
    reason = pd.Series("", index=parts.index, dtype=object)
    for name in ("ymd", "basic"):
        rows = kind == name
        year[rows], month[rows], day[rows] = parts.loc[rows, "p1"], parts.loc[rows, "p2"], parts.loc[rows, "p3"]
    named = kind.isin(["day_name", "name_day"])
    month[named] = parts.loc[named, "month_name"].map(_MONTHS)
    day[named], year[named] = parts.loc[named, "p1"], _year(parts.loc[named, "p3"])
    reason[named & month.isna()] = "the month name is not one I know (write the date as 2014-01-31)"
    numeric = kind == "numeric"
    if order is None:
        undecided = numeric & (parts["p1"] != parts["p2"])
        reason[undecided] = (
            "the day and month order is unclear (02/01/2014 may be 2 January or 1 February); "
            "say whether this file writes dates day-first"
        )
        numeric &= ~undecided
    day_part, month_part = ("p1", "p2") if order in ("day-first", None) else ("p2", "p1")
    day[numeric], month[numeric] = parts.loc[numeric, day_part], parts.loc[numeric, month_part]
    year[numeric] = _year(parts.loc[numeric, "p3"])
    partial = kind == "partial"
    reason[partial & parts["p2"].isna()] = "only a year is given; a date needs a day, month and year"
    reason[partial & parts["p2"].notna()] = "only a year and month are given; a date needs a day too"
    reason[kind == "unreadable"] = "not a date that can be read (write dates as 2014-01-31)"

    dates = pd.Series(np.datetime64("NaT"), index=parts.index, dtype=DATE_DTYPE)
    calendar_rows = year.notna() & month.notna() & day.notna() & (reason == "")
    dates[calendar_rows] = _calendar_dates(year[calendar_rows], month[calendar_rows], day[calendar_rows])
    for row in calendar_rows[calendar_rows & dates.isna()].index:
        reason[row] = _impossible(int(year[row]), int(month[row]), int(day[row]))
    number = kind == "number"
    if number.any():
        dates[number], reason[number] = _serial_dates(parts.loc[number, "p1"], cells[number], sas_numbers)
    outside = dates.notna() & ~dates.dt.year.between(YEAR_FIRST, YEAR_LAST)
    reason[outside] = f"the year is outside {YEAR_FIRST}-{YEAR_LAST}"
    dates[outside] = np.datetime64("NaT")
    return pd.DataFrame({"date": dates, "reason": reason, "blank": kind == "blank"})


def _calendar_dates(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    plausible = year.between(YEAR_FIRST, YEAR_LAST) & month.between(1, 12) & day.between(1, 31)
    out = pd.Series(np.datetime64("NaT"), index=year.index, dtype=DATE_DTYPE)
    if plausible.any():
        frame = pd.DataFrame({"year": year[plausible], "month": month[plausible], "day": day[plausible]}).astype(int)
        out[plausible] = pd.to_datetime(frame, errors="coerce").astype(DATE_DTYPE)
    return out


def _impossible(year: int, month: int, day: int) -> str:
    """Why a year, month and day make no date ("there is no 30 February 2014")."""
    if not YEAR_FIRST <= year <= YEAR_LAST:
        return f"the year {year} is outside {YEAR_FIRST}-{YEAR_LAST}"
    if not 1 <= month <= 12:
        return f"month {month} does not exist"
    length = calendar.monthrange(year, month)[1]
    return f"there is no {day} {calendar.month_name[month]} {year} ({calendar.month_name[month]} has {length} days)"


def _serial_dates(numbers: pd.Series, cells: pd.Series, sas: bool) -> tuple[pd.Series, pd.Series]:
    """Plain numbers: Excel serials within 1950-2099 (or SAS day numbers when the caller says so)."""
    whole = np.floor(pd.to_numeric(cells.str.strip(), errors="coerce")).astype("float64")
    reason = pd.Series("", index=numbers.index, dtype=object)
    if sas:
        offset = whole.where(whole.abs() < 80_000)  # 80,000 days is beyond 2100 either way
        dates = pd.Series(SAS_EPOCH + offset.fillna(0).to_numpy().astype("timedelta64[D]"), index=numbers.index)
        dates = dates.astype(DATE_DTYPE).where(offset.notna())
        reason[offset.isna()] = "not a SAS date number within 1900-2100"
        return dates, reason
    plausible = whole.between(EXCEL_FIRST, EXCEL_LAST)
    days = whole.where(plausible, 0).to_numpy().astype("timedelta64[D]")
    dates = pd.Series(EXCEL_EPOCH + days, index=numbers.index).astype(DATE_DTYPE).where(plausible)
    reason[~plausible] = (
        f"a number, but not an Excel date between 1950 and 2099 ({EXCEL_FIRST}-{EXCEL_LAST}); write dates as 2014-01-31"
    )
    return dates, reason
