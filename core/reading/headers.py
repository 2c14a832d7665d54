"""Match a file's headers to the contract's fields, forgivingly ("Patient ID", "Subject", "Sex", "AE count")."""

from __future__ import annotations

import pandas as pd

from core.reading.contract import Contract, normalise_header
from core.reading.errors import SchemaError


def map_columns(columns: list[str], contract: Contract) -> dict[str, str]:
    """Return contract field -> original header, taking the first header that matches each field."""
    synonyms = contract.header_synonyms()
    mapping: dict[str, str] = {}
    for header in columns:
        name = synonyms.get(normalise_header(header))
        if name and name not in mapping:
            mapping[name] = header
    return mapping


def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str], contract: Contract, filename: str) -> pd.DataFrame:
    """Rename mapped headers to field names; raise SchemaError naming missing required fields."""
    missing = [name for name in contract.required if name not in mapping]
    if missing:
        found = ", ".join(f'"{c}"' for c in frame.columns) or "no columns"
        raise SchemaError(
            f"{filename} is missing required column(s): {', '.join(missing)}. "
            f"Columns found: {found}. Add or rename the column(s) and upload again."
        )
    return frame.rename(columns={original: name for name, original in mapping.items()})
