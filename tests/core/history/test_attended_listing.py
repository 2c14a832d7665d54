"""A visits table whose attended column says yes on every row lists attended visits only: missed visits come from
the schedule (the trial's usual interval here), exactly as when the column is absent."""

from __future__ import annotations

import numpy as np

from core.history.landmarks import landmark_snapshots
from core.history.three_tables import read_three_tables
from tests.core.history.conftest import csv

SUBJECTS = csv(
    """
    patient,age,sex,arm,phase,enrolment date,status,end date
    P1,50,F,A,II,2024-01-01,completed,2024-04-01
    P2,60,M,B,II,2024-01-01,completed,2024-04-01
    """
)
# Visits every 14 days; P2 misses the visits around days 29 and 43.
VISIT_ROWS = [("P1", f"2024-{d}") for d in ("01-01", "01-15", "01-29", "02-12", "02-26", "03-11", "03-25")] + [
    ("P2", f"2024-{d}") for d in ("01-01", "01-15", "02-26", "03-11", "03-25")
]


def _visits(attended: str | None) -> bytes:
    header = "patient,date" + (",attended" if attended is not None else "")
    rows = [f"{p},{d}" + (f",{attended}" if attended is not None else "") for p, d in VISIT_ROWS]
    return csv("\n".join([header, *rows]))


def _missed(visits: bytes) -> tuple[bool, np.ndarray]:
    history = read_three_tables({"subjects.csv": SUBJECTS, "visits.csv": visits})
    table = landmark_snapshots(history, [56])
    return history.missed_visits_listed, table.sort_values("patient_id")["visits_missed"].to_numpy()


def test_an_always_yes_attended_column_gives_missed_visits_from_the_schedule():
    listed, missed = _missed(_visits("yes"))
    assert not listed
    without_column = _missed(_visits(None))
    assert not without_column[0]
    np.testing.assert_array_equal(missed, without_column[1])
    assert missed[1] >= 2 and missed[0] == 0  # P2's gap is seen, not read as "no visit was missed"


def test_an_attended_column_with_a_no_lists_missed_visits():
    rows = _visits("yes").decode().replace("P2,2024-01-15,yes", "P2,2024-01-15,no")
    listed, _ = _missed(rows.encode())
    assert listed
