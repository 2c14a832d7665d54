"""core.trust.credentials: a name and password checked against the users table; a provider's person found there."""

from __future__ import annotations

import pytest

from core.trust.credentials import DISABLED, UNKNOWN_NAME, WRONG_PASSWORD, authenticate, match_identity

SECRET = "a long enough secret"


@pytest.fixture
def team(accounts):
    accounts.add("Ana Lopez", "manager", SECRET)
    accounts.add("bo", "coordinator", "bo's own long secret")
    accounts.add("cleo@hospital.org", "coordinator", None)
    return accounts


def test_the_right_name_and_password_sign_in_whatever_the_case_and_spacing(team):
    check = authenticate(team, "  ana   LOPEZ ", SECRET)
    assert check.succeeded and check.user.name == "Ana Lopez" and check.user.role == "manager"


@pytest.mark.parametrize(
    ("name", "password", "failure", "known"),
    [
        ("Ana Lopez", "a wrong long password", WRONG_PASSWORD, "Ana Lopez"),
        ("Ana Lopez", "bo's own long secret", WRONG_PASSWORD, "Ana Lopez"),  # someone else's password
        ("dora", SECRET, UNKNOWN_NAME, None),
        ("", SECRET, UNKNOWN_NAME, None),
        ("cleo@hospital.org", "", WRONG_PASSWORD, "cleo@hospital.org"),  # no password: provider only
    ],
)
def test_every_failure_lets_no_one_in_and_says_why_only_for_the_audit(team, name, password, failure, known):
    check = authenticate(team, name, password)
    assert not check.succeeded and check.user is None
    assert (check.failure, check.known_name) == (failure, known)


def test_a_disabled_user_cannot_sign_in_even_with_the_right_password(team):
    team.add("eve", "manager", "eve's own long secret")
    team.disable("eve")
    check = authenticate(team, "eve", "eve's own long secret")
    assert check.user is None and check.failure == DISABLED


def test_a_providers_person_is_found_by_address_and_gets_their_role(team):
    team.set_role("cleo@hospital.org", "manager")
    found = match_identity(team, "CLEO@hospital.org", "Cleo Martin")
    assert (found.name, found.role, found.listed, found.refusal) == ("cleo@hospital.org", "manager", True, None)


def test_without_an_address_the_providers_person_is_found_by_name(team):
    assert match_identity(team, None, "ana lopez").name == "Ana Lopez"


def test_an_address_wins_over_a_name_that_matches_someone_else(team):
    found = match_identity(team, "ana.lopez@elsewhere.org", "Ana Lopez")
    assert (found.name, found.role, found.listed) == ("ana.lopez@elsewhere.org", "coordinator", False)


def test_someone_the_table_lacks_comes_in_as_a_coordinator_never_a_manager(team):
    found = match_identity(team, None, "  Dora   Diaz ")
    assert (found.name, found.role, found.listed, found.refusal) == ("Dora Diaz", "coordinator", False, None)
    nameless = match_identity(team, None, None)
    assert nameless.name is None and "did not say who you are" in nameless.refusal


def test_an_unverified_address_or_a_disabled_user_is_refused_plainly(team):
    unverified = match_identity(team, "cleo@hospital.org", None, email_verified=False)
    assert unverified.name is None and "not verified the address cleo@hospital.org" in unverified.refusal
    team.disable("cleo@hospital.org")
    disabled = match_identity(team, "cleo@hospital.org", None)
    assert disabled.name is None and "is disabled" in disabled.refusal
