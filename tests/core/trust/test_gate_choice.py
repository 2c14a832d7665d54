"""core.trust.gate_choice: which sign-in applies, including when the users table cannot be read."""

from __future__ import annotations

import pytest

from core.trust.gate_choice import (
    MARKER_NAME,
    NAMED,
    OPEN,
    REFUSED,
    SHARED_PASSWORD,
    choose_gate,
    named_users_seen,
    remember_named_users,
)

PROBLEM = "The database postgresql+psycopg://radar@db:5432/radar cannot be reached: nothing answers."


@pytest.mark.parametrize(
    ("users", "shared", "provider", "required", "kind"),
    [
        (3, False, False, False, NAMED),
        (3, True, False, False, NAMED),  # named users win over a shared password left configured
        (0, False, True, False, NAMED),  # an identity provider: people sign in by name even before any user
        (0, True, False, False, SHARED_PASSWORD),
        (0, False, False, False, OPEN),
        (0, False, False, True, REFUSED),
        (None, True, False, True, SHARED_PASSWORD),
        (None, False, False, True, REFUSED),
        (None, False, True, False, REFUSED),
        (None, False, False, False, OPEN),
    ],
)
def test_the_gate_for_each_situation(users, shared, provider, required, kind):
    choice = choose_gate(
        users, shared_password=shared, identity_provider=provider, sign_in_required=required, store_problem=PROBLEM
    )
    assert choice.kind == kind


def test_a_database_that_cannot_be_reached_is_named_in_every_choice_it_causes():
    for shared, required in ((True, False), (False, True), (False, False)):
        choice = choose_gate(
            None, shared_password=shared, identity_provider=False, sign_in_required=required, store_problem=PROBLEM
        )
        assert PROBLEM in choice.message and "cannot be reached" in choice.message


def test_a_refusal_says_what_to_do():
    no_users = choose_gate(0, shared_password=False, identity_provider=False, sign_in_required=True)
    assert "python -m core.cli.users add NAME --role manager" in no_users.message
    down = choose_gate(None, shared_password=False, identity_provider=False, sign_in_required=True)
    assert "Tell your administrator" in down.message


def test_named_sign_in_is_remembered_beside_the_audit_log(tmp_path):
    assert not named_users_seen(tmp_path)
    remember_named_users(tmp_path)
    remember_named_users(tmp_path)  # a second time changes nothing
    assert named_users_seen(tmp_path) and "sign" in (tmp_path / MARKER_NAME).read_text()


def test_a_folder_that_cannot_be_written_does_not_stop_the_app(tmp_path):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    remember_named_users(blocked / "logs")
    assert not named_users_seen(blocked / "logs")
