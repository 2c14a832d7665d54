"""The patient form, derived from the input contract, shared by the assessment and the what-if editor.

Widget bounds are loose on purpose: the rules come from ``core.reading`` (the same as for a cohort
file), and their messages are shown next to the field they concern.

The widgets' own state is never written. Each form has a generation of widget keys and the values its
widgets start from; filling the form anew (a patient opened from the cohort, the what-if copy) starts
a new generation, whose widgets take those values as their defaults. The browser and the server then
always agree on what a field holds.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import state
from core.reading.contract import Contract, Field


def form_specs(contract: Contract) -> list[Field]:
    """The contract's fields the Patient page asks for."""
    return [spec for spec in contract if spec.in_form]


def widget_key(prefix: str, generation: int, name: str) -> str:
    return f"{prefix}{generation}_{name}"


def _as_widget_value(spec: Field, value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):  # blank, or NaN from a validated row
        return None
    if spec.kind == "integer":
        return int(value)
    if spec.kind == "number":
        return float(value)
    return str(value)


def _start(prefix: str, contract: Contract) -> tuple[int, dict[str, Any]]:
    """The form's generation and the values its widgets start from (the contract's examples at first)."""
    generation, values = state.form_start(prefix) or (0, {})
    return generation, {spec.name: values.get(spec.name, spec.example) for spec in form_specs(contract)}


def set_values(prefix: str, values: dict[str, Any], contract: Contract) -> None:
    """Start the form afresh from ``values`` (call before its widgets are drawn)."""
    generation, start = _start(prefix, contract)
    for spec in form_specs(contract):
        if spec.name in values and (values[spec.name] is not None or spec.blank_allowed):
            start[spec.name] = _as_widget_value(spec, values[spec.name])  # a blank stays blank where allowed
    state.set_form_start(prefix, generation + 1, start)


def current_values(prefix: str, contract: Contract) -> dict[str, Any]:
    """What the fields hold for this run (the browser sets them before the run starts), start values otherwise."""
    generation, start = _start(prefix, contract)
    return {name: state.widget_value(widget_key(prefix, generation, name), value) for name, value in start.items()}


def _draw(spec: Field, key: str, value: Any) -> Any:
    """One field's widget; a field that may be blank can be emptied (the model then scores without it)."""
    blank = spec.blank_allowed and (value is None or value == "")
    help_text = spec.help + (" May be left blank if not known." if spec.blank_allowed else "")
    if spec.kind == "category":
        index = None if blank else (spec.levels.index(value) if value in spec.levels else 0)
        return st.selectbox(
            spec.label,
            spec.levels,
            index=index,
            key=key,
            help=help_text,
            placeholder="Not recorded" if spec.blank_allowed else "Choose",
        )
    if spec.kind == "integer":
        start = None if blank else int(value or 0)
        return st.number_input(
            spec.label, 0, 10_000, start, step=1, key=key, help=help_text, placeholder="Not recorded"
        )
    if spec.kind == "number":
        start_number = None if blank else float(value or 0.0)
        return st.number_input(
            spec.label, 0.0, 1e6, start_number, step=0.1, key=key, help=help_text, placeholder="Not recorded"
        )
    return st.text_input(spec.label, "" if value is None else str(value), key=key, help=spec.help, max_chars=64)


def draw_fields(prefix: str, contract: Contract, columns: int = 3) -> tuple[dict[str, Any], dict[str, Any]]:
    """Draw every field in a grid; return the values and a placeholder under each field for its message."""
    values: dict[str, Any] = {}
    slots: dict[str, Any] = {}
    generation, start = _start(prefix, contract)
    grid = st.columns(columns)
    for i, spec in enumerate(form_specs(contract)):
        with grid[i % columns]:
            values[spec.name] = _draw(spec, widget_key(prefix, generation, spec.name), start[spec.name])
            slots[spec.name] = st.empty()
    return values, slots


def show_problems(problems: list[dict[str, Any]], slots: dict[str, Any], contract: Contract) -> None:
    """Put each validation message under the field it concerns, naming fields by their labels."""
    by_column: dict[str, list[str]] = {}
    for problem in problems:
        by_column.setdefault(problem["column"], []).append(problem["reason"])
    labels = {spec.name: spec.label for spec in form_specs(contract)}
    for column, reasons in by_column.items():
        if column in slots:
            text = "; ".join(dict.fromkeys(reasons))
            for name in sorted(labels, key=len, reverse=True):  # longest first: last_visit_day before ...
                text = text.replace(name, f'"{labels[name]}"')
            slots[column].error(text[0].upper() + text[1:], icon=":material/error:")


def values_of(patient, contract: Contract) -> dict[str, Any]:
    """The form values that describe a validated one-row frame (for comparing with widgets)."""
    row = patient.iloc[0]
    return {spec.name: _as_widget_value(spec, row[spec.name]) for spec in form_specs(contract)}
