"""core.reading.dated: a cohort file may give dates instead of day counts; the days are counted to an as-of date."""

from __future__ import annotations

import pandas as pd
import pytest

from core.reading.contract import CONTRACT
from core.reading.dated import AmbiguousDateColumns
from core.reading.validation import load_cohort
from tests.core.reading.files import accounted

HEADER = "Patient ID,Age,Sex,Arm,Phase,Enrolment date,Visits,Last visit date,AE count\n"


def _load(rows: str, **options) -> object:
    return accounted(load_cohort((HEADER + rows).encode(), "dated.csv", CONTRACT, **options))


def test_days_are_counted_from_the_enrolment_date_to_the_latest_date_in_the_file():
    result = _load("A,50,F,Active,II,2024-01-10,4,2024-03-01,1\nB,60,M,Placebo,II,2024-02-15,2,,0\n")
    assert result.as_of == pd.Timestamp("2024-03-01")
    valid = result.valid.set_index("patient_id")
    assert valid.loc["A", "days_in_trial"] == (pd.Timestamp("2024-03-01") - pd.Timestamp("2024-01-10")).days + 1
    assert valid.loc["A", "last_visit_day"] == valid.loc["A", "days_in_trial"]  # seen on the as-of day
    assert valid.loc["B", "days_in_trial"] == 16 and valid.loc["B", "last_visit_day"] == 0  # no visit yet


def test_an_as_of_date_given_counts_to_it():
    result = _load("A,50,F,Active,II,2024-01-10,4,2024-03-01,1\n", as_of=pd.Timestamp("2024-06-30"))
    assert result.as_of == pd.Timestamp("2024-06-30")
    assert result.valid["days_in_trial"].iloc[0] == 173 and result.valid["last_visit_day"].iloc[0] == 52


@pytest.mark.parametrize(
    "enrolled,visit", [("45301", "45352"), ("2024/01/10", "2024/03/01"), ("10 Jan 2024", "1 Mar 2024")]
)
def test_excel_serials_and_day_first_text_give_the_same_days(enrolled, visit):
    iso = _load("A,50,F,Active,II,2024-01-10,4,2024-03-01,1\n").valid
    other = _load(f"A,50,F,Active,II,{enrolled},4,{visit},1\n").valid
    assert (
        other[["days_in_trial", "last_visit_day"]].values.tolist()
        == iso[["days_in_trial", "last_visit_day"]].values.tolist()
    )


def test_one_column_with_evidence_settles_the_order_of_the_others():
    result = _load("A,50,F,Active,II,25/01/2024,4,03/02/2024,1\n")  # 25 can only be a day: 3 February, not 2 March
    assert result.valid["last_visit_day"].iloc[0] == 10


def test_dates_that_read_both_ways_are_asked_about_never_guessed():
    rows = "A,50,F,Active,II,02/03/2024,4,03/04/2024,1\n"
    with pytest.raises(AmbiguousDateColumns, match="day-first or month-first") as caught:
        _load(rows)
    assert [header for header, _ in caught.value.columns] == ["Enrolment date", "Last visit date"]
    day_first = _load(rows, day_first=True).valid
    month_first = _load(rows, day_first=False).valid
    assert day_first["last_visit_day"].iloc[0] == 33 and month_first["last_visit_day"].iloc[0] == 31


def test_bad_dates_are_problems_named_by_the_users_header_and_the_other_rows_are_scored():
    result = _load(
        "A,50,F,Active,II,2024-02-30,4,,1\n"  # no such day
        "B,60,M,Placebo,II,2024-01-10,2,2024-05-01,0\n"  # a visit after the as-of date
        "C,61,M,Placebo,II,2024-05-20,2,,0\n"  # enrolled after the as-of date
        "D,62,F,Active,II,2024-01-10,3,2024-02-01,0\n",
        as_of=pd.Timestamp("2024-04-01"),
    )
    assert result.valid["patient_id"].tolist() == ["D"]
    reasons = dict(zip(result.problems["patient_id"], result.problems["reason"], strict=False))
    assert reasons["A"].startswith("Enrolment date: there is no 30 February 2024")
    assert reasons["B"] == "Last visit date is after the as-of date (2024-04-01)"
    assert reasons["C"] == "Enrolment date is after the as-of date (2024-04-01)"
    assert set(result.problems["column"]) >= {"Enrolment date", "Last visit date"}


def test_day_counts_given_as_numbers_win_over_dates():
    header = "Patient ID,Age,Sex,Arm,Phase,Days in trial,Enrolment date,Visits,Last visit,AE count\n"
    data = (header + "A,50,F,Active,II,30,2024-01-10,4,20,1\n").encode()
    result = load_cohort(data, "both.csv", CONTRACT)
    assert result.valid["days_in_trial"].iloc[0] == 30 and result.as_of is None


def test_without_days_or_an_enrolment_date_the_file_is_refused_naming_both_ways():
    data = b"Patient ID,Age,Sex,Arm,Phase,Visits,Last visit,AE count\nA,50,F,Active,II,4,20,1\n"
    with pytest.raises(Exception, match="Days in the trial"):
        load_cohort(data, "none.csv", CONTRACT)
