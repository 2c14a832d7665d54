"""core.reading.dates: the date spellings trial systems write, the day/month question, and bad dates with reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from core.reading.dates import parse_dates


def _one(text: str, **options: object) -> tuple[pd.Timestamp, str]:
    parsed = parse_dates(pd.Series([text]), **options)  # type: ignore[arg-type]
    return parsed.dates.iloc[0], parsed.reasons.iloc[0]


@pytest.mark.parametrize(
    "text",
    [
        "2014-01-02",
        "2014-01-02T10:30",
        "2014-01-02 10:30:00",
        "2014-01-02T10:30:00.000+01:00",
        "2014/01/02",
        "20140102",
        "41641",  # Excel serial number
        "41641.75",  # Excel serial with a time of day
        "2 Jan 2014",
        "02-Jan-2014",
        "02JAN2014",  # SAS DATE9
        "2 January 2014",
        "Jan 2, 2014",
        "January 2 2014",
        " 2014-01-02 ",
    ],
)
def test_every_accepted_spelling_gives_the_same_day(text):
    date, reason = _one(text)
    assert reason == ""
    assert date == pd.Timestamp("2014-01-02")


def test_sas_date_numbers_only_when_the_caller_says_so():
    assert _one("19725", sas_numbers=True)[0] == pd.Timestamp("2014-01-02")  # days since 1960-01-01
    assert _one("-1", sas_numbers=True)[0] == pd.Timestamp("1959-12-31")
    date, reason = _one("19725")  # as an Excel serial it is 1954: in range, but another day
    assert date == pd.Timestamp("1954-01-01")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2014-01", "only a year and month"),
        ("2014", "only a year is given"),
        ("2014-02-30", "there is no 30 February 2014 (February has 28 days)"),
        ("2016-02-30", "February has 29 days"),
        ("31/04/2014", "there is no 31 April 2014"),
        ("2014-13-01", "month 13 does not exist"),
        ("hello", "not a date that can be read"),
        ("12", "not an Excel date between 1950 and 2099"),
        ("99999", "not an Excel date"),
        ("2 Foo 2014", "month name"),
        ("1850-01-01", "outside 1900-2100"),
    ],
)
def test_unusable_dates_are_problems_with_a_reason(text, words):
    date, reason = _one(text)
    assert pd.isna(date)
    assert words in reason


def test_blank_cells_are_blank_not_problems():
    parsed = parse_dates(pd.Series(["", "  ", None, "2014-01-02"]))
    assert parsed.blank.tolist() == [True, True, True, False]
    assert parsed.reasons.tolist() == ["", "", "", ""]
    assert parsed.dates.isna().tolist() == [True, True, True, False]


def test_a_first_part_above_12_makes_the_column_day_first():
    parsed = parse_dates(pd.Series(["02/01/2014", "25/12/2013", "2.1.2014", "03-04-14"]))
    assert parsed.order == "day-first"
    assert parsed.ambiguous == ()
    expected = ["2014-01-02", "2013-12-25", "2014-01-02", "2014-04-03"]
    assert parsed.dates.tolist() == [pd.Timestamp(d) for d in expected]


def test_a_second_part_above_12_makes_the_column_month_first():
    parsed = parse_dates(pd.Series(["02/01/2014", "12/25/2013"]))
    assert parsed.order == "month-first"
    assert parsed.dates.tolist() == [pd.Timestamp("2014-02-01"), pd.Timestamp("2013-12-25")]


def test_an_ambiguous_column_is_not_guessed_and_says_so():
    cells = pd.Series(["02/01/2014", "03/04/2014", "2014-05-06", "07/07/2014"])
    parsed = parse_dates(cells)
    assert parsed.order is None
    assert parsed.ambiguous == ("02/01/2014", "03/04/2014")
    assert parsed.bad.tolist() == [True, True, False, False]  # ISO and 07/07 read the same either way
    assert "day and month order is unclear" in parsed.reasons.iloc[0]
    assert parsed.dates.iloc[2] == pd.Timestamp("2014-05-06")
    assert parsed.dates.iloc[3] == pd.Timestamp("2014-07-07")


@pytest.mark.parametrize(("day_first", "expected"), [(True, "2014-01-02"), (False, "2014-02-01")])
def test_the_callers_answer_settles_an_ambiguous_column(day_first, expected):
    parsed = parse_dates(pd.Series(["02/01/2014", "03/04/2014"]), day_first=day_first)
    assert parsed.ambiguous == ()
    assert parsed.dates.iloc[0] == pd.Timestamp(expected)


def test_evidence_both_ways_is_ambiguous_and_the_answer_makes_the_contradiction_a_problem():
    cells = pd.Series(["25/12/2013", "12/25/2013"])
    assert parse_dates(cells).ambiguous == ("25/12/2013", "12/25/2013")
    parsed = parse_dates(cells, day_first=True)
    assert parsed.dates.iloc[0] == pd.Timestamp("2013-12-25")
    assert "month 25 does not exist" in parsed.reasons.iloc[1]


def test_mixed_formats_in_one_column():
    cells = pd.Series(["2014-01-02", "41642", "04/01/2014", "5 Jan 2014", "Jan 6, 2014", "20140107", "13/01/2014"])
    parsed = parse_dates(cells)
    assert parsed.reasons.tolist() == [""] * 7
    assert parsed.dates.tolist() == [pd.Timestamp(f"2014-01-{d:02d}") for d in (2, 3, 4, 5, 6, 7, 13)]


def test_two_digit_years_follow_the_posix_rule():
    parsed = parse_dates(pd.Series(["13/01/14", "13/01/69", "13/01/68"]))
    assert [d.year for d in parsed.dates] == [2014, 1969, 2068]


def test_many_rows_parse_once_per_distinct_value_and_keep_their_index():
    cells = pd.Series(["2014-01-02", "31/01/2014", "bad"] * 1000, index=range(5, 3005))
    parsed = parse_dates(cells)
    assert parsed.dates.index.equals(cells.index)
    assert parsed.dates.iloc[1] == pd.Timestamp("2014-01-31")
    assert int(parsed.bad.sum()) == 1000
