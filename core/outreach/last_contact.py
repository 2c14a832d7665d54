"""Each patient's last recorded contact, joined by site and patient id as the outreach log keys contacts.

Two sites may give the same patient id to different people: a contact at one site must never show against
(or filter out) the other site's patient. A table without a site column can only be matched by patient id:
the latest contact of that id at any site.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.scoring.cohort import RECENT_CONTACT_DAYS, PatientKey, patient_keys

CONTACT_FIELDS = ("contact_date", "outcome")


def last_contact_for(table: pd.DataFrame, last_contacts: pd.DataFrame) -> pd.DataFrame:
    """``table``'s rows' last contact (contact_date, outcome; empty for a patient never contacted), in its order.

    ``last_contacts``: the outreach log's latest contact per site and patient (patient_id, site_id,
    contact_date, outcome), as ``Outreach.last_per_patient`` gives it.
    """
    latest = last_contacts.sort_values("contact_date", ascending=False, kind="stable")
    if SITE_COLUMN in table:
        keyed = dict(zip(patient_keys(latest), latest[list(CONTACT_FIELDS)].itertuples(index=False), strict=True))
        found = [keyed.get(key) for key in patient_keys(table)]
    else:
        latest = latest.drop_duplicates(ID_COLUMN)  # the latest at any site
        by_id = dict(
            zip(latest[ID_COLUMN].astype(str), latest[list(CONTACT_FIELDS)].itertuples(index=False), strict=True)
        )
        found = [by_id.get(str(p)) for p in table[ID_COLUMN]]
    return pd.DataFrame(
        {
            field: pd.Series([getattr(row, field) if row is not None else None for row in found], dtype=object)
            for field in CONTACT_FIELDS
        }
    )


def recently_contacted(
    last_contacts: pd.DataFrame, today: date, days: int = RECENT_CONTACT_DAYS
) -> frozenset[PatientKey]:
    """The (site, patient id) of patients whose latest recorded contact is dated within the last ``days`` days
    (today included). A contact dated after today (a typing slip) still counts as recent."""
    if last_contacts.empty:
        return frozenset()
    dated = pd.to_datetime(last_contacts["contact_date"], errors="coerce")
    since = pd.Timestamp(today - timedelta(days=days - 1))
    recent = (dated >= since).to_numpy(dtype=bool)
    return frozenset(patient_keys(last_contacts[recent]))
