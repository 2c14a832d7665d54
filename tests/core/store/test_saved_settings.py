"""core.store.saved_settings: saved decision settings survive a restart; the latest value of each key wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from core.store import Store, StoreInputError

EARLY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_settings_saved_are_read_back_after_a_restart(database_url):
    with Store.open(database_url) as first:
        first.settings.save({"threshold": 0.3, "capacity": 40, "plan": "tiered"}, "ana", EARLY)
        first.settings.save({"threshold": np.float64(0.25), "costs": {"intervention": 350}}, "bo", EARLY + timedelta(1))
    with Store.open(database_url) as restarted:
        latest = restarted.settings.latest()
    assert {k: s.value for k, s in latest.items()} == {
        "threshold": 0.25,
        "capacity": 40,
        "plan": "tiered",
        "costs": {"intervention": 350},
    }
    assert (latest["threshold"].changed_by, latest["threshold"].changed_at) == ("bo", EARLY + timedelta(1))
    assert (latest["plan"].changed_by, latest["plan"].changed_at) == ("ana", EARLY)


def test_the_latest_change_wins_by_time_then_by_order_saved(store):
    store.settings.save({"threshold": 0.4}, "ana", EARLY + timedelta(hours=2))
    store.settings.save({"threshold": 0.2}, "bo", EARLY)  # saved later, but dated earlier
    store.settings.save({"plan": "single"}, "ana", EARLY)
    store.settings.save({"plan": "tiered"}, "bo", EARLY)  # same time: the one saved last
    latest = store.settings.latest()
    assert (latest["threshold"].value, latest["plan"].value) == (0.4, "tiered")


def test_every_change_is_kept_in_the_history(store):
    for i, value in enumerate((0.5, 0.3, 0.35)):
        store.settings.save({"threshold": value}, f"user{i}", EARLY + timedelta(days=i))
    store.settings.save({"capacity": None}, "ana", EARLY)
    history = store.settings.history("threshold")
    assert history["value"].tolist() == [0.35, 0.3, 0.5]
    assert history["changed_by"].tolist() == ["user2", "user1", "user0"]
    assert len(store.settings.history()) == 4
    assert store.settings.latest()["capacity"].value is None


def test_nothing_saved_means_no_settings(store):
    store.settings.save({}, "ana")
    assert store.settings.latest() == {} and store.settings.history().empty


def test_a_change_needs_a_time_with_its_zone(store):
    with pytest.raises(StoreInputError, match="time zone"):
        store.settings.save({"threshold": 0.3}, "ana", datetime(2026, 11, 2))


def test_a_value_json_cannot_hold_is_refused_and_nothing_is_saved(store):
    with pytest.raises(StoreInputError, match="the setting threshold cannot be stored"):
        store.settings.save({"plan": "single", "threshold": float("nan")}, "ana")
    assert store.settings.latest() == {}
