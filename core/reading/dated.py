"""Day counts from dates: a cohort file may give an enrolment date and a last-visit date instead of
days in the trial and the study day of the last visit, with an "as of" date.

Study days count as trials count them: the enrolment date is day 1, so days in the trial as of a date
is (as_of - enrolment) + 1, and a visit on date d is on study day (d - enrolment) + 1 (0: no visit yet).
Without an as-of date, the latest date in the file is used. The order of day and month is decided for
the whole file: a column with evidence settles the others; with none anywhere, the user is asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.reading.contract import Contract
from core.reading.dates import ParsedDates, parse_dates
from core.reading.errors import SchemaError
from core.reading.rules import Column, problem_frame


class AmbiguousDateColumns(SchemaError):
    """Dates whose day/month order cannot be told from the file: ask the user, then read again."""

    def __init__(self, columns: list[tuple[str, tuple[str, ...]]]) -> None:
        self.columns = columns  # (header, example cells)
        where = "; ".join(f'"{header}" (e.g. {", ".join(examples)})' for header, examples in columns)
        super().__init__(
            f"Some dates could be read day-first or month-first: {where}. 02/01/2024 is 2 January day-first and "
            "1 February month-first. Say which order the file uses."
        )


@dataclass(frozen=True)
class Derived:
    """What the dates gave: cells of text for the derived fields, problems, and the as-of date used."""

    cells: dict[str, pd.Series]
    problems: list[pd.DataFrame]
    as_of: pd.Timestamp | None
    dates: dict[str, pd.Series]  # the date columns, parsed (NaT where blank or not a date)


def _parse_all(body: pd.DataFrame, columns: list[Column], day_first: bool | None) -> dict[str, ParsedDates]:
    parsed = {c.name: parse_dates(body[c.name], day_first=day_first) for c in columns}
    if day_first is None:
        orders = {p.order for p in parsed.values() if p.order is not None and not p.ambiguous}
        if len(orders) == 1:  # one column's evidence settles the file's order for the others
            settled = orders.pop() == "day-first"
            parsed = {n: parse_dates(body[n], day_first=settled) if p.ambiguous else p for n, p in parsed.items()}
    unsettled = [(c.header, parsed[c.name].ambiguous) for c in columns if parsed[c.name].ambiguous]
    if unsettled:
        raise AmbiguousDateColumns(unsettled)
    return parsed


def _days(later: pd.Series, enrolment: pd.Series) -> pd.Series:
    return (later - enrolment).dt.days + 1


def derive_days(
    body: pd.DataFrame,
    headers: dict[str, str],
    contract: Contract,
    as_of: pd.Timestamp | None,
    day_first: bool | None,
) -> Derived:
    """Cells for the day fields the file gives as dates (only those it does not give as numbers)."""
    wanted = [s for s in contract if s.or_from and s.name not in body and all(f in body for f in s.or_from)]
    if not wanted:
        return Derived({}, [], None, {})
    date_columns = [Column(contract[n], headers.get(n, n)) for n in dict.fromkeys(f for s in wanted for f in s.or_from)]
    parsed = _parse_all(body, date_columns, day_first)
    problems = []
    for column in date_columns:
        result = parsed[column.name]
        if result.bad.any():
            problems.append(
                problem_frame(
                    result.bad.to_numpy(), body, column, column.header + ": " + result.reasons[result.bad].to_numpy()
                )
            )
    found = pd.concat([p.dates for p in parsed.values()]).dropna()
    when = pd.Timestamp(as_of) if as_of is not None else (found.max() if len(found) else None)
    dates = {name: p.dates for name, p in parsed.items()}
    if when is None:
        return Derived({}, problems, None, dates)
    enrolment_column = next(c for c in date_columns if c.spec.name == wanted[0].or_from[0])
    enrolment = parsed[enrolment_column.name].dates
    late = enrolment.notna().to_numpy() & (enrolment > when).to_numpy()
    if late.any():
        problems.append(
            problem_frame(
                late, body, enrolment_column, f"{enrolment_column.header} is after the as-of date ({when.date()})"
            )
        )
    blank = parsed[enrolment_column.name].blank.to_numpy()
    if blank.any():
        problems.append(problem_frame(blank, body, enrolment_column, f"{enrolment_column.header} is empty"))
    cells = {}
    for spec in wanted:
        if spec.name == "days_in_trial":
            values = _days(pd.Series(when, index=body.index), enrolment)
        else:  # the study day of the last visit: 0 when no visit date is given
            visit_column = next(c for c in date_columns if c.name == spec.or_from[-1])
            visit = parsed[visit_column.name].dates
            after = visit.notna().to_numpy() & (visit > when).to_numpy()
            if after.any():
                problems.append(
                    problem_frame(
                        after, body, visit_column, f"{visit_column.header} is after the as-of date ({when.date()})"
                    )
                )
            values = _days(visit, enrolment).where(visit.notna(), 0)
        cells[spec.name] = pd.Series(np.where(values.notna(), values.astype("Int64").astype(str), ""), index=body.index)
    return Derived(cells, problems, when, dates)
