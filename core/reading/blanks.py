"""Which inputs a valid patient left blank: the fields that may be (age, gender, adverse events).

A blank in such a field is not a problem: the typed column holds NaN (numbers) or a missing category,
and the model copes. This names them per patient, for tables and reasons ("Age (years), Adverse events").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.reading.contract import Contract


def missing_inputs(valid: pd.DataFrame, contract: Contract) -> pd.Series:
    """Per row, the labels of the blank fields that may be blank, joined by ", " ("" when none)."""
    labels = np.full(len(valid), "", dtype=object)
    for spec in contract:
        asked = spec.may_be_blank or (spec.in_form and not spec.required)  # a model's optional input, asked too
        if not (asked and spec.name in valid.columns):
            continue
        blank = valid[spec.name].isna().to_numpy(dtype=bool)
        if blank.any():
            labels = np.where(blank, np.where(labels == "", spec.label, labels + ", " + spec.label), labels)
    return pd.Series(labels, index=valid.index, name="missing inputs", dtype=object)
