"""The Cohort page's "Record contacts": one patient, the whole call list at once, or the call list returned filled in.

Every contact is kept in the store's outreach log (who, when, what was done, what came of it) and written to
the audit trail (patients as salted hashes). Only people whose role lets them record contacts see the forms.
"""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.access.identity import current_person, require
from app.records import Week
from app.services import audit_trail, store_access
from app.text import plain
from core.formatting import percent, things
from core.output.csv_file import csv_bytes
from core.outreach.contacts_file import DEFAULT_ACTION, NOTE_LIMIT, TEXT_LIMIT, ContactsFile, read_contacts
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.reading.errors import SchemaError
from core.scoring.cohort import ScoredCohort
from core.store import Store
from core.store.outreach import NewContact
from core.store.schema import OUTCOMES
from core.trust.roles import RECORD_CONTACTS

PICK_LIMIT = 1000  # patients offered in the one-patient form: the highest-risk of those matching the filters
NOT_SAVED = "The contacts were not saved; nothing was recorded. Try again when the database is back."
DAY_ORDERS = ("day first (31/12/2026)", "month first (12/31/2026)")


def section(cohort: ScoredCohort, rows: np.ndarray, flagged: np.ndarray, week: Week | None) -> None:
    """Record contacts with this cohort's patients (drawn after the patient table)."""
    st.subheader("Record contacts")
    notice = state.pop_outreach_notice()
    if notice:
        st.success(notice, icon=":material/task_alt:")
    if week is None:
        st.info(
            "Contacts are kept in the database, which cannot be used right now, so they cannot be recorded. "
            "The scores above are still right; record the contacts once the database is back.",
            icon=":material/cloud_off:",
        )
        return
    if not require(RECORD_CONTACTS):
        return
    one, whole, returned = st.tabs(["One patient", "The whole call list", "A returned call list"])
    with one:
        _one_patient(cohort, rows, flagged)
    with whole:
        _whole_list(cohort, rows, flagged)
    with returned:
        _returned_list(cohort)


def _sites(cohort: ScoredCohort) -> dict[str, str | None]:
    """Each scored patient's site (None where the file gives none)."""
    scored = cohort.scored
    ids = scored[ID_COLUMN].astype(str)
    if SITE_COLUMN not in scored:
        return dict.fromkeys(ids)
    sites = [None if pd.isna(site) or str(site).strip() == "" else str(site) for site in scored[SITE_COLUMN]]
    return dict(zip(ids, sites, strict=True))


def _choices(cohort: ScoredCohort, rows: np.ndarray, flagged: np.ndarray) -> dict[str, str]:
    """Patient -> how the picker names them: the patients matching the filters, highest risk first."""
    scored = cohort.scored.assign(_flagged=flagged)[rows]
    top = scored.sort_values("probability", ascending=False, kind="stable").head(PICK_LIMIT)
    return {
        str(pid): f"{pid} · {percent(risk)}" + (" · flagged" if on_list else "")
        for pid, risk, on_list in zip(top[ID_COLUMN], top["probability"], top["_flagged"], strict=True)
    }


def _one_patient(cohort: ScoredCohort, rows: np.ndarray, flagged: np.ndarray) -> None:
    choices = _choices(cohort, rows, flagged)
    if not choices:
        st.caption("No patient matches the filters above: widen them to record a contact.")
        return
    if int(rows.sum()) > PICK_LIMIT:
        st.caption(
            f"The {PICK_LIMIT:,} highest-risk patients matching the filters are offered; narrow the filters "
            "to find another."
        )
    today = date.today()
    with st.form("outreach_one", clear_on_submit=True):
        patient = st.selectbox(
            "Patient",
            list(choices),
            index=None,
            format_func=lambda key: str(choices.get(key)),
            placeholder="Choose or type an identifier",
            key="outreach_patient",
        )
        left, right = st.columns(2)
        day = left.date_input("Date of the contact", value=today, max_value=today, key="outreach_date")
        action = right.text_input("What was done", value=DEFAULT_ACTION, max_chars=TEXT_LIMIT, key="outreach_action")
        outcome = st.radio("Outcome", OUTCOMES, index=None, horizontal=True, key="outreach_outcome")
        note = st.text_area("Note (optional)", max_chars=NOTE_LIMIT, key="outreach_note")
        submitted = st.form_submit_button("Save the contact", type="primary")
    if not submitted:
        return
    if patient is None or outcome is None:
        st.error("Choose the patient and the outcome, then save again. Nothing was recorded.")
        return
    contact = NewContact(
        str(patient),
        day,
        action.strip() or DEFAULT_ACTION,
        current_person().name,
        outcome,
        note.strip(),
        _sites(cohort).get(str(patient)),
    )
    saved = _record([contact], "one patient", skip_recorded=False)
    if saved is not None:
        _done(f"The contact with {plain(patient)} was recorded ({outcome}).")


