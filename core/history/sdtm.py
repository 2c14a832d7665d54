"""A trial history in CDISC SDTM (DM, DS, SV, AE, TS and TV when present; .xpt or CSV) -> ``TrialHistory``.

* DM gives the subjects: USUBJID, SITEID, AGE, SEX, ARM (ARMCD when there is no ARM) and RFSTDTC,
  the reference start = study day 1. Screen failures (ARMCD "Scrnfail" or "NOTASSGN", or a DS
  "SCREEN FAILURE") were never enrolled: their rows in every domain are set aside and counted.
* DS gives the status and end date (``core.history.sdtm_disposition``); no disposition event = ongoing.
* SV gives the visits (SVSTDTC). Visits before day 1 are screening and set aside; so are unscheduled
  visits (VISIT "UNSCHEDULED ..." or no planned VISITDY), because the features count scheduled visits.
* AE gives the adverse events: AESTDTC, AESER, AESEV. An event before day 1 is a problem.
* When a --DTC date is empty or partial but the study day (--STDY) is given, the date is taken from it.
* TS gives the phase (TPHASE) and planned length (LENGTH); TV, when present, the planned visit days.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from core.formatting import things
from core.history.assemble import assemble
from core.history.checks import SCREEN_FAILURE_REASON, check_events, check_subject_dates
from core.history.columns import HistoryContract
from core.history.contracts import HISTORY, trial_phase
from core.history.read_report import TableReport
from core.history.sdtm_disposition import (
    DS_CONTRACT,
    DS_MAPPING,
    attach_dispositions,
    flag_unknown_patients,
    latest_dispositions,
)
from core.history.sources import Source, name_words, read_sources
from core.history.trial_design import read_trial_summary, read_trial_visits
from core.history.trial_history import TrialHistory
from core.history.validation import CheckedTable, raise_if_ambiguous, validate_table
from core.paths import DATA_DIR
from core.reading.contract import ID_COLUMN, Contract
from core.reading.dates import parse_dates
from core.reading.errors import SchemaError

CDISC_PILOT_DIR = DATA_DIR / "cdiscpilot01"  # the public CDISC Pilot 01 trial (see its README)
DOMAINS = ("DM", "DS", "SV", "AE", "TS", "TV")
NEVER_ENROLLED_ARMS = {"SCRNFAIL", "NOTASSGN"}
STUDY_DAYS = {"DS": ("DSSTDTC", "DSSTDY"), "SV": ("SVSTDTC", "SVSTDY"), "AE": ("AESTDTC", "AESTDY")}


def _domain_of(source: Source) -> str | None:
    """The DOMAIN column's value, or the one domain name among the file name's words."""
    if "DOMAIN" in source.frame and len(source.frame):
        value = str(source.frame["DOMAIN"].iloc[0]).strip().upper()
        if value in DOMAINS:
            return value
    matches = [d for d in DOMAINS if d.lower() in name_words(source.name)]
    return matches[0] if len(matches) == 1 else None


def find_domains(sources: list[Source]) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for source in sources:
        domain = _domain_of(source)
        if domain is None:
            continue
        if domain in found:
            raise SchemaError(f"Both {found[domain].label} and {source.label} hold the {domain} domain; give one.")
        found[domain] = source
    missing = [d for d in ("DM", "DS", "SV") if d not in found]
    if missing:
        raise SchemaError(
            f"The SDTM files lack the {', '.join(missing)} {'domain' if len(missing) == 1 else 'domains'}; "
            "DM, DS and SV are needed."
        )
    return found


def _from_study_day(source: Source, domain: str, starts: pd.Series) -> tuple[Source, int]:
    """Where the --DTC date is not a full date but the study day is given, write the date that day means."""
    dtc, dy = STUDY_DAYS[domain]
    frame = source.frame
    if not {dy, dtc, "USUBJID"} <= set(frame.columns):
        return source, 0  # nothing to fill from (a missing column is reported by the row checks)
    day = pd.to_numeric(frame[dy], errors="coerce")
    start = pd.to_datetime(frame["USUBJID"].str.strip().map(starts))
    need = parse_dates(frame[dtc]).dates.isna() & day.notna() & (day != 0) & start.notna()
    if not need.any():
        return source, 0
    offset = np.where(day[need] >= 1, day[need] - 1, day[need]).astype("int64")  # SDTM has no day 0
    frame = frame.copy()
    frame.loc[need, dtc] = (start[need] + pd.to_timedelta(offset, unit="D")).dt.strftime("%Y-%m-%d")
    return Source(source.label, source.name, frame, source.first_row), int(need.sum())


def _check(source: Source, contract: Contract, mapping: dict[str, str], day_first: bool | None) -> CheckedTable:
    present = {name: header for name, header in mapping.items() if header in source.frame}
    domain = _domain_of(source) or source.name
    return validate_table(
        source.frame,
        contract,
        present,
        table=domain,
        source=source.label,
        day_first=day_first,
        first_row=source.first_row,
    )


def _by_row(checked: CheckedTable, source: Source, column: str) -> pd.Series:
    """A column of the source as written, aligned with the checked rows (blank lines were skipped)."""
    values = source.frame.get(column, pd.Series("", index=source.frame.index)).astype(str).str.strip().str.upper()
    return pd.Series(values.to_numpy()[checked.raw.index - source.first_row], index=checked.raw.index)


def _set_aside_unscheduled(sv: CheckedTable, source: Source) -> None:
    visit, planned = _by_row(sv, source, "VISIT"), _by_row(sv, source, "VISITDY")
    unscheduled = visit.str.startswith("UNSCHED") | (planned.eq("") & bool(planned.ne("").any()))
    reason = "unscheduled visit (no planned study day): only scheduled visits are counted"
    sv.set_aside(unscheduled, "visit_date", reason)


def _trial_level(found: dict[str, Source]) -> tuple[str | None, int | None, tuple[int, ...], list[TableReport]]:
    phase: str | None = None
    planned: int | None = None
    schedule: tuple[int, ...] = ()
    reports: list[TableReport] = []
    if "TS" in found:
        ts = found["TS"]
        phase, planned, report = read_trial_summary(ts.frame, ts.label, ts.first_row)
        reports.append(report)
    if "TV" in found:
        tv = found["TV"]
        schedule, report = read_trial_visits(tv.frame, tv.label, tv.first_row)
        reports.append(report)
    return phase, planned, schedule, reports


def read_sdtm(
    files: Mapping[str, bytes],
    *,
    day_first: bool | None = None,
    phase: str | None = None,
    max_upload_mb: float | None = None,
    contract: HistoryContract = HISTORY,
) -> TrialHistory:
    """Read SDTM domains from ``files`` (file name -> bytes, .xpt or CSV; recognised by DOMAIN or file name).

    ``phase`` is needed only when there is no TS domain with TPHASE; ``day_first`` as in the three-table reader;
    ``contract`` declares the tables and where each column comes from.
    """
    found = find_domains(read_sources(files, max_upload_mb=max_upload_mb))
    arm = "ARM" if "ARM" in found["DM"].frame else "ARMCD"
    dm_mapping = contract.subjects.sdtm_mapping("DM") | {"arm": arm}
    dm = _check(found["DM"], contract.subjects.contract, dm_mapping, day_first)
    failures = set(dm.raw.loc[_by_row(dm, found["DM"], "ARMCD").isin(NEVER_ENROLLED_ARMS), ID_COLUMN].str.strip())
    starts = pd.Series(dm.typed["enrolment_date"].to_numpy(), index=dm.raw[ID_COLUMN].str.strip())
    starts = starts[~starts.index.duplicated()]
    notes, domains = [], {}
    for domain in ("DS", "SV", "AE"):
        if domain in found:
            domains[domain], filled = _from_study_day(found[domain], domain, starts)
            if filled:
                dtc, dy = STUDY_DAYS[domain]
                notes.append(f"{domain}: {things(filled, 'date')} taken from {dy} because {dtc} was empty or partial.")
    ds = _check(domains["DS"], DS_CONTRACT, DS_MAPPING, day_first)
    sv = _check(domains["SV"], contract.visits.contract, contract.visits.sdtm_mapping("SV"), day_first)
    events = contract.adverse_events
    ae = _check(domains["AE"], events.contract, events.sdtm_mapping("AE"), day_first) if "AE" in domains else None
    raise_if_ambiguous([t for t in (dm, ds, sv, ae) if t is not None])

    dispositions = latest_dispositions(ds, failures)
    dm.set_aside(dm.raw[ID_COLUMN].str.strip().isin(failures), ID_COLUMN, SCREEN_FAILURE_REASON)
    attach_dispositions(dm, ds, dispositions)
    check_subject_dates(dm)
    subjects = dm.usable.assign(**{ID_COLUMN: lambda f: f[ID_COLUMN].astype(str).str.strip()})
    rejected = set(dm.raw.loc[dm.problem_rows, ID_COLUMN].str.strip())
    flag_unknown_patients(ds, set(subjects[ID_COLUMN]) | rejected)
    _set_aside_unscheduled(sv, domains["SV"])
    check_events(
        sv, "visit_date", subjects, rejected=rejected, screen_failures=failures, what="visit", early="set aside"
    )
    if ae is not None:
        check_events(ae, "onset_date", subjects, rejected=rejected, screen_failures=failures, what="adverse event")

    phase_text, planned, schedule, trial_reports = _trial_level(found)
    chosen = phase or phase_text
    if chosen is None:
        raise SchemaError("There is no TS domain with the trial phase (TPHASE). Add TS or say the trial's phase.")
    dm.typed["planned_days"] = planned
    return assemble(
        dm,
        sv,
        ae,
        phase=trial_phase(chosen),
        screen_failures=len(failures & set(dm.raw[ID_COLUMN].str.strip())),
        other_reports=(ds.report(), *trial_reports),
        notes=tuple(notes),
        schedule=schedule,
        contract=contract,
    )


def read_sdtm_folder(folder: Path, **options: object) -> TrialHistory:
    """Every .xpt and .csv file of ``folder`` read as SDTM (for tests, the benchmark and the command line)."""
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix.lower() in (".xpt", ".csv")}
    return read_sdtm(files, **options)  # type: ignore[arg-type]
