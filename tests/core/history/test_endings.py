"""What counts as dropout: each ending read from its reason, the labels it gives, the counts a user sees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.history.endings import (
    ANY_DISCONTINUATION,
    DEFAULT_OUTCOME,
    OTHER_ENDING,
    RETENTION_DROPOUT,
    OutcomeDefinition,
    ending_kinds,
    outcome_labels,
    outcome_section,
)
from core.history.landmarks import landmark_snapshots
from core.history.three_tables import read_three_tables
from tests.core.history.conftest import csv, raw_domain

# CDISC Pilot 01's disposition events, as published (DS, DSCAT = DISPOSITION EVENT), screen failures aside.
PILOT_REASONS = {
    "completed": 110,
    "ADVERSE EVENT": 92,
    "WITHDRAWAL BY SUBJECT": 27,
    "STUDY TERMINATED BY SPONSOR": 7,
    "PROTOCOL VIOLATION": 6,
    "LACK OF EFFICACY": 4,
    "DEATH": 3,
    "PHYSICIAN DECISION": 3,
    "LOST TO FOLLOW-UP": 2,
}


def test_cdisc_pilot_reasons_are_counted_as_published_and_only_patient_withdrawals_are_dropouts(cdisc):
    section = outcome_section(cdisc.subjects, DEFAULT_OUTCOME)
    counts = {row["reason"]: row["patients"] for row in section["by_reason"]}
    assert counts == PILOT_REASONS
    ds = raw_domain("ds")
    published = ds[ds["DSCAT"] == "DISPOSITION EVENT"]["DSDECOD"].value_counts()
    assert all(published[reason] == n for reason, n in PILOT_REASONS.items() if reason != "completed")
    dropouts = {row["reason"] for row in section["by_reason"] if row["counts_as_dropout"]}
    assert dropouts == {"WITHDRAWAL BY SUBJECT", "LOST TO FOLLOW-UP"}
    assert section["dropouts"] == 29 and section["other_endings_not_counted"] == 115


def test_any_discontinuation_counts_every_ending_but_completion(cdisc):
    section = outcome_section(cdisc.subjects, ANY_DISCONTINUATION)
    assert section["dropouts"] == 144 and section["other_endings_not_counted"] == 0


def test_labels_other_endings_zero_under_the_default_and_one_under_any(cdisc):
    kinds = ending_kinds(cdisc.subjects)
    default, anything = outcome_labels(cdisc.subjects), outcome_labels(cdisc.subjects, ANY_DISCONTINUATION)
    other = (kinds == OTHER_ENDING).to_numpy()
    assert other.sum() == 115
    assert (default[other] == 0).all() and (anything[other] == 1).all()
    retention = (kinds == RETENTION_DROPOUT).to_numpy()
    assert (default[retention] == 1).all() and (anything[retention] == 1).all()
    ongoing = (cdisc.subjects["status"] == "ongoing").to_numpy()
    assert np.isnan(default[ongoing]).all()


def test_landmark_rows_follow_the_definition(cdisc):
    default = landmark_snapshots(cdisc, [28], definition=DEFAULT_OUTCOME)
    anything = landmark_snapshots(cdisc, [28], definition=ANY_DISCONTINUATION)
    assert len(default) == len(anything)
    assert default["dropout"].sum() < anything["dropout"].sum()


@pytest.mark.parametrize(
    ("status", "reason", "kind"),
    [
        ("lost to follow-up", "", RETENTION_DROPOUT),
        ("Withdrawal by Subject", "", RETENTION_DROPOUT),
        ("withdrawn", "", RETENTION_DROPOUT),  # no reason given: cannot be told apart
        ("withdrawn", "non-compliance", RETENTION_DROPOUT),
        ("adverse event", "", OTHER_ENDING),
        ("withdrawn", "Death", OTHER_ENDING),
        ("withdrawn", "physician decision", OTHER_ENDING),
        ("discontinued", "Protocol deviation", OTHER_ENDING),
        ("completed", "", "completed"),
    ],
)
def test_three_table_status_and_reason_words(status, reason, kind):
    subjects = csv(
        "patient,age,sex,arm,phase,enrolment date,status,end date,reason\n"
        f"P1,50,F,A,II,2024-01-01,{status},2024-03-01,{reason}"
    )
    history = read_three_tables({"subjects.csv": subjects, "visits.csv": csv("patient,date\nP1,2024-01-01")})
    assert ending_kinds(history.subjects).tolist() == [kind]


def test_an_unknown_definition_is_refused_in_words():
    with pytest.raises(ValueError, match="dropout"):
        OutcomeDefinition("deaths")


def test_a_history_with_no_reason_column_counts_every_withdrawal_as_dropout():
    subjects = pd.DataFrame({"patient_id": ["a", "b", "c"], "status": ["withdrawn", "completed", "ongoing"]})
    assert outcome_labels(subjects).tolist()[:2] == [1.0, 0.0]
