from core.store.schema import ROLES as STORED_ROLES
from core.trust.roles import (
    COORDINATOR,
    EXPORT,
    MANAGE_USERS,
    MANAGER,
    PROMOTE,
    RECORD_CONTACTS,
    ROLES,
    SAVE_SETTINGS,
    SCORE,
    TRAIN,
    VIEW,
    may,
    refusal,
)


def test_coordinators_score_contact_and_export_but_change_nothing_shared():
    for action in (VIEW, SCORE, RECORD_CONTACTS, EXPORT):
        assert may(COORDINATOR, action)
    for action in (SAVE_SETTINGS, TRAIN, PROMOTE, MANAGE_USERS):
        assert not may(COORDINATOR, action)


def test_managers_may_do_everything_a_coordinator_may_and_more():
    for action in (VIEW, SCORE, RECORD_CONTACTS, EXPORT, SAVE_SETTINGS, TRAIN, PROMOTE, MANAGE_USERS):
        assert may(MANAGER, action)


def test_an_unknown_role_may_do_nothing():
    assert not may("admin", VIEW)
    assert not may("", SCORE)


def test_the_store_accepts_exactly_these_roles():
    assert set(ROLES) == set(STORED_ROLES)


def test_refusal_names_the_action():
    assert "train models" in refusal(TRAIN)


def test_refusal_names_who_is_signed_in_and_their_role():
    words = refusal(TRAIN, "cleo", COORDINATOR)
    assert "You are signed in as cleo (coordinator)." in words
    assert "signed in" not in refusal(TRAIN)
