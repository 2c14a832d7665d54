"""core.outreach.last_contact: a patient's last contact joined by site and patient id, never by id alone."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from core.outreach.last_contact import last_contact_for, recently_contacted
from core.scoring.cohort import CohortFilter, filter_mask

# Two sites gave the same id "P-1" to two different people; only Site A's was called.
CONTACTS = pd.DataFrame(
    {
        "patient_id": ["P-1", "P-2"],
        "site_id": ["Site A", None],
        "contact_date": [date(2026, 3, 30), date(2026, 3, 2)],
        "outcome": ["reached", "no answer"],
    }
)
TODAY = date(2026, 3, 31)


def test_a_contact_at_one_site_shows_against_that_sites_patient_only():
    table = pd.DataFrame({"patient_id": ["P-1", "P-1", "P-2"], "site_id": ["Site B", "Site A", np.nan]})
    found = last_contact_for(table, CONTACTS)
    assert found["outcome"].tolist() == [None, "reached", "no answer"]
    assert found["contact_date"].tolist() == [None, date(2026, 3, 30), date(2026, 3, 2)]


def test_without_a_site_column_the_latest_contact_of_the_id_at_any_site_shows():
    more = pd.concat(
        [CONTACTS, pd.DataFrame({"patient_id": ["P-1"], "site_id": ["Site B"], "contact_date": [date(2026, 1, 5)],
                                 "outcome": ["declined"]})],
        ignore_index=True,
    )  # fmt: skip
    found = last_contact_for(pd.DataFrame({"patient_id": ["P-1", "P-9"]}), more)
    assert found["outcome"].tolist() == ["reached", None]


def test_the_not_contacted_filter_keeps_the_other_sites_patient_with_the_same_id():
    scored = pd.DataFrame(
        {"patient_id": ["P-1", "P-1", "P-2"], "site_id": ["Site A", "Site B", None], "probability": [0.5, 0.5, 0.5]}
    )
    recent = recently_contacted(CONTACTS, TODAY)
    assert recent == {("Site A", "P-1")}  # P-2's contact is 30 days old
    mask = filter_mask(scored, np.ones(3, dtype=bool), CohortFilter(not_contacted_only=True), recent)
    assert mask.tolist() == [False, True, True]


def test_recently_contacted_counts_the_last_28_days_including_today():
    contacts = pd.DataFrame(
        {
            "patient_id": ["today", "day 27", "day 28", "old", "future"],
            "site_id": "S",
            "contact_date": [
                date(2026, 3, 31),
                date(2026, 3, 4),
                date(2026, 3, 3),
                date(2025, 12, 1),
                date(2026, 4, 2),
            ],
        }
    )
    assert {p for _, p in recently_contacted(contacts, TODAY)} == {"today", "day 27", "future"}
    assert {p for _, p in recently_contacted(contacts, TODAY, days=29)} == {"today", "day 27", "day 28", "future"}
    assert recently_contacted(contacts.iloc[:0], TODAY) == frozenset()
