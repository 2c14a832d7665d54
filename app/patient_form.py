"""The nine-field patient form, shared by the assessment and the what-if editor.

Widget bounds are loose on purpose: the rules come from ``core.schema`` (the same as for a
cohort file), and their messages are shown next to the field they concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.config import CATEGORY_LEVELS


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    help: str
    default: Any
    kind: str = "int"  # int, category or text


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("patient_id", "Patient ID", "The trial's subject identifier (for your reference; it does not change the risk).",
              "NEW-001", "text"),
    FieldSpec("age", "Age (years)", "18 to 100.", 55),
    FieldSpec("gender", "Gender", "As recorded in the trial.", "Female", "category"),
    FieldSpec("treatment_group", "Treatment arm", "The arm the patient was randomised to.", "Active", "category"),
    FieldSpec("trial_phase", "Trial phase", "Phase of the trial the patient is enrolled in.", "Phase II", "category"),
    FieldSpec("days_in_trial", "Days in the trial", "Days since enrollment, as of today (1 to 2000).", 90),
    FieldSpec("visits_completed", "Visits attended", "Scheduled visits the patient has attended so far.", 6),
    FieldSpec("last_visit_day", "Study day of the last visit",
              "The study day of the last attended visit; 0 if none yet. Cannot be later than days in the trial.", 84),
    FieldSpec("adverse_events", "Adverse events", "Adverse events reported so far.", 1),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)


def widget_key(prefix: str, name: str) -> str:
    return f"{prefix}_{name}"


def set_values(prefix: str, values: dict[str, Any]) -> None:
    """Write values into the widgets' state (call before the widgets are drawn)."""
    for spec in FIELDS:
        if spec.name in values and values[spec.name] is not None:
            value = values[spec.name]
            st.session_state[widget_key(prefix, spec.name)] = str(value) if spec.kind != "int" else int(value)


def current_values(prefix: str) -> dict[str, Any]:
    """What the fields hold for this run (set by the browser before the run starts), defaults otherwise."""
    return {spec.name: st.session_state.get(widget_key(prefix, spec.name), spec.default) for spec in FIELDS}


def _draw(spec: FieldSpec, prefix: str) -> Any:
    key = widget_key(prefix, spec.name)
    if key not in st.session_state:
        st.session_state[key] = spec.default
    if spec.kind == "category":
        return st.selectbox(spec.label, CATEGORY_LEVELS[spec.name], key=key, help=spec.help)
    if spec.kind == "text":
        return st.text_input(spec.label, key=key, help=spec.help, max_chars=64)
    return st.number_input(spec.label, min_value=0, max_value=10_000, step=1, key=key, help=spec.help)


def draw_fields(prefix: str, columns: int = 3) -> tuple[dict[str, Any], dict[str, Any]]:
    """Draw every field in a grid; return the values and a placeholder under each field for its message."""
    values: dict[str, Any] = {}
    slots: dict[str, Any] = {}
    grid = st.columns(columns)
    for i, spec in enumerate(FIELDS):
        with grid[i % columns]:
            values[spec.name] = _draw(spec, prefix)
            slots[spec.name] = st.empty()
    return values, slots


def show_problems(problems: list[dict[str, Any]], slots: dict[str, Any]) -> None:
    """Put each validation message under the field it concerns."""
    by_column: dict[str, list[str]] = {}
    for problem in problems:
        by_column.setdefault(problem["column"], []).append(problem["reason"])
    labels = {spec.name: spec.label for spec in FIELDS}
    for column, reasons in by_column.items():
        if column in slots:
            text = "; ".join(dict.fromkeys(reasons))
            for name in sorted(labels, key=len, reverse=True):  # longest first: last_visit_day before ...
                text = text.replace(name, f'"{labels[name]}"')
            slots[column].error(text[0].upper() + text[1:], icon=":material/error:")


def values_of(patient) -> dict[str, Any]:
    """The form values that describe a validated one-row frame (for comparing with widgets)."""
    row = patient.iloc[0]
    return {spec.name: (str(row[spec.name]) if spec.kind != "int" else int(row[spec.name])) for spec in FIELDS}
