"""core.store.history_columns: a trial's column matching survives a restart; the latest per trial wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.store import Store, StoreInputError

EARLY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_a_trials_matching_is_read_back_after_a_restart_and_the_latest_wins(database_url):
    first_choice = {"subjects": {"patient_id": "Subj", "age": "Yrs"}}
    with Store.open(database_url) as first:
        first.history_columns.save("subjects, visits", first_choice, "ana", EARLY)
        first.history_columns.save("subjects, visits", {"visits": {"visit_date": "Seen"}}, "bo", EARLY + timedelta(1))
        first.history_columns.save("ctn subjects, ctn visits", first_choice, "ana", EARLY + timedelta(2))
    with Store.open(database_url) as restarted:
        assert restarted.history_columns.latest("subjects, visits") == {"visits": {"visit_date": "Seen"}}
        assert restarted.history_columns.latest("ctn subjects, ctn visits") == first_choice
        assert restarted.history_columns.latest("another trial") == {}


def test_a_time_without_a_zone_is_refused(database_url):
    with Store.open(database_url) as store, pytest.raises(StoreInputError):
        store.history_columns.save("t", {}, "ana", datetime(2026, 11, 2))
