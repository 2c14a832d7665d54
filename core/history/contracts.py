"""The three tables of a trial history, declared once like the cohort contract: each column's field (name,
kind, header spellings, required or not), its SDTM source, and, where it differs from the field, its internal
type, default and cohort name (``core.history.columns``).

Fields that the cohort contract already declares (age, gender, site) are taken from it, so a history
accepts what a cohort file accepts; a subject column that is also a cohort field is carried into every
snapshot row. Status, attendance, seriousness and severity are read by the word tables in
``core.history.statuses``; their kind here is text.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from core.history import vocabulary as words
from core.history.columns import (
    ADVERSE_EVENTS,
    SUBJECTS,
    TABLES,
    VISITS,
    HistoryColumn,
    HistoryContract,
    HistoryTable,
)
from core.reading.contract import CONTRACT, ID_COLUMN, SITE_COLUMN, Field
from core.reading.rules import Column, check_category

__all__ = [
    "ADVERSE_EVENTS",
    "ADVERSE_EVENTS_CONTRACT",
    "CONTRACTS",
    "HISTORY",
    "SUBJECTS",
    "SUBJECTS_CONTRACT",
    "TABLES",
    "VISITS",
    "VISITS_CONTRACT",
    "HistoryColumn",
    "HistoryContract",
    "trial_phase",
]


def _patient_id(unique: bool) -> Field:
    spec = CONTRACT[ID_COLUMN]
    return replace(spec, unique=unique, synonyms=(*spec.synonyms, *words.ID_SPELLINGS))


def _phase() -> Field:
    spec = CONTRACT["trial_phase"]
    # "Phase II Trial" (SDTM TS), "Phase 2b": the word "trial" and a sub-phase letter do not change the phase.
    extra = {key + tail: level for key, level in spec.level_synonyms.items() for tail in ("trial", "a", "b")}
    return replace(
        spec,
        name="phase",
        required=False,
        level_synonyms={**spec.level_synonyms, **extra},
        synonyms=("trial phase", "study phase", "trial_phase", "tphase"),
    )


def _own(
    kind: str,
    name: str,
    label: str,
    help_text: str,
    synonyms: tuple[str, ...],
    required: bool,
    generic: tuple[str, ...],
) -> Field:
    """A history field with no cohort twin: never in the patient form, never compared for drift."""
    return Field(
        name,
        kind,
        label,
        help_text,
        required=required,
        synonyms=synonyms,
        generic_synonyms=generic,
        drift=False,
        in_form=False,
    )


def _date(
    name: str,
    label: str,
    help_text: str,
    synonyms: tuple[str, ...],
    required: bool = True,
    generic: tuple[str, ...] = (),
) -> Field:
    return _own("date", name, label, help_text, synonyms, required, generic)


def _text(
    name: str,
    label: str,
    help_text: str,
    synonyms: tuple[str, ...],
    required: bool = False,
    generic: tuple[str, ...] = (),
) -> Field:
    return _own("text", name, label, help_text, synonyms, required, generic)


SUBJECTS_TABLE = HistoryTable(
    SUBJECTS,
    (
        HistoryColumn(_patient_id(unique=True), sdtm="DM.USUBJID"),
        HistoryColumn(
            replace(CONTRACT[SITE_COLUMN], synonyms=(*CONTRACT[SITE_COLUMN].synonyms, *words.SITE_SPELLINGS)),
            sdtm="DM.SITEID",
        ),
        HistoryColumn(
            replace(CONTRACT["age"], synonyms=(*CONTRACT["age"].synonyms, *words.AGE_SPELLINGS)), sdtm="DM.AGE"
        ),
        HistoryColumn(replace(CONTRACT["gender"], synonyms=words.SEX_SPELLINGS), sdtm="DM.SEX"),
        HistoryColumn(
            _text(
                "arm",
                "Treatment arm",
                "The arm the patient was randomised to, in the trial's own words.",
                words.ARM_SPELLINGS,
                required=True,
                generic=("treatment", "group", "cohort", "trt"),
            ),
            sdtm="DM.ARM",  # ARMCD when there is no ARM (core.history.sdtm)
            cohort="treatment_group",
        ),
        # The trial's phase when the table has no phase column: read_three_tables' or TS's (core.history.assemble).
        HistoryColumn(_phase(), sdtm="TS.TPHASE", cohort="trial_phase"),
        HistoryColumn(
            _date(
                "enrolment_date",
                "Enrolment date",
                "The reference start: study day 1 (randomisation or first dose).",
                words.ENROLMENT_SPELLINGS,
            ),
            sdtm="DM.RFSTDTC",
            cohort=None,  # becomes days_in_trial; as a date it would give the cohort reader a second way to count
        ),
        HistoryColumn(
            _text(
                "status",
                "Status",
                "completed, withdrawn (or the reason for leaving), or ongoing; blank means ongoing.",
                words.STATUS_SPELLINGS,
                generic=("status", "outcome", "disposition"),
            ),
            sdtm="DS.DSDECOD",  # the latest disposition event (core.history.sdtm_disposition)
            default="ongoing",
        ),
        HistoryColumn(
            _date(
                "end_date",
                "End date",
                "The date the patient completed or left the trial; blank while ongoing.",
                words.END_SPELLINGS,
                generic=("end", "ended", "exit"),
                required=False,
            ),
            sdtm="DS.DSSTDTC",
        ),
        HistoryColumn(
            Field(
                "planned_days",
                "integer",
                "Planned length (days)",
                "The trial's planned length for this patient, in days.",
                required=False,
                low=1,
                high=2000,
                synonyms=("planned length", "planned duration", "planned length days", "planned duration days"),
                drift=False,
                in_form=False,
            ),
            sdtm="TS.LENGTH",
        ),
        # The status as the export wrote it ("lost to follow-up", "died") when it says more than the three values,
        # or the export's own reason column: what a later change needs to tell one ending from another.
        HistoryColumn(
            _text(
                "reason",
                "Reason for leaving",
                "Why the patient left, in the export's own words (kept as written; not read by the model).",
                words.REASON_SPELLINGS,
                generic=("reason",),
            ),
            cohort=None,
        ),
    ),
)

VISITS_TABLE = HistoryTable(
    VISITS,
    (
        HistoryColumn(_patient_id(unique=False), sdtm="SV.USUBJID"),
        HistoryColumn(
            _date(
                "visit_date",
                "Visit date",
                "The date of the visit (the planned date for a missed one).",
                words.VISIT_DATE_SPELLINGS,
                generic=("date",),
            ),
            sdtm="SV.SVSTDTC",
        ),
        # SV lists attended visits only, so it has no source for this.
        HistoryColumn(
            _text(
                "attended",
                "Attended",
                'Whether the visit took place: yes (or blank) or "missed"/no.',
                words.ATTENDED_SPELLINGS,
                generic=("status", "done", "completed", "present"),
            ),
            dtype="bool",
            default=True,
        ),
    ),
)

ADVERSE_EVENTS_TABLE = HistoryTable(
    ADVERSE_EVENTS,
    (
        HistoryColumn(_patient_id(unique=False), sdtm="AE.USUBJID"),
        HistoryColumn(
            _date(
                "onset_date",
                "Onset date",
                "The date the adverse event started.",
                words.ONSET_SPELLINGS,
                generic=("date", "start", "onset"),
            ),
            sdtm="AE.AESTDTC",
        ),
        HistoryColumn(
            _text("serious", "Serious", "Whether the event was serious (Y/N).", words.SERIOUS_SPELLINGS),
            sdtm="AE.AESER",
            dtype="bool",
            default=False,
        ),
        HistoryColumn(
            _text(
                "severity",
                "Severity",
                "mild, moderate or severe (or a CTCAE grade 1 to 5).",
                words.SEVERITY_SPELLINGS,
                generic=("grade", "intensity"),
            ),
            sdtm="AE.AESEV",
        ),
    ),
)

HISTORY = HistoryContract(SUBJECTS_TABLE, VISITS_TABLE, ADVERSE_EVENTS_TABLE)
SUBJECTS_CONTRACT = SUBJECTS_TABLE.contract
VISITS_CONTRACT = VISITS_TABLE.contract
ADVERSE_EVENTS_CONTRACT = ADVERSE_EVENTS_TABLE.contract
CONTRACTS = HISTORY.contracts


def read_phase(values: pd.Series) -> pd.Series:
    """Each cell's phase: Phase I, II or III as the models know them, else "" (not recorded: Phase IV, 2/3, N/A).

    A phase the models do not know is a gap in the inputs, never a problem with the row.
    """
    spec = SUBJECTS_CONTRACT["phase"]
    frame = pd.DataFrame({"phase": values.astype(str)})
    read, _, _ = check_category(Column(replace(spec, required=False), spec.label), frame)
    return read.astype(object).where(read.notna(), "")


def trial_phase(phase: str) -> str:
    """A phase as the user wrote it ("2", "Phase II Trial") -> Phase I / II / III, or "" for any other phase."""
    return str(read_phase(pd.Series([phase])).iloc[0])
