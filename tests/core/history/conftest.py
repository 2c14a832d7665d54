"""Fixtures for the trial-history tests: CDISC Pilot 01 read once, and small three-table files built in memory."""

from __future__ import annotations

import pandas as pd
import pytest

from core.history.sdtm import CDISC_PILOT_DIR, read_sdtm_folder
from core.history.trial_history import TrialHistory


@pytest.fixture(scope="session")
def cdisc() -> TrialHistory:
    """CDISC Pilot 01 from the repository's copy, read as SDTM."""
    return read_sdtm_folder(CDISC_PILOT_DIR)


def raw_domain(name: str) -> pd.DataFrame:
    """One domain of the repository's CDISC Pilot 01 copy as published (for checks made without core.history)."""
    if name == "ae":
        return pd.read_csv(CDISC_PILOT_DIR / "ae.csv", dtype=str, keep_default_na=False)
    frame = pd.read_sas(CDISC_PILOT_DIR / f"{name}.xpt", format="xport", encoding="latin-1")
    assert isinstance(frame, pd.DataFrame)
    return frame


def csv(text: str) -> bytes:
    """A CSV file from an indented block of lines."""
    return "\n".join(line.strip() for line in text.strip().splitlines()).encode("utf-8") + b"\n"
