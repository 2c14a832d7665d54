"""core.trust.accounts: the team's rules for adding and changing users, and what each change tells the audit."""

from __future__ import annotations

import pytest

from core.trust.accounts import (
    MIN_PASSWORD_LENGTH,
    NO_PASSWORD,
    PASSWORD_CHANGED,
    PASSWORD_RESET,
    ROLE_CHANGED,
    USER_ADDED,
    USER_DISABLED,
    USER_ENABLED,
    AccountError,
)
from core.trust.passwords import verify_password

GOOD = "a long enough secret"


def test_a_user_is_added_with_a_salted_hash_and_the_change_names_no_password(accounts, store):
    change = accounts.add("  Ana   Lopez ", "manager", GOOD)
    kept = store.users.get("Ana Lopez")
    assert kept is not None and kept.role == "manager" and not kept.disabled
    assert kept.password_hash != GOOD and verify_password(GOOD, kept.password_hash)
    assert change.event == USER_ADDED and change.user == "Ana Lopez"
    fields = change.audit_fields(by="local user")
    assert fields["by"] == "local user" and fields["role"] == "manager"
    assert GOOD not in str(fields) and kept.password_hash not in str(fields)


def test_two_users_cannot_share_a_name_in_any_case(accounts):
    accounts.add("Ana", "manager", GOOD)
    with pytest.raises(AccountError, match="already a user named 'ana'"):
        accounts.add("ana ", "coordinator", GOOD)
    assert [u.name for u in accounts.all()] == ["Ana"]
    assert accounts.find(" ANA").name == "Ana" and accounts.find("anna") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "words"),
    [
        ("", "manager", GOOD, "Give the user a name"),
        ("x" * 201, "manager", GOOD, "too long"),
        ("ana\x00", "manager", GOOD, "control character"),
        ("ana", "admin", GOOD, "not a role here"),
        ("ana", "manager", "x" * (MIN_PASSWORD_LENGTH - 1), f"at least {MIN_PASSWORD_LENGTH} characters"),
    ],
)
def test_bad_input_is_refused_in_plain_words_and_nothing_is_added(accounts, name, role, password, words):
    with pytest.raises(AccountError, match=words):
        accounts.add(name, role, password)
    assert accounts.all() == []


def test_the_first_user_must_be_a_manager(accounts):
    with pytest.raises(AccountError, match="must be a manager"):
        accounts.add("cleo", "coordinator", GOOD)
    accounts.add("ana", "manager", GOOD)
    assert accounts.add("cleo", "coordinator", GOOD).details["role"] == "coordinator"


def test_the_last_enabled_manager_can_be_neither_disabled_nor_demoted(accounts):
    accounts.add("ana", "manager", GOOD)
    accounts.add("cleo", "coordinator", GOOD)
    with pytest.raises(AccountError, match="ana is the last enabled manager"):
        accounts.disable("ana")
    with pytest.raises(AccountError, match="last enabled manager"):
        accounts.set_role("ANA", "coordinator")
    assert accounts.enabled_managers() == ["ana"]


def test_with_a_second_manager_the_first_may_step_down(accounts):
    accounts.add("ana", "manager", GOOD)
    accounts.add("bo", "manager", GOOD)
    change = accounts.set_role("ana", "coordinator")
    assert (change.event, change.details) == (ROLE_CHANGED, {"role": "coordinator", "previous_role": "manager"})
    with pytest.raises(AccountError, match="bo is the last enabled manager"):
        accounts.disable("bo")


def test_a_disabled_manager_does_not_count_as_the_one_kept(accounts):
    accounts.add("ana", "manager", GOOD)
    accounts.add("bo", "manager", GOOD)
    assert accounts.disable("bo").event == USER_DISABLED
    with pytest.raises(AccountError, match="ana is the last enabled manager"):
        accounts.set_role("ana", "coordinator")
    assert accounts.enable("bo").event == USER_ENABLED
    assert accounts.disable("ana").event == USER_DISABLED


def test_changes_to_someone_missing_or_already_so_are_refused(accounts):
    accounts.add("ana", "manager", GOOD)
    with pytest.raises(AccountError, match="no user named 'dora'"):
        accounts.disable("dora")
    with pytest.raises(AccountError, match="already a manager"):
        accounts.set_role("ana", "manager")
    with pytest.raises(AccountError, match="already enabled"):
        accounts.enable("ana")


def test_a_password_reset_replaces_the_hash(accounts, store):
    accounts.add("ana", "manager", GOOD)
    with pytest.raises(AccountError, match="too short"):
        accounts.reset_password("ana", "short")
    assert accounts.reset_password("ana", "another long secret").event == PASSWORD_RESET
    kept = store.users.get("ana").password_hash
    assert verify_password("another long secret", kept) and not verify_password(GOOD, kept)


def test_someone_who_signs_in_only_through_the_provider_has_no_password(accounts, store):
    accounts.add("ana@hospital.org", "manager", None)
    assert store.users.get("ana@hospital.org").password_hash == NO_PASSWORD
    assert not verify_password("", NO_PASSWORD)


def test_a_user_changes_their_own_password_only_with_the_current_one(accounts, store):
    accounts.add("cleo", "manager", GOOD)
    with pytest.raises(AccountError, match="current password is not right"):
        accounts.change_own_password("cleo", "not the password", "a brand new long secret")
    with pytest.raises(AccountError, match="too short"):
        accounts.change_own_password("cleo", GOOD, "short")
    with pytest.raises(AccountError, match="same as the current"):
        accounts.change_own_password("cleo", GOOD, GOOD)
    assert verify_password(GOOD, store.users.get("cleo").password_hash)
    change = accounts.change_own_password("CLEO", GOOD, "a brand new long secret")
    assert (change.event, change.user) == (PASSWORD_CHANGED, "cleo")
    assert verify_password("a brand new long secret", store.users.get("cleo").password_hash)
    assert "a brand new long secret" not in str(change.audit_fields(by="cleo"))


def test_someone_who_signs_in_through_the_provider_has_no_password_to_change(accounts):
    accounts.add("ana@hospital.org", "manager", None)
    with pytest.raises(AccountError, match="identity provider"):
        accounts.change_own_password("ana@hospital.org", NO_PASSWORD, "a brand new long secret")
