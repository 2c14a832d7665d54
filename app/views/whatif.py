"""What-if on the Patient page: the one form's edited values beside the patient as assessed.

There is one form. "Assess risk" makes what it holds the patient on screen; "Try these changes" leaves that
assessment as it is and shows the edited form beside it: the chance before and after, and for each edited
field the change in points that edit alone makes (every figure a call of the model in use).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app.views.patient_form import form_specs, values_of
from core.model.bundle import ModelBundle
from core.model.whatif import validate_patient
from core.reading.contract import Contract

TRY_BUTTON = "try_changes"
NOT_RECORDED = "Not recorded"


def edited_fields(patient: pd.DataFrame, values: dict[str, Any], contract: Contract) -> list[str]:
    """The fields whose value in the form differs from the patient as assessed, in form order."""
    original = values_of(patient, contract)
    return [name for name in original if values.get(name) != original[name]]


def _shown(value: Any) -> str:
    return NOT_RECORDED if value is None or value == "" else str(value)


def one_at_a_time(
    bundle: ModelBundle, patient: pd.DataFrame, values: dict[str, Any], names: list[str], contract: Contract
) -> dict[str, float | None]:
    """Each edited field's effect alone (the others as assessed), in percentage points; None where that edit alone
    is not a valid patient (e.g. a last visit after today without the new day in the trial)."""
    original = values_of(patient, contract)
    rows, valid_names = [], []
    for name in names:
        checked = validate_patient({**original, name: values.get(name)}, contract)
        if not len(checked.problems):
            rows.append(checked.valid)
            valid_names.append(name)
    base = float(bundle.predict(patient)[0])
    moved = list(bundle.predict(pd.concat(rows, ignore_index=True))) if rows else []
    effects: dict[str, float | None] = dict.fromkeys(names)
    for name, probability in zip(valid_names, moved, strict=True):
        effects[name] = (float(probability) - base) * 100
    return effects


def comparison(
    bundle: ModelBundle, patient: pd.DataFrame, values: dict[str, Any], contract: Contract, probability: float
) -> list[dict]:
    """The edited form beside the patient as assessed; the problems of an invalid edit (shown under the fields)."""
    names = edited_fields(patient, values, contract)
    if not names:
        return []
    checked = validate_patient(values, contract)
    if len(checked.problems):
        st.warning("The changed values need attention (marked in red in the form). The assessment above stands.")
        return checked.problems.to_dict("records")
    changed = float(bundle.predict(checked.valid)[0])
    st.subheader("What if…")
    before, after = st.columns(2)
    before.metric("As assessed", f"{probability:.1%}")
    after.metric(
        "With your changes",
        f"{changed:.1%}",
        delta=f"{(changed - probability) * 100:+.1f} percentage points",
        delta_color="inverse",
    )
    labels = {spec.name: spec.label for spec in form_specs(contract)}
    original = values_of(patient, contract)
    effects = one_at_a_time(bundle, patient, values, names, contract)
    table = pd.DataFrame(
        {
            "Field": [labels[n] for n in names],
            "As assessed": [_shown(original[n]) for n in names],
            "Changed to": [_shown(values.get(n)) for n in names],
            "Change alone (points)": [
                "only with the other changes" if effects[n] is None else f"{effects[n]:+.1f}" for n in names
            ],
        }
    )
    st.dataframe(table, hide_index=True, key="whatif_table")
    st.caption(
        "Each line is that edit alone, the other fields as assessed. Together the edits can move the chance more or "
        "less than their sum, because the model weighs the facts together. Press **Assess risk** to make the "
        "changed patient the one assessed."
    )
    return []
