"""The input contract: one table of the fields a cohort file may hold, declared once.

Reading and validation, header matching, the patient form, the drift inputs and the README's
contract table are all derived from ``CONTRACT``. Adding an input means one ``Field`` here (and a
feature in ``core.model.features`` plus a retrain if the model is to use it).

Category fields with ``open_levels`` take their levels from the model in use (a model trained on a
trial knows that trial's own arm names); ``Contract.with_levels`` makes that version of the contract.
"""

from __future__ import annotations

from core.reading.fields import KINDS, Contract, Field, normalise_header, normalise_level

ID_COLUMN = "patient_id"
SITE_COLUMN = "site_id"
OUTCOME_COLUMN = "dropout"


def _phase_synonyms() -> dict[str, str]:
    words = {"Phase I": ("i", "1", "one"), "Phase II": ("ii", "2", "two"), "Phase III": ("iii", "3", "three")}
    synonyms = {spelling: level for level, spellings in words.items() for spelling in spellings}
    # Sub-phases belong to their phase: a Phase IIa (dose-finding) or IIb (efficacy) patient is a Phase II
    # patient, Ib is Phase I and IIIb (after submission) Phase III; the model knows only the three phases.
    for spelling, level in list(synonyms.items()):
        if spelling not in ("one", "two", "three"):
            synonyms.update({spelling + "a": level, spelling + "b": level})
    return synonyms


