"""The building blocks of the history contract: a ``HistoryColumn`` (a field plus where else it lives), a
``HistoryTable`` (one table's columns) and a ``HistoryContract`` (the three tables and the cohort contract
their snapshots are read by). The product's own declaration is ``core.history.contracts.HISTORY``.

Everything that lists a history table's columns derives the list from here: the internal frames and
their types (``trial_history``), the defaults of optional columns (``assemble``, ``simulated``), the
SDTM mappings (``sdtm``) and the subject columns carried into snapshot rows (``landmarks``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from core.reading.contract import CONTRACT, Contract, Field

SUBJECTS, VISITS, ADVERSE_EVENTS = "subjects", "visits", "adverse_events"
TABLES = (SUBJECTS, VISITS, ADVERSE_EVENTS)

# The internal frame's type of each kind (an optional integer is nullable: <NA> when not given).
_DTYPES = {"date": "date", "text": "text", "category": "text", "number": "float64", "yes/no": "bool"}
_BLANKS: dict[str, object] = {"date": pd.NaT, "number": np.nan, "yes/no": False, "integer": None}


@dataclass(frozen=True)
class HistoryColumn:
    """One column of a history table: its field (name, kind, header synonyms, required) and where else it lives.

    ``sdtm``: the SDTM domain and variable it is read from ("DM.AGE"); empty when SDTM has none.
    ``dtype``: the internal frame's type when the kind does not say it (words read as yes/no are "bool").
    ``default``: what an optional column holds when a table lacks it (None: a blank of its kind).
    ``cohort``: the cohort-contract field it becomes in snapshot rows; "" the same name, None never carried.
    """

    field: Field
    sdtm: str = ""
    dtype: str = ""
    default: object = None
    cohort: str | None = ""

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def sdtm_domain(self) -> str:
        return self.sdtm.partition(".")[0]

    @property
    def sdtm_variable(self) -> str:
        return self.sdtm.partition(".")[2]

    @property
    def internal_dtype(self) -> str:
        if self.dtype:
            return self.dtype
        if self.field.kind == "integer":
            return "int64" if self.field.required else "Int64"
        return _DTYPES[self.field.kind]

    @property
    def fill(self) -> object:
        """The value of an absent optional column: the declared default, else the blank of its kind."""
        if self.default is not None:
            return self.default
        if self.field.kind == "text":
            return self.field.blank_value or ""
        return _BLANKS.get(self.field.kind, "")

    @property
    def cohort_name(self) -> str | None:
        return self.name if self.cohort == "" else self.cohort


@dataclass(frozen=True)
class HistoryTable:
    """One history table's columns, in order."""

    name: str
    columns: tuple[HistoryColumn, ...]

    def __getitem__(self, name: str) -> HistoryColumn:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @cached_property
    def contract(self) -> Contract:
        """The fields as a reading contract (header matching and row checks)."""
        return Contract(tuple(c.field for c in self.columns))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def dtypes(self) -> dict[str, str]:
        return {c.name: c.internal_dtype for c in self.columns}

    def of_kind(self, kind: str) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.field.kind == kind)

    def sdtm_mapping(self, domain: str) -> dict[str, str]:
        """Column -> SDTM variable, for the columns read from ``domain`` ("DM")."""
        return {c.name: c.sdtm_variable for c in self.columns if c.sdtm and c.sdtm_domain == domain}

    def complete(self, frame: pd.DataFrame, what: str, **fills: object) -> pd.DataFrame:
        """``frame`` with every column of the table: an absent optional one filled (``fills`` first, then its
        default); an absent required one is an error, never a silently missing column."""
        missing = [c.name for c in self.columns if c.name not in frame and c.field.required]
        if missing:
            raise ValueError(
                f"{what} has no values for the required {self.name} "
                f"{'column' if len(missing) == 1 else 'columns'} {', '.join(missing)}"
            )
        absent = [c for c in self.columns if c.name not in frame]
        out = frame.copy() if absent else frame
        for column in absent:
            fill = fills.get(column.name, column.fill)
            out[column.name] = pd.Series([fill] * len(out), index=out.index, dtype=object)
        return out

    def adding(self, *columns: HistoryColumn) -> HistoryTable:
        return replace(self, columns=(*self.columns, *columns))


@dataclass(frozen=True)
class HistoryContract:
    """The three tables of a trial history, and the cohort contract their snapshot rows are read by."""

    subjects: HistoryTable
    visits: HistoryTable
    adverse_events: HistoryTable
    cohort: Contract = CONTRACT

    @property
    def tables(self) -> dict[str, HistoryTable]:
        return {SUBJECTS: self.subjects, VISITS: self.visits, ADVERSE_EVENTS: self.adverse_events}

    @property
    def contracts(self) -> dict[str, Contract]:
        return {name: table.contract for name, table in self.tables.items()}

    def carried(self) -> dict[str, str]:
        """Subject column -> cohort field, for every subject column the cohort contract also declares."""
        names = ((c.name, c.cohort_name) for c in self.subjects.columns)
        return {name: cohort for name, cohort in names if cohort is not None and cohort in self.cohort}

    def adding(self, table: str, *columns: HistoryColumn, cohort: Contract | None = None) -> HistoryContract:
        """This contract with more columns in ``table`` (and, given, another cohort contract)."""
        grown = {table: self.tables[table].adding(*columns)}
        return replace(self, **grown, cohort=cohort if cohort is not None else self.cohort)
