"""What-if: the model's probability for edited copies of one patient.

``actionable_changes`` tries the changes a coordinator can bring about (a visit attended today,
a make-up visit, a shorter gap since the last visit) and ranks them by how much the model says
they lower this patient's risk. Nothing here is a rule of thumb: every figure is a model call.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.model.bundle import ModelBundle
from core.reading.contract import Contract
from core.reading.validation import ValidationResult, validate_frame


@dataclass(frozen=True)
class Change:
    """One edited version of the patient and the model's probability for it."""

    description: str
    edits: dict[str, int]
    probability: float
    baseline: float

    @property
    def delta(self) -> float:
        """Change in dropout probability (negative lowers risk)."""
        return self.probability - self.baseline


def form_fields(contract: Contract) -> tuple[str, ...]:
    """The fields the Patient page asks for, in contract order."""
    return tuple(spec.name for spec in contract if spec.in_form)


def validate_patient(values: dict[str, object], contract: Contract) -> ValidationResult:
    """Validate one patient's fields with the same rules as a cohort file."""
    names = form_fields(contract)
    frame = pd.DataFrame([{name: "" if values.get(name) is None else str(values[name]) for name in names}])
    return validate_frame(frame, {name: name for name in names}, contract, "the form")


def _candidate_edits(patient: dict) -> list[tuple[str, dict[str, int]]]:
    days, visits = int(patient["days_in_trial"]), int(patient["visits_completed"])
    gap = days - int(patient["last_visit_day"])
    candidates = [
        ("Attends a visit today", {"visits_completed": visits + 1, "last_visit_day": days}),
        ("Attends a visit today and one make-up visit", {"visits_completed": visits + 2, "last_visit_day": days}),
    ]
    for shorter in (7, 14, 30):
        if shorter < gap:
            candidates.append(
                (
                    f"Had been seen {shorter} days ago instead of {gap}",
                    {"visits_completed": visits + 1, "last_visit_day": days - shorter},
                )
            )
    return candidates


def actionable_changes(bundle: ModelBundle, patient: pd.DataFrame, top: int = 3) -> list[Change]:
    """The changes that lower this one patient's probability most, best first (only those that lower it)."""
    record = patient.iloc[0].to_dict()
    baseline = float(bundle.predict(patient)[0])
    candidates = _candidate_edits(record)
    edited = pd.concat([patient.assign(**edits) for _, edits in candidates], ignore_index=True)
    probabilities = bundle.predict(edited)
    changes = [
        Change(description, edits, float(p), baseline)
        for (description, edits), p in zip(candidates, probabilities, strict=True)
        if p < baseline
    ]
    return distinct(changes)[:top]


SAME_EFFECT_POINTS = 0.05  # under half the 0.1 point a suggestion is shown with


def distinct(changes: list[Change]) -> list[Change]:
    """The changes whose effect differs from every smaller action's, best first: an action with the same effect
    as a smaller one adds nothing to it (a make-up visit that moves nothing beyond the visit today)."""
    kept: list[Change] = []
    for change in sorted(changes, key=_effort):  # stable: the order tried among equal efforts
        if all(abs(change.probability - other.probability) * 100 >= SAME_EFFECT_POINTS for other in kept):
            kept.append(change)
    return sorted(kept, key=lambda c: c.probability)


def _effort(change: Change) -> int:
    """How much an action asks of the patient: the visits it adds."""
    return int(change.edits.get("visits_completed", 0))
