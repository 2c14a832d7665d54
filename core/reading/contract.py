"""The input contract: one table of the fields a cohort file may hold, declared once.

Reading and validation, header matching, the patient form, the drift inputs and the README's
contract table are all derived from ``CONTRACT``. Adding an input means one ``Field`` here (and a
feature in ``core.model.features`` plus a retrain if the model is to use it).

Category fields with ``open_levels`` take their levels from the model in use (a model trained on a
trial knows that trial's own arm names); ``Contract.with_levels`` makes that version of the contract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

ID_COLUMN = "patient_id"
SITE_COLUMN = "site_id"
OUTCOME_COLUMN = "dropout"
KINDS = ("integer", "number", "category", "date", "text", "yes/no")


def normalise_header(header: object) -> str:
    """Lower-case letters and digits only: "Patient ID", "patient_id" and "PATIENT-ID" all meet."""
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


@dataclass(frozen=True)
class Field:
    """One column of the contract: what it holds, what is valid, how users may spell it, how it is shown."""

    name: str
    kind: str  # one of KINDS
    label: str  # plain-language name for people (forms, messages)
    help: str
    unit: str = ""
    required: bool = True
    low: float | None = None  # inclusive range for numbers
    high: float | None = None
    at_most: str | None = None  # another field this one may not exceed (last visit day <= days in trial)
    unique: bool = False  # no two rows may share a value (the patient identifier)
    levels: tuple[str, ...] = ()  # the valid values of a category, in a fixed order
    open_levels: bool = False  # levels come from the model in use
    level_synonyms: Mapping[str, str] = field(default_factory=dict)  # normalised spelling -> level
    level_prefixes: tuple[str, ...] = ()  # words dropped before a level is looked up ("phase 2" -> "2")
    synonyms: tuple[str, ...] = ()  # header spellings, compared after normalise_header
    # Spellings that also name other things ("id", "group", "days"): a column headed so is taken only when
    # no column carries the field's own name, label or a specific synonym.
    generic_synonyms: tuple[str, ...] = ()
    may_be_blank: bool = False  # a blank cell is not a problem (the model copes); the column must still be present
    level_noun: str = "value"  # what one level is called in messages: "Phase I/II" is "a combined phase"
    blank_value: str | None = None  # what an empty text cell becomes (None: left empty)
    example: Any = None  # the patient form's starting value
    note: str = ""  # more on what is accepted, for the README's contract table
    in_form: bool = True  # asked on the Patient page
    drift: bool = True  # compared with the training patients

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def numeric(self) -> bool:
        return self.kind in ("integer", "number")

    def specific_spellings(self) -> tuple[str, ...]:
        """The specific header spellings: the field's own name, its label, then its synonyms."""
        return (self.name, self.label, *self.synonyms)

    def level_lookup(self) -> dict[str, str]:
        """Normalised spelling -> level, including each level's own name."""
        lookup = {normalise_level(level): level for level in self.levels}
        lookup.update(self.level_synonyms)
        return lookup

    def valid_values(self) -> str:
        """The rule in words, as the README and messages give it."""
        if self.numeric:
            if self.low is not None and self.high is not None:
                rule = f"{self.low:g} to {self.high:g}"
            else:
                rule = f"{self.low:g} or more" if self.low is not None else "a number"
            if self.at_most:
                rule += f", at most {self.at_most}"
            return rule
        if self.kind == "category":
            return ", ".join(self.levels)
        if self.kind == "yes/no":
            return "1/0 or yes/no; empty if not known"
        if self.unique:
            return "not empty, unique in the file"
        return "any text"


def normalise_level(value: str) -> str:
    """Lower-case letters, digits and dots ("Phase II" -> "phaseii", "F" -> "f")."""
    return re.sub(r"[^a-z0-9.]", "", str(value).lower())


def _phase_synonyms() -> dict[str, str]:
    words = {"Phase I": ("i", "1", "one"), "Phase II": ("ii", "2", "two"), "Phase III": ("iii", "3", "three")}
    synonyms = {spelling: level for level, spellings in words.items() for spelling in spellings}
    # Sub-phases belong to their phase: a Phase IIa (dose-finding) or IIb (efficacy) patient is a Phase II
    # patient, Ib is Phase I and IIIb (after submission) Phase III; the model knows only the three phases.
    for spelling, level in list(synonyms.items()):
        if spelling not in ("one", "two", "three"):
            synonyms.update({spelling + "a": level, spelling + "b": level})
    return synonyms


@dataclass(frozen=True)
class Contract:
    """The fields, in the order files and forms show them."""

    fields: tuple[Field, ...]

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __getitem__(self, name: str) -> Field:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(spec.name == name for spec in self.fields)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields if spec.required)

    def of_kind(self, *kinds: str) -> tuple[Field, ...]:
        return tuple(spec for spec in self.fields if spec.kind in kinds)

    def header_synonyms(self) -> dict[str, str]:
        """Normalised header -> field name (each field's own name and label count as spellings too)."""
        return {key: name for key, (name, _) in self.header_spellings().items()}

    def header_spellings(self) -> dict[str, tuple[str, bool]]:
        """Normalised header -> (field name, whether the spelling is specific rather than generic).

        A spelling listed as generic stays generic even where it is also a label ("Site").
        """
        lookup: dict[str, tuple[str, bool]] = {}
        for spec in self.fields:
            for spelling in spec.generic_synonyms:
                lookup.setdefault(normalise_header(spelling), (spec.name, False))
        for spec in self.fields:
            for spelling in spec.specific_spellings():
                lookup.setdefault(normalise_header(spelling), (spec.name, True))
        return lookup

    def category_levels(self) -> dict[str, tuple[str, ...]]:
        return {spec.name: spec.levels for spec in self.of_kind("category")}

    def with_levels(self, levels: Mapping[str, tuple[str, ...] | list[str]]) -> Contract:
        """This contract with the levels of open category fields replaced (a model's own arm names)."""
        fields = []
        for spec in self.fields:
            if spec.open_levels and spec.name in levels and tuple(levels[spec.name]) != spec.levels:
                new = tuple(levels[spec.name])
                # The generic spellings (placebo, pbo…) still apply where they name one of the new levels.
                synonyms = {k: v for k, v in spec.level_synonyms.items() if v in new}
                spec = replace(spec, levels=new, level_synonyms=synonyms)
            fields.append(spec)
        return Contract(tuple(fields))

    def adding(self, *extra: Field) -> Contract:
        """This contract with more fields (tests and future inputs)."""
        return Contract((*self.fields, *extra))


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
            note='"Phase 2", "II", "phase ii" all mean Phase II',
            drift=False,
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
