"""core.store.users: add, change the password hash and role, disable, list, get."""

from __future__ import annotations

import pytest

from core.store import StoreInputError
from core.trust.passwords import hash_password, verify_password


def test_a_user_is_added_changed_and_disabled(store):
    added = store.users.add(" ana ", "coordinator", hash_password("first secret", iterations=1_000))
    assert added.name == "ana" and not added.disabled
    assert store.users.get("ana") == added

    store.users.set_password_hash("ana", hash_password("second secret", iterations=1_000))
    store.users.set_role("ana", "manager")
    store.users.disable("ana")
    changed = store.users.get("ana")
    assert (changed.role, changed.disabled, changed.created_at) == ("manager", True, added.created_at)
    assert verify_password("second secret", changed.password_hash)
    assert not verify_password("first secret", changed.password_hash)
    store.users.enable("ana")
    assert not store.users.get("ana").disabled


def test_users_are_listed_by_name_with_the_disabled_ones(store):
    for name in ("cleo", "ana", "bo"):
        store.users.add(name, "coordinator", "hash")
    store.users.disable("bo")
    assert [(u.name, u.disabled) for u in store.users.all()] == [("ana", False), ("bo", True), ("cleo", False)]
    assert store.users.get("dora") is None


def test_a_name_is_taken_once(store):
    store.users.add("ana", "coordinator", "hash")
    with pytest.raises(StoreInputError, match="a user named 'ana' already exists"):
        store.users.add("ana", "manager", "other")
    assert [u.role for u in store.users.all()] == ["coordinator"]


@pytest.mark.parametrize(
    "change,fragment",
    [
        (lambda users: users.add("bo", "admin", "hash"), "role must be one of coordinator, manager"),
        (lambda users: users.add("  ", "manager", "hash"), "needs a name"),
        (lambda users: users.set_role("ana", "owner"), "role must be one of"),
        (lambda users: users.disable("nobody"), "no user named 'nobody'"),
        (lambda users: users.set_password_hash("nobody", "hash"), "no user named 'nobody'"),
    ],
)
def test_bad_changes_are_refused_with_the_reason(store, change, fragment):
    store.users.add("ana", "coordinator", "hash")
    with pytest.raises(StoreInputError, match=fragment):
        change(store.users)
    assert [(u.name, u.role) for u in store.users.all()] == [("ana", "coordinator")]