CONTRACT = Contract(
    (
        Field(
            ID_COLUMN,
            "text",
            "Patient ID",
            "The trial's subject identifier (for your reference; it does not change the risk).",
            unique=True,
            example="NEW-001",
            synonyms=("subject id", "usubjid", "subjid", "participant id"),
            generic_synonyms=("id", "patient", "subject", "participant"),
            drift=False,
        ),
        Field(
            "age",
            "integer",
            "Age (years)",
            "Age in years.",
            unit="years",
            low=18,
            high=100,
            example=55,
            synonyms=("age years", "age yrs"),
            may_be_blank=True,
        ),
        Field(
            "gender",
            "category",
            "Gender",
            "Gender as recorded in the trial.",
            levels=("Male", "Female", "Other"),
            level_synonyms={"m": "Male", "f": "Female", "o": "Other"},
            synonyms=("sex",),
            may_be_blank=True,
            example="Female",
            note="any case; M/F accepted",
        ),
        Field(
            "treatment_group",
            "category",
            "Treatment arm",
            "The arm the patient was randomised to.",
            levels=("Active", "Control", "Placebo"),
            open_levels=True,
            level_synonyms={
                "treatment": "Active",
                "drug": "Active",
                "standardofcare": "Control",
                "soc": "Control",
                "pbo": "Placebo",
            },
            synonyms=("arm", "treatment arm", "study arm", "armcd"),
            generic_synonyms=("treatment", "group"),
            example="Active",
            note="any case",
        ),
        Field(
            "trial_phase",
            "category",
            "Trial phase",
            "Phase of the trial the patient is enrolled in.",
            levels=("Phase I", "Phase II", "Phase III"),
            level_synonyms=_phase_synonyms(),
            level_prefixes=("phase", "ph", "p"),
            synonyms=("study phase",),
            generic_synonyms=("phase",),
            level_noun="phase",
            example="Phase II",
            note='"Phase 2", "II", "phase ii" all mean Phase II; any other phase (IV, 2/3, N/A) or none is not used',
            drift=False,
            may_be_blank=True,  # the column is expected (a cohort file says its phase); a blank cell is a gap
            unknown_is_blank=True,
        ),
        Field(
            "days_in_trial",
            "integer",
            "Days in the trial",
            "Days since enrollment, as of the snapshot day.",
            unit="days",
            low=1,
            high=2000,
            example=90,
            synonyms=("days in study", "study day", "days enrolled", "days on study"),
            generic_synonyms=("days",),
            or_from=("enrolment_date",),
        ),
        Field(
            "visits_completed",
            "integer",
            "Visits attended",
            "Scheduled visits the patient has attended so far.",
            unit="visits",
            low=0,
            example=6,
            synonyms=("visits attended", "completed visits", "num visits"),
            generic_synonyms=("visits",),
        ),
        Field(
            "last_visit_day",
            "integer",
            "Study day of the last visit",
            "The study day of the last attended visit; 0 if none yet.",
            unit="study day",
            low=0,
            high=2000,
            at_most="days_in_trial",
            example=84,
            synonyms=("last visit", "last visit study day", "day of last visit"),
            note="0 = no visit yet",
            or_from=("enrolment_date", "last_visit_date"),
        ),
        Field(
            "adverse_events",
            "integer",
            "Adverse events",
            "Adverse events reported so far.",
            unit="events",
            low=0,
            example=1,
            synonyms=("ae count", "aes", "ae", "num aes", "adverse event count", "n ae"),
            may_be_blank=True,
        ),
        # Dates a file may give instead of day counts; with an as-of date they become days_in_trial and
        # last_visit_day (core.reading.dated).
        Field(
            "enrolment_date",
            "date",
            "Enrolment date",
            "The patient's day 1 in the trial (randomisation or first "
            "dose). With it, days in the trial are counted to the as-of date.",
            required=False,
            in_form=False,
            drift=False,
            synonyms=(
                "enrollment date",
                "date enrolled",
                "enrolled",
                "randomisation date",
                "randomization date",
                "start date",
                "rfstdtc",
                "first dose date",
            ),
            note="instead of days_in_trial, with an as-of date (ISO, Excel or day/month text; asked when unclear)",
        ),
        Field(
            "last_visit_date",
            "date",
            "Last visit date",
            "The date of the last attended visit; empty if none yet.",
            required=False,
            in_form=False,
            drift=False,
            synonyms=("date of last visit", "last visit on"),
            note="instead of last_visit_day, with the enrolment date",
        ),
        # What a trial history's events add (core.history); optional in a cohort file, used by models trained
        # on a trial that learned from them.
        Field(
            "visits_missed",
            "number",
            "Scheduled visits missed",
            "Scheduled visits missed so far, where the trial's visit schedule is known.",
            unit="visits",
            required=False,
            low=0,
            in_form=False,
            synonyms=("missed visits", "visits missed"),
        ),
        Field(
            "last_gap_in_intervals",
            "number",
            "Visit gap in usual intervals",
            "Days since the last visit divided by the trial's usual days between visits.",
            required=False,
            low=0,
            in_form=False,
        ),
        Field(
            "adverse_events_last_30_days",
            "integer",
            "Adverse events, last 30 days",
            "Adverse events with onset in the last 30 days.",
            unit="events",
            required=False,
            low=0,
            in_form=False,
            synonyms=("recent adverse events", "ae last 30 days", "aes last 30 days"),
        ),
        Field(
            "serious_adverse_events",
            "integer",
            "Serious adverse events",
            "Serious adverse events so far.",
            unit="events",
            required=False,
            low=0,
            in_form=False,
            synonyms=("serious aes", "saes", "sae count"),
        ),
        Field(
            "severe_adverse_events",
            "integer",
            "Severe adverse events",
            "Severe adverse events so far.",
            unit="events",
            required=False,
            low=0,
            in_form=False,
            synonyms=("severe aes",),
        ),
        Field(
            SITE_COLUMN,
            "text",
            "Site",
            "The trial site (for per-site views).",
            required=False,
            synonyms=("site number", "site no"),
            generic_synonyms=("site", "centre", "center"),
            example="S01",
            blank_value="Unknown",
            in_form=False,
            drift=False,
            note="empty cells become Unknown",
        ),
        Field(
            OUTCOME_COLUMN,
            "yes/no",
            "Dropped out",
            "The observed outcome, when known: the app can then check the model against what happened.",
            required=False,
            synonyms=("dropped out", "withdrawn", "withdrew", "discontinued"),
            generic_synonyms=("outcome",),
            in_form=False,
            drift=False,
        ),
    )
)


__all__ = [
    "CONTRACT",
    "ID_COLUMN",
    "KINDS",
    "OUTCOME_COLUMN",
    "SITE_COLUMN",
    "Contract",
    "Field",
    "normalise_header",
    "normalise_level",
]