def _whole_list(cohort: ScoredCohort, rows: np.ndarray, flagged: np.ndarray) -> None:
    listed = flagged & rows
    count = int(listed.sum())
    if not count:
        st.caption("Nobody is on the call list: lower the threshold or widen the filters.")
        return
    st.markdown(
        f"The call list holds the **{count:,} flagged patients** that match your filters: the same patients as the "
        "call list download below. Use this when every one of them was contacted the same way with the same result."
    )
    today = date.today()
    with st.form("outreach_list"):
        left, right = st.columns(2)
        day = left.date_input("Date of the contacts", value=today, max_value=today, key="outreach_list_date")
        action = right.text_input("What was done", DEFAULT_ACTION, max_chars=TEXT_LIMIT, key="outreach_list_action")
        outcome = st.radio("Outcome", OUTCOMES, index=None, horizontal=True, key="outreach_list_outcome")
        note = st.text_area("Note for every contact (optional)", max_chars=NOTE_LIMIT, key="outreach_list_note")
        submitted = st.form_submit_button(f"Mark the whole list as contacted ({count:,} patients)", type="primary")
    if not submitted:
        return
    if outcome is None:
        st.error("Choose the outcome, then mark the list again. Nothing was recorded.")
        return
    sites = _sites(cohort)
    who, what = current_person().name, action.strip() or DEFAULT_ACTION
    contacts = [
        NewContact(pid, day, what, who, outcome, note.strip(), sites.get(pid))
        for pid in cohort.scored.loc[listed, ID_COLUMN].astype(str)
    ]
    saved = _record(contacts, "whole call list", skip_recorded=True)
    if saved is not None:
        _done(_recorded_words(saved, len(contacts)))


def _returned_list(cohort: ScoredCohort) -> None:
    st.markdown(
        "Download the call list below, add a column **Outcome** (reached, no answer, declined or rescheduled; "
        "leave it blank where no call was made) and, if you like, **Contact date**, **Action**, **Contacted by** "
        "and **Note**. Then upload it here: you see what will be recorded before anything is."
    )
    upload = st.file_uploader(
        "Upload the returned call list (CSV or Excel)",
        type=["csv", "txt", "tsv", "xlsx"],
        key=state.outreach_upload_key(),
        help=f"Up to {state.settings().max_upload_mb} MB.",
    )
    if upload is None:
        return
    result = _read(cohort, upload.getvalue(), upload.name, None)
    if result is not None and result.ambiguous_dates:
        st.warning(
            "The dates in this file could be read day first or month first (for example "
            f"{plain(', '.join(result.ambiguous_dates[:3]))}). Say which, and they are read again.",
            icon=":material/calendar_month:",
        )
        order = st.radio(
            "This file writes dates",
            DAY_ORDERS,
            index=None,
            horizontal=True,
            key=f"outreach_day_order_{upload.file_id}",
        )
        if order is not None:
            result = _read(cohort, upload.getvalue(), upload.name, order == DAY_ORDERS[0])
    if result is not None:
        _confirm(result, upload.name)


