"""Eight processes recording contacts at once into one database: nothing lost, nothing recorded twice."""

from __future__ import annotations

import multiprocessing
from datetime import date

from core.store import NewContact, Store

WRITERS = 8
SINGLE = 15  # contacts each writer records one transaction at a time
BULK = 25  # and then as one list in one transaction


def _contact(writer: int, number: int) -> NewContact:
    return NewContact(
        f"W{writer}-P{number}", date(2026, 11, 2), "Phone call", f"writer{writer}", "reached", f"{writer}:{number}"
    )


def _write(url: str, writer: int, start) -> None:
    with Store.open(url) as store:
        start.wait(timeout=60)  # every writer has the store open: now they all write together
        for number in range(SINGLE):
            store.outreach.record(_contact(writer, number))
        store.outreach.record_many([_contact(writer, number) for number in range(SINGLE, SINGLE + BULK)])


def test_eight_writers_lose_nothing_and_duplicate_nothing(database_url):
    Store.open(database_url).close()  # built once; the writers find it up to date
    context = multiprocessing.get_context("fork")
    start = context.Barrier(WRITERS)
    writers = [context.Process(target=_write, args=(database_url, w, start)) for w in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=180)
    assert [p.exitcode for p in writers] == [0] * WRITERS

    with Store.open(database_url) as store:
        contacts = store.outreach.between()
    expected = {f"{w}:{n}" for w in range(WRITERS) for n in range(SINGLE + BULK)}
    assert len(contacts) == len(expected) == WRITERS * (SINGLE + BULK)
    assert set(contacts["note"]) == expected
    assert contacts["id"].is_unique
    per_writer = contacts.groupby("contacted_by").size()
    assert per_writer.to_dict() == {f"writer{w}": SINGLE + BULK for w in range(WRITERS)}
