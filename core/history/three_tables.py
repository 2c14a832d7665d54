"""A trial history as three tables (subjects, visits, adverse events) -> ``TrialHistory``.

The tables come as several CSV/.xlsx files or as one workbook with a sheet each. Each is recognised
by its file or sheet name ("subjects", "patients", "visits", "AE", "adverse events"...) and, failing
that, by its headers (the table whose contract they match best). The adverse-events table may be
empty or absent. Headers are matched forgivingly by the table contracts in ``core.history.contracts``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from core.history.assemble import assemble
from core.history.checks import SCREEN_FAILURE_REASON, check_events, check_subject_dates
from core.history.columns import TABLES, HistoryContract
from core.history.contracts import ADVERSE_EVENTS, HISTORY, SUBJECTS, VISITS, trial_phase
from core.history.matching import TableMatch, match_table
from core.history.sources import Source, name_words, read_sources
from core.history.statuses import SCREEN_FAILURE
from core.history.trial_history import WITHDRAWN, TrialHistory
from core.history.validation import CheckedTable, raise_if_ambiguous, validate_table
from core.reading.contract import ID_COLUMN
from core.reading.errors import SchemaError

_WORDS = {  # table -> (whole words, word beginnings) that name it; adverse events first ("patient AEs")
    ADVERSE_EVENTS: ({"ae", "aes", "sae", "saes", "safety"}, ("adverse",)),
    VISITS: ({"sv"}, ("visit", "attendance", "encounter", "appointment")),
    SUBJECTS: (
        {"dm", "roster", "registration", "baseline"},
        ("subject", "patient", "particip", "enrol", "demograph", "randomi", "inclusion", "disposition"),
    ),
}
Columns = Mapping[str, Mapping[str, str]]  # table -> field -> the user's header (the user's own matching)


def table_by_name(name: str) -> str | None:
    """The table a file or sheet name says it is, or None."""
    words = name_words(name)
    for table, (whole, beginnings) in _WORDS.items():
        if words & whole or any(word.startswith(beginnings) for word in words):
            return table
    return None


def _own_choice(headers: list[str], chosen: Mapping[str, str]) -> dict[str, str]:
    """The user's matching for a table, as far as these headers hold it (for telling which table they are)."""
    return {name: header for name, header in chosen.items() if header in headers}


