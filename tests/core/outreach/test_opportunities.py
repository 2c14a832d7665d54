"""core.outreach.opportunities: flags, the contact window, outcomes from later uploads or a trial history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from core.history.trial_history import TrialHistory
from core.outreach.opportunities import OPPORTUNITY_COLUMNS, build_opportunities, outcomes_from_history

MONDAY = date(2026, 3, 2)


def _scoring(upload: int, week: int, rows: list[tuple], as_of: date | None = None) -> list[dict]:
    """Score rows of one upload run on the Monday of ``week``: (patient, probability, flagged, dropped_out)."""
    ran = datetime.combine(MONDAY + timedelta(weeks=week), datetime.min.time(), UTC) + timedelta(hours=9)
    return [
        {
            "upload_id": upload,
            "patient_id": patient,
            "scored_at": ran,
            "as_of": as_of,
            "probability": probability,
            "flagged": flagged,
            "dropped_out": dropped,
        }
        for patient, probability, flagged, dropped in rows
    ]


def _frame(*uploads: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([row for rows in uploads for row in rows])
    return frame.astype({"dropped_out": "boolean"})


def _contacts(*rows: tuple[str, int, str]) -> pd.DataFrame:
    """(patient, days after MONDAY, outcome)."""
    return pd.DataFrame(
        [{"patient_id": p, "contact_date": MONDAY + timedelta(days=d), "outcome": o} for p, d, o in rows],
        columns=["patient_id", "contact_date", "outcome"],
    )


NA = pd.NA


def _said(value: object) -> str:
    """An outcome as words, so that an empty one compares plainly."""
    return "unknown" if value is NA or value is None else ("yes" if value else "no")


def _by_key(opportunities: pd.DataFrame) -> dict[tuple[str, int], dict]:
    rows = opportunities.to_dict("records")
    return {(r["patient_id"], r["upload_id"]): r | {"outcome": _said(r["dropped_out"])} for r in rows}


def test_a_contact_counts_from_the_scoring_day_until_the_window_or_the_next_scoring_ends():
    scorings = _frame(
        _scoring(1, 0, [("A", 0.6, True, NA), ("B", 0.6, True, NA), ("C", 0.6, True, NA), ("D", 0.7, True, NA)]),
        _scoring(2, 1, [("A", 0.6, True, NA), ("D", 0.7, True, NA)]),  # B and C are not scored again
        _scoring(3, 4, [("A", 0.1, False, False), ("B", 0.1, False, True), ("C", 0.1, False, False)]),
    )
    contacts = _contacts(
        ("A", 0, "no answer"),  # the scoring's own day; not reached, still attempted
        ("A", 8, "reached"),  # after A's next scoring (day 7): belongs to that flag
        ("B", 13, "reached"),  # the window's last day (no next scoring for B before it)
        ("C", 14, "reached"),  # one day too late for a 14-day window
        ("D", -1, "reached"),  # before the flag: not a response to it
    )
    found = _by_key(build_opportunities(scorings, contacts, window_days=14))

    assert (found["A", 1]["contacted"], found["A", 1]["reached"]) == (True, False)
    assert (found["A", 2]["contacted"], found["A", 2]["reached"]) == (True, True)
    assert found["B", 1]["contacted"] and found["B", 1]["reached"]
    assert not found["C", 1]["contacted"] and not found["D", 1]["contacted"] and not found["D", 2]["contacted"]
    assert len(found) == 6  # every flag, none of the unflagged rows
    shorter = _by_key(build_opportunities(scorings, contacts, window_days=7))
    assert not shorter["B", 1]["contacted"]


def test_outcomes_come_from_later_uploads_and_unknown_ones_stay_empty():
    scorings = _frame(
        _scoring(1, 0, [("A", 0.6, True, NA), ("B", 0.6, True, NA), ("C", 0.6, True, NA), ("D", 0.6, True, NA)]),
        _scoring(2, 1, [("A", 0.6, False, False), ("B", 0.6, True, NA), ("D", 0.6, True, True)]),
        _scoring(3, 2, [("A", 0.5, False, True), ("B", 0.5, False, False)]),
    )
    found = _by_key(build_opportunities(scorings, _contacts()))

    assert found["A", 1]["outcome"] == "yes"  # "no" a week on, then "yes": dropped out later
    assert found["B", 1]["outcome"] == found["B", 2]["outcome"] == "no"
    assert found["C", 1]["outcome"] == "unknown"  # nothing said after the flag
    assert found["D", 1]["outcome"] == "yes"
    assert ("D", 2) not in found  # that upload says D had already left: no contact could keep them


def test_a_history_scored_as_of_a_past_day_speaks_for_its_own_flags():
    as_of = MONDAY - timedelta(days=30)
    scorings = _frame(_scoring(1, 0, [("A", 0.6, True, True), ("B", 0.6, True, False)], as_of=as_of))
    found = build_opportunities(scorings, _contacts(("A", -30, "declined")))
    assert found["patient_id"].tolist() == ["A", "B"] and [_said(v) for v in found["dropped_out"]] == ["yes", "no"]
    assert found["scored_on"].tolist() == [pd.Timestamp(as_of)] * 2
    assert found["contacted"].tolist() == [True, False]  # the window runs from the as-of day


def test_a_patient_scored_twice_on_one_day_keeps_the_later_scoring():
    first = _scoring(1, 0, [("A", 0.6, True, NA)])
    again = [first[0] | {"upload_id": 2, "scored_at": first[0]["scored_at"] + timedelta(hours=3), "probability": 0.7}]
    later = _scoring(3, 2, [("A", 0.1, False, False)])
    found = build_opportunities(_frame(first, again, later), _contacts())
    assert found[["upload_id", "probability"]].values.tolist() == [[2, 0.7]]


def test_contacts_of_patients_never_flagged_make_no_opportunity():
    scorings = _frame(_scoring(1, 0, [("A", 0.1, False, NA)]), _scoring(2, 1, [("A", 0.1, False, True)]))
    found = build_opportunities(scorings, _contacts(("A", 1, "reached")))
    assert found.empty and list(found.columns) == OPPORTUNITY_COLUMNS


def test_a_trial_historys_dispositions_give_the_outcomes_when_given():
    scorings = _frame(
        _scoring(1, 0, [("A", 0.6, True, NA), ("B", 0.6, True, NA), ("C", 0.6, True, NA), ("X", 0.6, True, NA)]),
        _scoring(2, 3, [("A", 0.6, True, NA), ("C", 0.6, True, False)]),
    )
    ended = {"A": MONDAY + timedelta(days=10), "B": MONDAY + timedelta(days=40), "C": pd.NaT}
    history = TrialHistory(
        subjects=pd.DataFrame(
            {
                "patient_id": ["A", "B", "C"],
                "site_id": "S1",
                "age": 50,
                "gender": "Female",
                "arm": "Active",
                "phase": "Phase III",
                "enrolment_date": pd.Timestamp("2025-06-01"),
                "status": ["withdrawn", "completed", "ongoing"],
                "end_date": [ended["A"], ended["B"], ended["C"]],
                "planned_days": 365,
            }
        ),
        visits=pd.DataFrame({"patient_id": [], "visit_date": [], "attended": []}),
        adverse_events=pd.DataFrame({"patient_id": [], "onset_date": [], "serious": [], "severity": []}),
    )
    outcomes = outcomes_from_history(history)
    assert [_said(v) for v in outcomes["dropped_out"]] == ["yes", "no", "unknown"]

    found = _by_key(build_opportunities(scorings, _contacts(), outcomes=outcomes))
    assert found["A", 1]["outcome"] == "yes" and ("A", 2) not in found  # A had withdrawn by week 3
    assert found["B", 1]["outcome"] == "no"
    assert found["C", 1]["outcome"] == found["C", 2]["outcome"] == "unknown"  # ongoing: not known yet
    assert found["X", 1]["outcome"] == "unknown"  # not in the history


def test_the_builder_matches_a_patient_by_patient_reading_on_random_records():
    rng = np.random.default_rng(5)
    uploads = []
    for upload, week in enumerate(sorted(rng.choice(30, 8, replace=False)), start=1):
        rows = [
            (f"P{p}", float(rng.random()), bool(rng.random() < 0.5), rng.choice([NA, NA, True, False]))
            for p in rng.choice(25, 15, replace=False)
        ]
        uploads.append(_scoring(upload, int(week), rows))
    scorings = _frame(*uploads)
    days = rng.integers(-7, 220, 120)
    contacts = _contacts(*[(f"P{rng.integers(25)}", int(d), str(rng.choice(["reached", "no answer"]))) for d in days])
    found = _by_key(build_opportunities(scorings, contacts, window_days=10))

    expected = {}
    for row in scorings.to_dict("records"):
        mine = scorings[scorings["patient_id"] == row["patient_id"]]
        day = row["scored_at"].date()
        later = mine[mine["scored_at"] > row["scored_at"]]
        if not row["flagged"] or _said(row["dropped_out"]) == "yes":
            continue
        end = min([day + timedelta(days=10), *[t.date() for t in later["scored_at"]]])
        theirs = contacts[contacts["patient_id"] == row["patient_id"]]
        within = theirs[(theirs["contact_date"] >= day) & (theirs["contact_date"] < end)]
        said = [_said(v) for v in later["dropped_out"]]
        outcome = "yes" if "yes" in said else "no" if "no" in said else "unknown"
        expected[row["patient_id"], row["upload_id"]] = (len(within) > 0, outcome)
    assert {k: (v["contacted"], v["outcome"]) for k, v in found.items()} == expected


def test_a_window_shorter_than_a_day_is_refused():
    with pytest.raises(ValueError, match="at least one day"):
        build_opportunities(_frame(_scoring(1, 0, [("A", 0.6, True, NA)])), _contacts(), window_days=0)
