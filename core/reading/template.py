"""A column guide and an empty-but-for-one-example template, from the contract, for the app to show and offer.

``template_frame`` is the file a coordinator can fill in: one column per contract field, headed by the
field's name, with one example patient. ``column_guide`` says, per column, what it means, which values
are valid, whether it must be present and filled, and which other header spellings are accepted.
"""

from __future__ import annotations

import pandas as pd

from core.reading.contract import Contract, Field, normalise_header

GUIDE_COLUMNS = ["column", "meaning", "valid values", "required", "may be blank", "other accepted headers"]


def template_frame(contract: Contract) -> pd.DataFrame:
    """One column per field, headed by its name; one row of the fields' examples ("" where none)."""
    return pd.DataFrame([{spec.name: "" if spec.example is None else spec.example for spec in contract}])


def _blank_allowed(spec: Field) -> bool:
    """May a cell of this column be left empty? (A unique identifier never; a required rule unless it may be blank.)"""
    if spec.may_be_blank:
        return True
    if spec.kind == "yes/no":
        return True  # empty: not known
    return spec.kind == "text" and not spec.unique


def _other_headers(spec: Field) -> str:
    seen = {normalise_header(spec.name)}
    others = []
    for spelling in (spec.label, *spec.synonyms, *spec.generic_synonyms):
        if normalise_header(spelling) not in seen:
            seen.add(normalise_header(spelling))
            others.append(spelling)
    return ", ".join(others)


def column_guide(contract: Contract) -> pd.DataFrame:
    """One row per field, in contract order: the table a coordinator reads before preparing a file."""
    rows = [
        {
            "column": spec.name,
            "meaning": spec.help,
            "valid values": spec.valid_values() + (f"; {spec.note}" if spec.note else ""),
            "required": "yes" if spec.required else "no",
            "may be blank": "yes" if _blank_allowed(spec) else "no",
            "other accepted headers": _other_headers(spec),
        }
        for spec in contract
    ]
    return pd.DataFrame(rows, columns=GUIDE_COLUMNS)
