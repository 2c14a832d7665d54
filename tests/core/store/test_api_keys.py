"""The API's keys (hashes only) and the answers kept for idempotent retries, on each backend."""

from __future__ import annotations

import pytest

from core.store import StoreInputError


def test_a_key_is_found_by_its_hash_until_revoked_and_keeps_its_name(store):
    store.api_keys.add("ctms", "coordinator", "a" * 64)
    found = store.api_keys.by_hash("a" * 64)
    assert (found.name, found.role, found.revoked) == ("ctms", "coordinator", False)
    assert store.api_keys.by_hash("b" * 64) is None
    store.api_keys.revoke("ctms")
    assert store.api_keys.by_hash("a" * 64).revoked
    with pytest.raises(StoreInputError, match="no key in use"):
        store.api_keys.revoke("ctms")
    with pytest.raises(StoreInputError, match="already exists"):
        store.api_keys.add("ctms", "manager", "c" * 64)
    with pytest.raises(StoreInputError, match="role"):
        store.api_keys.add("edc", "admin", "d" * 64)
    assert [k.name for k in store.api_keys.all()] == ["ctms"]


def test_the_first_answer_kept_for_an_idempotency_key_wins(store):
    assert store.api_keys.reply("ctms", "k1") is None
    assert store.api_keys.keep_reply("ctms", "k1", "f" * 64, {"recorded": 2, "already_in_log": 0})
    assert not store.api_keys.keep_reply("ctms", "k1", "e" * 64, {"recorded": 0, "already_in_log": 2})
    assert store.api_keys.reply("ctms", "k1") == ("f" * 64, {"recorded": 2, "already_in_log": 0})
    assert store.api_keys.reply("edc", "k1") is None  # per key: another system's same header is its own