def table_by_headers(
    headers: list[str], declared: HistoryContract = HISTORY, columns: Columns | None = None
) -> str | None:
    """The one table whose required fields the headers hold and which they match best, or None."""
    scores = {}
    for table, contract in declared.contracts.items():
        chosen = _own_choice(headers, (columns or {}).get(table, {}))
        found = match_table(headers, contract, chosen).mapping
        if all(name in found for name in contract.required):
            scores[table] = len(found)
    if not scores:
        return None
    best = max(scores.values())
    winners = [table for table, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else None


def recognise(
    sources: list[Source], declared: HistoryContract = HISTORY, columns: Columns | None = None
) -> tuple[dict[str, Source], list[str]]:
    """Table name -> its source, and notes on sources that are none of the three."""
    found: dict[str, Source] = {}
    notes = []
    for source in sources:
        headers = list(source.frame.columns)
        table = table_by_name(source.name) or table_by_headers(headers, declared, columns)
        if table is None:
            notes.append(f"{source.label} is not a subjects, visits or adverse-events table, so it was not read.")
            continue
        if table in found:
            raise SchemaError(
                f"Both {found[table].label} and {source.label} look like the {table.replace('_', ' ')} table. "
                "Give one table per file or sheet, named subjects, visits and adverse events."
            )
        found[table] = source
    for table in (SUBJECTS, VISITS):
        if table not in found:
            names = ", ".join(s.label for s in sources) or "no files"
            raise SchemaError(
                f"No {table} table was found among {names}. Name the file or sheet '{table}', "
                "or give it the columns the table needs."
            )
    return found, notes


def check_columns(columns: Columns | None) -> dict[str, dict[str, str]]:
    """The user's matching as plain dicts; SchemaError for a table that is not one of the three."""
    out: dict[str, dict[str, str]] = {}
    for table, chosen in (columns or {}).items():
        if table not in TABLES:
            raise SchemaError(f'The column matching names a table "{table}"; the tables are {", ".join(TABLES)}.')
        if not isinstance(chosen, Mapping):
            raise SchemaError(f"The column matching for {table} must map each field to a header.")
        out[table] = {str(name): str(header) for name, header in chosen.items()}
    return out


def _check(
    source: Source, table: str, day_first: bool | None, declared: HistoryContract, columns: Columns
) -> CheckedTable:
    contract = declared.contracts[table]
    where = f"{source.label} (the {table.replace('_', ' ')} table)"
    match: TableMatch = match_table(list(source.frame.columns), contract, columns.get(table), where=where)
    return validate_table(
        source.frame,
        contract,
        match.mapping,
        table=table,
        source=source.label,
        day_first=day_first,
        first_row=source.first_row,
        unmatched=match.unmatched,
    )


def _keep_reason(subjects: CheckedTable) -> None:
    """A withdrawn patient's status as written ("lost to follow-up", "died") is their reason, unless a reason
    column gives one for them (a blank reason cell falls back to the status as written)."""
    if "status" not in subjects.raw:
        return
    written = subjects.raw["status"].str.strip().where(subjects.typed["status"] == WITHDRAWN, "")
    if "reason" not in subjects.typed:
        subjects.typed["reason"] = written
        return
    given = subjects.typed["reason"].fillna("").astype(str).str.strip()
    subjects.typed["reason"] = given.where(given != "", written)


def lists_missed_visits(visits: CheckedTable) -> bool:
    """Whether the visits table lists missed visits: an attended column with at least one "no". A column that
    says yes on every row lists attended visits only, so missed visits come from the schedule, as without it."""
    if "attended" not in visits.headers:
        return False
    return bool((visits.usable["attended"] == False).any())  # noqa: E712 (object column of True/False)


def read_three_tables(
    files: Mapping[str, bytes],
    *,
    day_first: bool | None = None,
    phase: str | None = None,
    max_upload_mb: float | None = None,
    contract: HistoryContract = HISTORY,
    columns: Columns | None = None,
) -> TrialHistory:
    """Read subjects, visits and (optionally) adverse events from ``files`` (file name -> bytes).

    ``day_first`` settles numeric dates whose order cannot be told (AmbiguousDatesError otherwise);
    ``phase`` is the trial's phase when the subjects table has no phase column (none: not recorded);
    ``contract`` declares the tables; ``columns`` is the user's own matching (table -> field -> header),
    which wins over the automatic one.
    """
    chosen = check_columns(columns)
    found, notes = recognise(read_sources(files, max_upload_mb=max_upload_mb), contract, chosen)
    subjects = _check(found[SUBJECTS], SUBJECTS, day_first, contract, chosen)
    visits = _check(found[VISITS], VISITS, day_first, contract, chosen)
    listed = found.get(ADVERSE_EVENTS)
    # An empty file (not even a header row) means no adverse events were recorded.
    adverse = (
        _check(listed, ADVERSE_EVENTS, day_first, contract, chosen)
        if listed is not None and len(listed.frame.columns)
        else None
    )
    raise_if_ambiguous([t for t in (subjects, visits, adverse) if t is not None])
    common_phase = trial_phase(phase) if phase is not None else ""
    _keep_reason(subjects)

    status = subjects.typed.get("status", pd.Series("ongoing", index=subjects.typed.index))
    screen_failed = status == SCREEN_FAILURE
    subjects.set_aside(screen_failed, "status", SCREEN_FAILURE_REASON)
    check_subject_dates(subjects)
    usable = subjects.usable
    rejected = set(subjects.raw.loc[subjects.problem_rows, ID_COLUMN].str.strip()) - set(usable[ID_COLUMN])
    failures = set(subjects.typed.loc[screen_failed, ID_COLUMN])
    for events, column, what in ((visits, "visit_date", "visit"), (adverse, "onset_date", "adverse event")):
        if events is not None:
            check_events(events, column, usable, rejected=rejected, screen_failures=failures, what=what)
    return assemble(
        subjects,
        visits,
        adverse,
        phase=common_phase,
        screen_failures=int(screen_failed.sum()),
        notes=tuple(notes),
        missed_visits_listed=lists_missed_visits(visits),
        contract=contract,
    )
