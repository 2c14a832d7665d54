"""The week's report as HTML: opens offline, says what the issue asks, identifiers only in the call list."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from core.decisions.bands import FACTORY_BANDS
from core.formatting import percent
from core.outreach.call_list import call_list
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN, SITE_COLUMN
from core.report.content import IDENTIFIERS_NOTE, build_week_report
from core.report.html_page import plotly_script, report_html
from core.scoring.cohort import score_snapshot
from tests.core.report.conftest import CAPACITY, FIXED_CLOCK
from tests.core.training.conftest import small_run, small_trial
from tests.time_version import time_registry, trial_week

__all__ = ["small_run", "small_trial"]  # the training fixtures, used here
from tests.core.report.html_reading import scan

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_week.html"


def test_nothing_is_fetched_from_outside(cdisc_report, demo_report):
    for report in (cdisc_report, demo_report):
        page = scan(report_html(report))
        assert page.fetches == [] and page.links == []
    # the scanner does find what it looks for
    planted = scan('<img src="https://x.org/a.png"><style>@import "y.css";</style><div style="background:url(//z)">')
    assert len(planted.fetches) == 3


def test_plotly_is_embedded_once_and_only_aggregated_curves(cdisc_report, cdisc_cohort):
    document = report_html(cdisc_report)
    assert document.count(plotly_script()[:400]) == 1
    assert len(re.findall(r"Plotly\.newPlot\(", document)) == 6
    before_list, _, after = document.partition("<h2>Call list")
    call_list_section, _, rest = after.partition("<h2>")
    ids = cdisc_cohort.scored[ID_COLUMN].astype(str)
    assert not [i for i in ids if i in before_list + rest]  # identifiers only in the call list
    assert sum(i in call_list_section for i in ids) == len(cdisc_report.call_list) == 20


def test_a_labelled_snapshot_shows_its_roc_auc(cdisc_report, cdisc_cohort):
    scored = cdisc_cohort.scored
    auc = roc_auc_score(scored[OUTCOME_COLUMN].astype(int), scored["probability"])
    document = report_html(cdisc_report)
    assert f"ROC AUC {auc:.3f} (" in document
    assert f"AUC {auc:.2f}" in document  # the ROC figure's title


def test_the_report_says_what_it_holds_and_who_made_it(demo_report, demo_cohort):
    document = report_html(demo_report)
    page = scan(document)
    for text in (IDENTIFIERS_NOTE, "Made by Ana Lopez on 2026-12-07 09:30 UTC", demo_cohort.sha256, "Demo trial"):
        assert text.replace("'", "&#x27;") in document
    settings = dict(map(tuple, page.tables["settings"][1:]))
    assert settings["Decision threshold"] == "0.40" and settings["Staff capacity"] == f"{CAPACITY} patients"
    assert [row[0] for row in page.tables["cost-table"][1:]][:2] == ["Dropouts caught", "Dropouts missed"]
    header, *rows = page.tables["call-list"]
    assert header[:3] == ["Patient", "Site", "Chance of dropping out"] and "Reasons" in header
    assert len(rows) == CAPACITY and all(row[header.index("Reasons")] for row in rows)
    assert "Not known: no earlier week" in document
    assert "No outcomes are known for these patients yet" in document
    assert "<script>" not in document  # no figures, so no plotly: a small file


def test_patient_text_is_shown_as_text(demo_cohort, policy, bundle):
    scored = demo_cohort.scored.copy()
    scored.loc[scored.index[np.argmax(demo_cohort.probability)], ID_COLUMN] = "<script>alert(1)</script>"
    hostile = replace(demo_cohort, scored=scored)
    report = build_week_report(hostile, policy, bundle, trial="<b>T</b>", made_by="x", made_at=FIXED_CLOCK, n_boot=20)
    document = report_html(report)
    assert "<script>alert(1)" not in document and "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "<b>T</b>" not in document


def test_chance_within_weeks_columns_are_carried_under_a_time_model(small_run, tmp_path, policy):
    bundle = time_registry(small_run, tmp_path / "models").load()
    week = trial_week(small_run).assign(site_id="S1")  # one site: the report's rows match the list's by position
    cohort = score_snapshot(week, "week", "0" * 64, bundle, FACTORY_BANDS)
    policy = replace(policy, threshold=float(np.nanmedian(cohort.probability)))  # about half flagged
    report = build_week_report(cohort, policy, bundle, trial="T", made_by="x", made_at=FIXED_CLOCK, n_boot=20)
    table = report.call_list
    assert {"Chance of leaving within 4 weeks", "Chance of leaving within 12 weeks"} <= set(table.columns)
    flagged = policy.flagged(cohort.curves)
    listed = call_list(cohort, flagged, flagged, policy, bundle)
    expected = listed["Chance of leaving within 4 weeks"].map(percent)
    assert len(table) > 5 and table["Chance of leaving within 4 weeks"].tolist() == expected.tolist()[: len(table)]


def test_a_week_with_nobody_flagged_still_makes_a_report(demo_cohort, policy, bundle):
    nobody = replace(policy, threshold=1.0)
    report = build_week_report(demo_cohort, nobody, bundle, trial="T", made_by="x", made_at=FIXED_CLOCK, n_boot=20)
    assert report.call_list.empty and "0 patients flagged" in report_html(report)


def test_snapshot_with_a_fixed_clock(demo_report):
    document = report_html(demo_report)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(document, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8")
    assert document == expected, "the report changed: look at it, then UPDATE_SNAPSHOTS=1 to accept"


@pytest.mark.parametrize("capacity", [None])
def test_without_a_capacity_the_list_is_capped_and_says_so(demo_cohort, bundle, capacity):
    from core.decisions.bands import FACTORY_BANDS
    from core.decisions.costs import FACTORY_COSTS
    from core.decisions.policy import Policy
    from core.report import content

    policy = Policy(0.05, capacity, FACTORY_COSTS, FACTORY_BANDS)
    original = content.LIST_LIMIT
    content.LIST_LIMIT = 50
    try:
        report = build_week_report(demo_cohort, policy, bundle, trial="T", made_by="x", made_at=FIXED_CLOCK, n_boot=20)
    finally:
        content.LIST_LIMIT = original
    flagged = int(policy.flagged(demo_cohort.curves).sum())
    assert len(report.call_list) == 50 < flagged
    assert f"{flagged:,} patients flagged; the 50 highest-risk are listed here" in report.call_list_note
    top = demo_cohort.scored.iloc[np.argsort(-demo_cohort.probability, kind="stable")[:50]][ID_COLUMN]
    assert report.call_list["Patient"].tolist() == top.astype(str).tolist()


def test_last_contacts_and_changes_are_reported_when_known(demo_cohort, policy, bundle):
    import pandas as pd

    from core.outreach.changes import weekly_changes

    flagged = policy.flagged(demo_cohort.curves)
    first_row = demo_cohort.scored.loc[flagged].iloc[0]
    first = str(first_row[ID_COLUMN])
    contacts = pd.DataFrame(  # as the outreach log gives them: by site and patient id
        {ID_COLUMN: [first], SITE_COLUMN: [first_row[SITE_COLUMN]], "contact_date": [pd.Timestamp("2026-12-01")],
         "outcome": ["reached"]}
    )  # fmt: skip
    now = demo_cohort.scored[[ID_COLUMN, "probability"]].assign(flagged=flagged)
    before = now.iloc[5:].assign(probability=now["probability"].iloc[5:] - 0.2, flagged=False)
    changes = weekly_changes(before, now)
    report = build_week_report(
        demo_cohort, policy, bundle, trial="T", made_by="x", made_at=FIXED_CLOCK, last_contacts=contacts,
        changes=changes, n_boot=20,
    )  # fmt: skip
    last = dict(zip(report.call_list["Patient"], report.call_list["Last contact"], strict=True))
    assert last[first] == "2026-12-01 reached"
    assert {v for k, v in last.items() if k != first} == {"none recorded"}
    counts = changes.counts()
    assert report.changes is not None and f"{counts['new']:,} new patients" in report.changes[0]
    assert f"{counts['newly_flagged']:,} patients newly flagged" in report.changes[1]
    document = report_html(report)
    assert "Not known: no earlier week" not in document


def test_a_patient_held_out_for_the_fair_test_is_marked_do_not_call_in_the_report(demo_cohort, policy, bundle):
    from core.outreach.holdout import HELD_OUT_WORDS as HELD_OUT_CONTACT
    from core.scoring.cohort import patient_keys

    flagged = policy.flagged(demo_cohort.curves)
    key = patient_keys(demo_cohort.scored.loc[flagged].head(1))[0]
    report = build_week_report(
        demo_cohort, policy, bundle, trial="T", made_by="x", made_at=FIXED_CLOCK, held_out=frozenset([key]), n_boot=20
    )
    contact = dict(zip(report.call_list["Patient"], report.call_list["Contact"], strict=True))
    assert contact[str(key[1])] == HELD_OUT_CONTACT
    assert sum(value == HELD_OUT_CONTACT for value in contact.values()) == 1
