"""core.store.outreach: contacts one at a time or a whole list at once, per patient, per week and per site."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from core.store import OUTCOMES, NewContact, StoreInputError
from tests.core.store import samples

MONDAY = date(2026, 11, 2)


def _contact(patient: str, day: int, outcome: str = "reached", **changes) -> NewContact:
    fields = {
        "patient_id": patient,
        "contact_date": MONDAY + timedelta(days=day),
        "action": "Phone call",
        "contacted_by": "ana",
        "outcome": outcome,
        "note": f"{patient} day {day}",
    }
    return NewContact(**(fields | changes))


def test_one_contact_is_recorded_and_read_back(store):
    contact_id = store.outreach.record(_contact("P-1", 0, "no answer", site_id="Site A", note="left a message"))
    contacts = store.outreach.of_patient("P-1")
    assert contacts["id"].tolist() == [contact_id]
    row = contacts.iloc[0]
    assert (row["outcome"], row["note"], row["site_id"], row["contact_date"]) == (
        "no answer",
        "left a message",
        "Site A",
        MONDAY,
    )
    assert row["recorded_at"].tzinfo is not None


def test_a_whole_list_is_recorded_in_one_go_newest_first_per_patient(store):
    ids = store.outreach.record_many(
        [_contact("P-1", 0), _contact("P-2", 1, "declined"), _contact("P-1", 3, "rescheduled")]
    )
    assert len(set(ids)) == 3
    assert store.outreach.of_patient("P-1")["outcome"].tolist() == ["rescheduled", "reached"]
    assert store.outreach.record_many([]) == []


def test_a_list_with_one_bad_contact_is_refused_whole(store):
    good = [_contact(f"P-{i}", 0) for i in range(5)]
    with pytest.raises(StoreInputError, match="outcome must be one of reached, no answer, declined, rescheduled"):
        store.outreach.record_many([*good, _contact("P-9", 0, "maybe")])
    with pytest.raises(StoreInputError, match="patient's identifier"):
        store.outreach.record(_contact(" ", 0))
    with pytest.raises(StoreInputError, match="patient id may hold at most 200 characters"):
        store.outreach.record(_contact("P" * 201, 0))  # a server would refuse it with its own error
    assert store.outreach.between().empty


def test_the_site_comes_from_the_patients_latest_score_when_not_given(store):
    first, second = samples.scores(3), samples.scores(3)
    first["site_id"], second["site_id"] = "Site A", ["Site B", None, "Site C"]
    store.uploads.record(samples.upload(0), first)
    store.uploads.record(samples.upload(1), second)
    store.outreach.record_many([_contact("P-000000", 0), _contact("P-000001", 0), _contact("never-scored", 0)])
    store.outreach.record(_contact("P-000002", 0, site_id="Site Z"))  # given: kept as given
    sites = store.outreach.between().set_index("patient_id")["site_id"]
    assert sites["P-000000"] == "Site B" and sites["P-000002"] == "Site Z"
    assert pd.isna(sites["P-000001"]) and pd.isna(sites["never-scored"])


def test_the_last_contact_of_each_patient(store):
    store.outreach.record_many(
        [_contact("P-1", 5, "declined"), _contact("P-1", 2), _contact("P-2", 1, "no answer"), _contact("P-3", 0)]
    )
    store.outreach.record(_contact("P-2", 1, "reached"))  # same day, recorded later: the latest
    last = store.outreach.last_per_patient().set_index("patient_id")
    assert last["outcome"].to_dict() == {"P-1": "declined", "P-2": "reached", "P-3": "reached"}
    some = store.outreach.last_per_patient(["P-2", "P-3", "nobody"])
    assert some["patient_id"].tolist() == ["P-2", "P-3"]


def test_two_sites_sharing_a_patient_id_keep_their_own_last_contact(store):
    store.outreach.record_many(
        [_contact("P-1", 5, "declined", site_id="Site A"), _contact("P-1", 1, "no answer", site_id="Site B")]
    )
    last = store.outreach.last_per_patient().set_index("site_id")
    assert last["outcome"].to_dict() == {"Site A": "declined", "Site B": "no answer"}


def _many_contacts() -> list[NewContact]:
    contacts = []
    for i in range(60):
        outcome = OUTCOMES[i % len(OUTCOMES)]
        site = None if i % 11 == 0 else f"Site {'ABC'[i % 3]}"
        contacts.append(_contact(f"P-{i % 17}", (i * 5) % 30, outcome, site_id=site))
    return contacts


def test_contacts_per_week_and_per_site_match_a_direct_count(store):
    contacts = _many_contacts()
    store.outreach.record_many(contacts)
    weekly = store.outreach.per_week().set_index("week")
    for week_start in {c.contact_date - timedelta(days=c.contact_date.weekday()) for c in contacts}:
        in_week = [c for c in contacts if 0 <= (c.contact_date - week_start).days < 7]
        row = weekly.loc[week_start]
        assert row["contacts"] == len(in_week) and row["patients"] == len({c.patient_id for c in in_week})
        assert row["no_answer"] == sum(c.outcome == "no answer" for c in in_week)
        assert row["reached_rate"] == pytest.approx(sum(c.outcome == "reached" for c in in_week) / len(in_week))
    assert weekly.index.tolist() == sorted(weekly.index) and all(d.weekday() == 0 for d in weekly.index)

    per_site = store.outreach.per_site().set_index("site")
    for site in {c.site_id or "Unknown" for c in contacts}:
        at_site = [c for c in contacts if (c.site_id or "Unknown") == site]
        row = per_site.loc[site]
        assert row["contacts"] == len(at_site) and row["declined"] == sum(c.outcome == "declined" for c in at_site)
        assert row["last_contact"] == max(c.contact_date for c in at_site)
    assert per_site["contacts"].sum() == len(contacts)


def test_summaries_can_be_limited_to_a_range_of_days(store):
    contacts = _many_contacts()
    store.outreach.record_many(contacts)
    since, until = MONDAY + timedelta(days=7), MONDAY + timedelta(days=13)
    in_range = [c for c in contacts if since <= c.contact_date <= until]
    assert store.outreach.per_week(since, until)["contacts"].tolist() == [len(in_range)]
    assert store.outreach.per_site(since, until)["contacts"].sum() == len(in_range)
    assert len(store.outreach.between(since=until + timedelta(days=1))) == sum(c.contact_date > until for c in contacts)


def test_no_contacts_give_empty_summaries_with_their_columns(store):
    assert store.outreach.per_week().empty and "reached_rate" in store.outreach.per_week()
    assert store.outreach.per_site().empty and "last_contact" in store.outreach.per_site()
    assert store.outreach.last_per_patient().empty


def test_a_contact_dated_with_a_time_keeps_its_day(store):
    store.outreach.record(_contact("P-1", 0, contact_date=datetime(2026, 11, 4, 16, 45)))
    assert store.outreach.of_patient("P-1")["contact_date"].tolist() == [date(2026, 11, 4)]
    with pytest.raises(StoreInputError, match="must be a date"):
        store.outreach.record(_contact("P-1", 0, contact_date="2026-11-04"))


def test_a_returned_list_recorded_twice_is_stored_once_and_another_sites_patient_is_not_a_duplicate(store):
    first = [_contact("P-1", 0, site_id="S1"), _contact("P-2", 1, site_id="S1")]
    assert store.outreach.record_new(first) == first
    again = [*first, _contact("P-1", 0, site_id="S2")]  # the same identifier at another site: another patient
    assert store.outreach.record_new(again) == [again[2]]
    assert len(store.outreach.between()) == 3


def _record_list(url: str, barrier) -> None:
    from core.store import Store

    with Store.open(url) as store:
        barrier.wait()
        store.outreach.record_new([_contact(f"P-{i}", 0, site_id="S1") for i in range(20)])


def test_two_people_recording_one_list_at_the_same_second_store_it_once(database_url):
    import multiprocessing

    from core.store import Store

    Store.open(database_url).close()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    workers = [context.Process(target=_record_list, args=(database_url, barrier)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    with Store.open(database_url) as store:
        assert len(store.outreach.between()) == 20  # each of the 20 contacts once, not four times
