"""Outreach in numbers: contacts per week and per site, with what came of them (pure pandas)."""

from __future__ import annotations

import pandas as pd

from core.store.schema import OUTCOMES

UNKNOWN_SITE = "Unknown"
OUTCOME_COLUMNS = [outcome.replace(" ", "_") for outcome in OUTCOMES]  # reached, no_answer, declined, rescheduled


def _counts(contacts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Contacts, distinct patients and each outcome's count per value of ``by``; reached_rate = reached / contacts."""
    outcomes = pd.crosstab(contacts[by], contacts["outcome"]).reindex(columns=list(OUTCOMES), fill_value=0)
    outcomes.columns = OUTCOME_COLUMNS
    grouped = contacts.groupby(by)
    table = pd.DataFrame({"contacts": grouped.size(), "patients": grouped["patient_id"].nunique()}).join(outcomes)
    table["reached_rate"] = table["reached"] / table["contacts"]
    return table


def per_week(contacts: pd.DataFrame) -> pd.DataFrame:
    """One row per week (Monday the week starts on) that had contacts, oldest first."""
    columns = ["week", "contacts", "patients", *OUTCOME_COLUMNS, "reached_rate"]
    if contacts.empty:
        return pd.DataFrame(columns=columns)
    days = pd.to_datetime(contacts["contact_date"])
    weeks = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date
    table = _counts(contacts.assign(week=weeks), "week").reset_index()
    return table[columns].sort_values("week", ignore_index=True)


def per_site(contacts: pd.DataFrame) -> pd.DataFrame:
    """One row per site (contacts without a site under "Unknown"), most contacts first, with the last contact's date."""
    columns = ["site", "contacts", "patients", *OUTCOME_COLUMNS, "reached_rate", "last_contact"]
    if contacts.empty:
        return pd.DataFrame(columns=columns)
    framed = contacts.assign(site=contacts["site_id"].fillna(UNKNOWN_SITE).astype(str))
    table = _counts(framed, "site").join(framed.groupby("site")["contact_date"].max().rename("last_contact"))
    return table.reset_index()[columns].sort_values(["contacts", "site"], ascending=[False, True], ignore_index=True)
