"""core.history.sdtm: SDTM domains (CSV or .xpt) into the history model; CDISC Pilot 01's report, row by row."""

from __future__ import annotations

import pandas as pd
import pytest

from core.history.sdtm import read_sdtm
from core.history.trial_design import duration_days
from core.reading.errors import SchemaError
from tests.core.history.conftest import csv, raw_domain

DM = csv(
    """
    STUDYID,DOMAIN,USUBJID,SITEID,AGE,SEX,ARMCD,ARM,RFSTDTC
    T1,DM,T1-001,10,64,F,PBO,Placebo,2020-03-02
    T1,DM,T1-002,10,70,M,DRUG,Drug 10 mg,2020-03-05
    T1,DM,T1-003,11,55,M,Scrnfail,Screen Failure,
    T1,DM,T1-004,11,58,F,DRUG,Drug 10 mg,2020-04-01
    T1,DM,T1-005,11,81,F,PBO,Placebo,2020-04-02
    """
)
DS = csv(
    """
    STUDYID,DOMAIN,USUBJID,DSDECOD,DSCAT,DSSTDTC,DSSTDY
    T1,DS,T1-001,RANDOMIZED,PROTOCOL MILESTONE,2020-03-02,1
    T1,DS,T1-001,COMPLETED,DISPOSITION EVENT,2020-08-30,
    T1,DS,T1-002,WITHDRAWAL BY SUBJECT,DISPOSITION EVENT,2020-04,40
    T1,DS,T1-003,SCREEN FAILURE,DISPOSITION EVENT,2020-02-20,
    T1,DS,T1-004,ADVERSE EVENT,DISPOSITION EVENT,2020-05-01,
    T1,DS,T1-004,DEATH,DISPOSITION EVENT,2020-05-20,
    T1,DS,T1-099,COMPLETED,DISPOSITION EVENT,2020-05-20,
    """
)
SV = csv(
    """
    STUDYID,DOMAIN,USUBJID,VISITNUM,VISIT,VISITDY,SVSTDTC
    T1,SV,T1-001,1,SCREENING,-7,2020-02-24
    T1,SV,T1-001,2,BASELINE,1,2020-03-02
    T1,SV,T1-001,2.1,UNSCHEDULED 2.1,,2020-03-04
    T1,SV,T1-001,3,WEEK 2,15,2020-03-16
    T1,SV,T1-002,2,BASELINE,1,2020-03-05
    T1,SV,T1-003,1,SCREENING,-7,2020-02-13
    T1,SV,T1-005,2,BASELINE,1,2020-04-02
    T1,SV,T1-005,3,WEEK 2,15,2020-04-16
    """
)
AE = csv(
    """
    STUDYID,DOMAIN,USUBJID,AESEQ,AEDECOD,AESEV,AESER,AESTDTC,AESTDY
    T1,AE,T1-001,1,HEADACHE,MILD,N,2020-03-10,9
    T1,AE,T1-001,2,RASH,MODERATE,N,2020-02-25,-6
    T1,AE,T1-002,1,NAUSEA,SEVERE,Y,2020-03,12
    T1,AE,T1-005,1,DIZZINESS,MILD,N,2019,
    """
)
TS = csv(
    """
    STUDYID,DOMAIN,TSSEQ,TSPARMCD,TSVAL
    T1,TS,1,TPHASE,Phase III Trial
    T1,TS,1,LENGTH,P26W
    T1,TS,1,TITLE,A trial
    """
)
TV = csv(
    """
    STUDYID,DOMAIN,VISITNUM,VISIT,VISITDY
    T1,TV,1,SCREENING,-7
    T1,TV,2,BASELINE,1
    T1,TV,3,WEEK 2,15
    T1,TV,4,WEEK 4,29
    """
)


@pytest.fixture(scope="module")
def small():
    return read_sdtm({"dm.csv": DM, "ds.csv": DS, "sv.csv": SV, "ae.csv": AE, "ts.csv": TS, "tv.csv": TV})


def test_every_row_of_every_domain_is_used_has_a_problem_or_is_set_aside(small):
    for table in small.report.tables:
        assert table.accounted, table.summary()
    counts = {t.table: (t.n_read, t.n_used, t.n_problem_rows, t.n_set_aside) for t in small.report.tables}
    assert counts == {
        "DM": (5, 4, 0, 1),
        "SV": (8, 5, 0, 3),
        "AE": (4, 2, 2, 0),
        "DS": (7, 3, 1, 3),
        "TS": (3, 2, 0, 1),
        "TV": (4, 3, 0, 1),
    }
    assert small.report.screen_failures == 1


