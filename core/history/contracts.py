"""The three tables of a trial history, declared once like the cohort contract: fields, kinds, header spellings.

Fields that the cohort contract already declares (age, gender, site) are taken from it, so a history
accepts what a cohort file accepts. Status, attendance, seriousness and severity are read by the word
tables in ``core.history.statuses``; their kind here is text.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from core.reading.contract import CONTRACT, ID_COLUMN, SITE_COLUMN, Contract, Field
from core.reading.errors import SchemaError
from core.reading.rules import Column, check_category

SUBJECTS, VISITS, ADVERSE_EVENTS = "subjects", "visits", "adverse_events"
TABLES = (SUBJECTS, VISITS, ADVERSE_EVENTS)


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


SUBJECTS_CONTRACT = Contract(
    (
        _patient_id(unique=True),
        replace(CONTRACT[SITE_COLUMN], synonyms=(*CONTRACT[SITE_COLUMN].synonyms, "siteid", "site code")),
        CONTRACT["age"],
        CONTRACT["gender"],
        _text(
            "arm",
            "Treatment arm",
            "The arm the patient was randomised to, in the trial's own words.",
            ("treatment_group", "treatment", "group", "treatment arm", "study arm", "armcd", "randomised arm"),
            required=True,
        ),
        _phase(),
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
        _text(
            "status",
            "Status",
            "completed, withdrawn (or the reason for leaving), or ongoing; blank means ongoing.",
            ("disposition", "outcome", "completion status", "subject status", "study status", "dsdecod"),
        ),
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
    )
)

VISITS_CONTRACT = Contract(
    (
        _patient_id(unique=False),
        _date(
            "visit_date",
            "Visit date",
            "The date of the visit (the planned date for a missed one).",
            ("date", "date of visit", "svstdtc", "visit start date"),
        ),
        _text(
            "attended",
            "Attended",
            'Whether the visit took place: yes (or blank) or "missed"/no.',
            ("attendance", "visit status", "status", "visit done", "done"),
        ),
    )
)

ADVERSE_EVENTS_CONTRACT = Contract(
    (
        _patient_id(unique=False),
        _date(
            "onset_date",
            "Onset date",
            "The date the adverse event started.",
            ("onset", "start date", "ae start date", "aestdtc", "date of onset", "event date", "ae date", "date"),
        ),
        _text("serious", "Serious", "Whether the event was serious (Y/N).", ("aeser", "sae", "seriousness")),
        _text(
            "severity",
            "Severity",
            "mild, moderate or severe (or a CTCAE grade 1 to 5).",
            ("aesev", "grade", "intensity", "ctcae grade", "toxicity grade", "aetoxgr"),
        ),
    )
)

CONTRACTS = {SUBJECTS: SUBJECTS_CONTRACT, VISITS: VISITS_CONTRACT, ADVERSE_EVENTS: ADVERSE_EVENTS_CONTRACT}


def trial_phase(phase: str) -> str:
    """A phase as the user wrote it ("2", "Phase II Trial") -> Phase I / II / III; SchemaError otherwise."""
    spec = SUBJECTS_CONTRACT["phase"]
    values, _, bad = check_category(Column(spec, spec.label), pd.DataFrame({"phase": [phase]}))
    if bool(bad.iloc[0]):
        raise SchemaError(f'The trial phase "{phase}" is not one of {", ".join(spec.levels)}.')
    return str(values.iloc[0])