def _read(cohort: ScoredCohort, data: bytes, filename: str, day_first: bool | None) -> ContactsFile | None:
    """The returned call list, read once per file and date order; None (with the reason shown) if unusable."""
    known = _sites(cohort)
    key = (hashlib.sha256(data).hexdigest(), day_first, cohort.sha256)
    found = state.contacts_file(key)
    if found is not None:
        return found
    try:
        result = read_contacts(
            data,
            filename,
            recorded_by=current_person().name,
            today=date.today(),
            known_patients=known,
            day_first=day_first,
            max_upload_mb=state.settings().max_upload_mb,
        )
    except SchemaError as error:
        st.error(plain(str(error)), icon=":material/error:")
        return None
    state.set_contacts_file(key, result)
    return result


def _file_words(result: ContactsFile) -> str:
    found = len(result.contacts)
    words = [f"**{things(found, 'contact')}** will be recorded from {things(result.rows_read, 'row')}"]
    if result.not_called:
        one = result.not_called == 1
        words.append(
            f"{things(result.not_called, 'row')} {'has' if one else 'have'} no outcome (no call was made) "
            f"and {'is' if one else 'are'} skipped"
        )
    if result.duplicates:
        one = result.duplicates == 1
        words.append(
            f"{things(result.duplicates, 'row')} {'repeats' if one else 'repeat'} a contact listed above "
            f"{'it' if one else 'them'} and {'counts' if one else 'count'} once"
        )
    if result.refused_rows:
        words.append(f"{things(result.refused_rows, 'row')} cannot be recorded (listed below)")
    return "; ".join(words) + "."


def _confirm(result: ContactsFile, filename: str) -> None:
    """What the file will record, the rows it cannot, and the button that records it."""
    st.markdown(_file_words(result))
    if result.refused_rows:
        st.warning(
            "Rows that cannot be recorded: fix them in your file and upload it again (or record them one at a "
            "time). The other contacts can be recorded now.",
            icon=":material/rule:",
        )
        st.dataframe(result.refused, hide_index=True, key="outreach_refused")
        st.download_button(
            "Download the rows that cannot be recorded (CSV)",
            data=csv_bytes(result.refused),
            file_name=f"contacts_not_recorded_{filename.rsplit('.', 1)[0]}.csv",
            mime="text/csv",
            on_click="ignore",
            key="download_outreach_refused",
        )
    found = len(result.contacts)
    if not found:
        st.caption("Nothing in this file can be recorded yet.")
        return
    if st.button(f"Record the {found:,} contacts", type="primary", key="outreach_confirm"):
        saved = _record(result.contacts, "returned call list", skip_recorded=True)
        if saved is not None:
            state.start_outreach_upload_again()
            _done(_recorded_words(saved, found))


def _done(message: str) -> None:
    """Say what was recorded after a fresh run, so the table above shows the new contacts too."""
    state.set_outreach_notice(message)
    st.rerun()


def _recorded_words(saved: int, asked: int) -> str:
    already = asked - saved
    note = f" {already:,} were already in the log and were not recorded again." if already else ""
    return f"{saved:,} contacts were recorded.{note}"


def _record(contacts: list[NewContact], source: str, *, skip_recorded: bool) -> int | None:
    """Store the contacts (all or none) and write the audit event; the number stored, or None once it is said."""

    def save(store: Store) -> list[NewContact]:
        if skip_recorded:  # checked inside the write: a list recorded twice at once is stored once
            return store.outreach.record_new(contacts)
        store.outreach.record_many(contacts)
        return contacts

    saved = store_access.attempt(save, NOT_SAVED)
    if saved is None:
        return None
    outcomes = pd.Series([c.outcome for c in saved], dtype=object).value_counts().to_dict()
    ids = [c.patient_id for c in saved]
    if not audit_trail.record("contacts_recorded", ids, n_contacts=len(saved), source=source, outcomes=outcomes):
        st.success(_recorded_words(len(saved), len(contacts)), icon=":material/task_alt:")
        return None  # recorded, but the audit trail's error stays on screen: no fresh run that would hide it
    return len(saved)
