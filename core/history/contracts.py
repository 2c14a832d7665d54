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
from core.reading.errors import SchemaError
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
    extra = ("subject number", "patient number", "screening number", "subject identifier")
    return replace(spec, unique=unique, synonyms=(*spec.synonyms, *extra))


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


def _date(name: str, label: str, help_text: str, synonyms: tuple[str, ...], required: bool = True) -> Field:
    return Field(name, "date", label, help_text, required=required, synonyms=synonyms, drift=False, in_form=False)


def _text(name: str, label: str, help_text: str, synonyms: tuple[str, ...], required: bool = False) -> Field:
    return Field(name, "text", label, help_text, required=required, synonyms=synonyms, drift=False, in_form=False)


SUBJECTS_TABLE = HistoryTable(
    SUBJECTS,
    (
        HistoryColumn(_patient_id(unique=True), sdtm="DM.USUBJID"),
        HistoryColumn(
            replace(CONTRACT[SITE_COLUMN], synonyms=(*CONTRACT[SITE_COLUMN].synonyms, "siteid", "site code")),
            sdtm="DM.SITEID",
        ),
        HistoryColumn(CONTRACT["age"], sdtm="DM.AGE"),
        HistoryColumn(CONTRACT["gender"], sdtm="DM.SEX"),
        HistoryColumn(
            _text(
                "arm",
                "Treatment arm",
                "The arm the patient was randomised to, in the trial's own words.",
                ("treatment_group", "treatment", "group", "treatment arm", "study arm", "armcd", "randomised arm"),
                required=True,
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
                (
                    "enrollment date",
                    "enrolment",
                    "enrollment",
                    "date enrolled",
                    "enrolled on",
                    "enrolled",
                    "date of enrolment",
                    "date of enrollment",
                    "randomisation date",
                    "randomization date",
                    "start date",
                    "study start date",
                    "reference start date",
                    "rfstdtc",
                    "first dose date",
                    "day 1",
                ),
            ),
            sdtm="DM.RFSTDTC",
            cohort=None,  # becomes days_in_trial; as a date it would give the cohort reader a second way to count
        ),
        HistoryColumn(
            _text(
                "status",
                "Status",
                "completed, withdrawn (or the reason for leaving), or ongoing; blank means ongoing.",
                ("disposition", "outcome", "completion status", "subject status", "study status", "dsdecod"),
            ),
            sdtm="DS.DSDECOD",  # the latest disposition event (core.history.sdtm_disposition)
            default="ongoing",
        ),
        HistoryColumn(
            _date(
                "end_date",
                "End date",
                "The date the patient completed or left the trial; blank while ongoing.",
                (
                    "disposition date",
                    "completion date",
                    "withdrawal date",
                    "discontinuation date",
                    "exit date",
                    "end of study date",
                    "study end date",
                    "dsstdtc",
                ),
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
                ("date", "date of visit", "svstdtc", "visit start date"),
            ),
            sdtm="SV.SVSTDTC",
        ),
        # SV lists attended visits only, so it has no source for this.
        HistoryColumn(
            _text(
                "attended",
                "Attended",
                'Whether the visit took place: yes (or blank) or "missed"/no.',
                ("attendance", "visit status", "status", "visit done", "done"),
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
                ("onset", "start date", "ae start date", "aestdtc", "date of onset", "event date", "ae date", "date"),
            ),
            sdtm="AE.AESTDTC",
        ),
        HistoryColumn(
            _text("serious", "Serious", "Whether the event was serious (Y/N).", ("aeser", "sae", "seriousness")),
            sdtm="AE.AESER",
            dtype="bool",
            default=False,
        ),
        HistoryColumn(
            _text(
                "severity",
                "Severity",
                "mild, moderate or severe (or a CTCAE grade 1 to 5).",
                ("aesev", "grade", "intensity", "ctcae grade", "toxicity grade", "aetoxgr"),
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


def trial_phase(phase: str) -> str:
    """A phase as the user wrote it ("2", "Phase II Trial") -> Phase I / II / III; SchemaError otherwise."""
    spec = SUBJECTS_CONTRACT["phase"]
    values, _, bad = check_category(Column(spec, spec.label), pd.DataFrame({"phase": [phase]}))
    if bool(bad.iloc[0]):
        raise SchemaError(f'The trial phase "{phase}" is not one of {", ".join(spec.levels)}.')
    return str(values.iloc[0])