def test_subjects_status_end_date_and_trial_level_facts(small):
    subjects = small.subjects.set_index("patient_id")
    assert subjects["status"].to_dict() == {
        "T1-001": "completed",
        "T1-002": "withdrawn",  # DSSTDTC "2020-04" is partial: the date comes from DSSTDY 40
        "T1-004": "withdrawn",  # two disposition events: the latest (DEATH, 2020-05-20) is used
        "T1-005": "ongoing",  # no disposition event
    }
    assert subjects.loc["T1-002", "end_date"] == pd.Timestamp("2020-04-13")
    assert subjects.loc["T1-004", "end_date"] == pd.Timestamp("2020-05-20")
    assert subjects["arm"].tolist() == ["Placebo", "Drug 10 mg", "Drug 10 mg", "Placebo"]
    assert subjects["phase"].unique().tolist() == ["Phase III"]
    assert subjects["planned_days"].unique().tolist() == [182]
    assert small.schedule == (1, 15, 29)
    assert any("DS: 1 date taken from DSSTDY" in note for note in small.report.notes)
    assert any("AE: 1 date taken from AESTDY" in note for note in small.report.notes)


def test_visits_leave_out_screening_unscheduled_and_screen_failures(small):
    aside = small.report.table("SV").set_aside.set_index("row")["reason"]
    assert "screening" in aside[2]
    assert "unscheduled" in aside[4]
    assert "screen failure" in aside[7]
    assert small.visits.groupby("patient_id").size().to_dict() == {"T1-001": 2, "T1-002": 1, "T1-005": 2}


def test_adverse_events_before_day_1_or_without_a_day_are_problems(small):
    problems = small.report.table("AE").problems.set_index("row")
    assert "before this patient's enrolment" in problems.loc[3, "reason"]
    assert "only a year is given" in problems.loc[5, "reason"]
    events = small.adverse_events.set_index("patient_id")
    assert events.loc["T1-002", "onset_date"] == pd.Timestamp("2020-03-16")  # AESTDY 12 from 2020-03-05
    assert bool(events.loc["T1-002", "serious"]) and events.loc["T1-002", "severity"] == "severe"


def test_a_disposition_of_a_patient_dm_does_not_hold_is_a_problem(small):
    problem = small.report.table("DS").problems.iloc[0]
    assert (problem["row"], problem["patient_id"], problem["column"]) == (8, "T1-099", "USUBJID")


def test_without_ts_the_phase_must_be_given():
    files = {"dm.csv": DM, "ds.csv": DS, "sv.csv": SV}
    with pytest.raises(SchemaError, match="TPHASE"):
        read_sdtm(files)
    assert read_sdtm(files, phase="3").subjects["phase"].unique().tolist() == ["Phase III"]
    with pytest.raises(SchemaError, match="lack the SV domain"):
        read_sdtm({"dm.csv": DM, "ds.csv": DS}, phase="3")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("26 weeks", 182),
        ("182 days", 182),
        ("P26W", 182),
        ("P182D", 182),
        ("6 months", 183),
        ("P1Y", 365),
        ("soon", None),
    ],
)
def test_planned_lengths(text, days):
    assert duration_days(text) == days


def test_cdisc_pilot_report_accounts_for_every_row_and_matches_the_raw_domains(cdisc):
    dm, sv, ae, ds = raw_domain("dm"), raw_domain("sv"), raw_domain("ae"), raw_domain("ds")
    report = cdisc.report
    assert all(t.accounted for t in report.tables)
    assert report.screen_failures == int((dm["ARMCD"] == "Scrnfail").sum()) == 52
    assert len(cdisc.subjects) == 254
    assert cdisc.subjects["status"].value_counts().to_dict() == {"withdrawn": 144, "completed": 110}
    assert cdisc.subjects["phase"].unique().tolist() == ["Phase II"]
    # AE: the partial dates (year or year-month only) and the onsets before day 1 are the problems.
    partial = ae["AESTDTC"].str.len() < 10
    early = pd.to_numeric(ae["AESTDY"], errors="coerce") < 1
    assert report.table("AE").n_problem_rows == int((partial | early).sum()) == 71
    assert len(cdisc.adverse_events) == len(ae) - 71
    # DS: one disposition event per randomised subject; the rest are other events or screen failures.
    assert report.table("DS").n_used == 254 and report.table("DS").n_read == len(ds)
    # SV: scheduled visits on or after day 1 of randomised subjects.
    assert report.table("SV").n_used == len(cdisc.visits) == 2803 and report.table("SV").n_read == len(sv)
