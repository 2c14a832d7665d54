"""The building blocks of an input contract: a ``Field`` (one column, its rules, spellings and words) and a
``Contract`` (the fields in order, with what is derived from them). The product's own contract, the table
of cohort fields, is ``core.reading.contract.CONTRACT``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

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
    or_from: tuple[str, ...] = ()  # the date fields it may be computed from instead (core.reading.dated)
    may_be_blank: bool = False  # a blank cell is not a problem (the model copes); the column must still be present
    unknown_is_blank: bool = False  # a value that names no level (or two) is read as blank, never a problem
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
    def blank_allowed(self) -> bool:
        """An empty cell is no problem: the field may be blank, or is optional altogether."""
        return self.may_be_blank or not self.required

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
                # An arm the model never learned (the demo's "Active" under a trial model) is a gap it averages
                # over (core.model.gaps), listed as not recorded, never a reason to refuse the patient.
                spec = replace(spec, levels=new, level_synonyms=synonyms, unknown_is_blank=True, may_be_blank=True)
            fields.append(spec)
        return Contract(tuple(fields))

    def asking(self, names: tuple[str, ...] | list[str]) -> Contract:
        """This contract with these fields asked on the Patient page too (the inputs a model reads), optional
        as they are: a field left empty there is not recorded, and the model copes (``core.model.gaps``)."""
        wanted = set(names)
        return Contract(tuple(replace(s, in_form=True) if s.name in wanted and s.numeric else s for s in self))

    def requiring(self, names: tuple[str, ...] | list[str]) -> Contract:
        """This contract with these fields required (the inputs a model reads); the others as they are."""
        wanted = set(names)
        return Contract(tuple(replace(s, required=True) if s.name in wanted and not s.or_from else s for s in self))

    def adding(self, *extra: Field) -> Contract:
        """This contract with more fields (tests and future inputs)."""
        return Contract((*self.fields, *extra))
