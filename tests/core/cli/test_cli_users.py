"""python -m core.cli.users: manage users from the server's command line; passwords asked twice, never from argv."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.cli import users as command
from core.paths import ROOT
from core.store import Store
from core.trust.audit import read_events
from core.trust.gate_choice import named_users_seen
from core.trust.passwords import verify_password

SECRET = "a long enough secret"


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    """A deployment with its own database and audit log folder; passwords hashed quickly."""
    url = f"sqlite:///{tmp_path / 'radar.sqlite3'}"
    monkeypatch.setenv("RRADAR_DATABASE_URL", url)
    monkeypatch.setenv("RRADAR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr("core.cli.users.HASH_ITERATIONS", 1_000)
    return url, tmp_path / "logs"


def typing(monkeypatch, *entries: str) -> list[str]:
    """Answer the password prompts with ``entries`` in turn; returns the prompts asked."""
    answers, asked = list(entries), []

    def fake(prompt: str = "") -> str:
        asked.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr("core.cli.users.getpass.getpass", fake)
    return asked


def run(*argv: str) -> int:
    return command.main(list(argv))


def stored(url: str, name: str):
    with Store.open(url) as store:
        return store.users.get(name)


def test_add_asks_the_password_twice_and_keeps_only_a_hash(deployment, monkeypatch, capsys):
    url, logs = deployment
    asked = typing(monkeypatch, SECRET, SECRET)
    assert run("add", "ana", "--role", "manager") == 0
    assert asked == ["New password for ana: ", "Repeat it: "]
    user = stored(url, "ana")
    assert user.role == "manager" and verify_password(SECRET, user.password_hash)
    assert "Added ana (manager)." in capsys.readouterr().out
    assert named_users_seen(logs)
    events, _ = read_events(logs / "audit.jsonl")
    added = events[events["event"] == "user_added"].iloc[0]
    assert added["user"] == "ana" and "server account" in added["by"] and added["via"] == "command line"
    assert (
        SECRET not in (logs / "audit.jsonl").read_text()
        and user.password_hash not in (logs / "audit.jsonl").read_text()
    )


@pytest.mark.parametrize(
    ("entries", "words"),
    [((SECRET, "something else entirely"), "The two entries differ"), (("short",), "at least 12 characters")],
)
def test_a_password_typed_wrong_adds_no_one(deployment, monkeypatch, capsys, entries, words):
    url, _ = deployment
    typing(monkeypatch, *entries)
    assert run("add", "ana", "--role", "manager") == 1
    assert words in capsys.readouterr().err
    assert stored(url, "ana") is None


def test_every_command_in_turn(deployment, monkeypatch, capsys):
    url, logs = deployment
    typing(monkeypatch, SECRET, SECRET, "bo's long secret", "bo's long secret", "bo's new secret!", "bo's new secret!")
    assert run("add", "ana", "--role", "manager") == 0
    assert run("add", "bo", "--role", "coordinator") == 0
    assert run("set-role", "BO", "manager") == 0 and stored(url, "bo").role == "manager"
    assert run("disable", "ana") == 0 and stored(url, "ana").disabled
    assert run("enable", "ana") == 0 and not stored(url, "ana").disabled
    assert run("reset-password", "bo") == 0 and verify_password("bo's new secret!", stored(url, "bo").password_hash)
    capsys.readouterr()
    assert run("list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Users in sqlite:") and len(lines) == 3
    assert lines[1].split()[:3] == ["ana", "manager", "enabled"] and lines[2].split()[:3] == [
        "bo",
        "manager",
        "enabled",
    ]
    events, _ = read_events(logs / "audit.jsonl")
    assert list(events["event"]) == [
        "user_added",
        "user_added",
        "user_role_changed",
        "user_disabled",
        "user_enabled",
        "user_password_reset",
    ]


def test_the_last_manager_is_kept_and_the_refusal_is_one_plain_line(deployment, monkeypatch, capsys):
    url, _ = deployment
    typing(monkeypatch, SECRET, SECRET)
    run("add", "ana", "--role", "manager")
    capsys.readouterr()
    assert run("disable", "ana") == 1
    assert run("set-role", "ana", "coordinator") == 1
    err = capsys.readouterr().err
    assert err.count("ana is the last enabled manager") == 2 and "Traceback" not in err
    assert not stored(url, "ana").disabled and stored(url, "ana").role == "manager"


def test_an_unknown_user_is_named_before_any_password_is_asked(deployment, monkeypatch, capsys):
    asked = typing(monkeypatch)
    assert run("reset-password", "dora") == 1 and asked == []
    assert "There is no user named 'dora'" in capsys.readouterr().err


def test_a_cancelled_prompt_changes_nothing(deployment, monkeypatch, capsys):
    url, _ = deployment

    def interrupted(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("core.cli.users.getpass.getpass", interrupted)
    assert run("add", "ana", "--role", "manager") == 1
    assert "Cancelled: nothing was changed." in capsys.readouterr().err and stored(url, "ana") is None


def test_a_provider_only_user_is_asked_no_password(deployment, monkeypatch):
    url, _ = deployment
    asked = typing(monkeypatch)
    assert run("add", "ana@hospital.org", "--role", "manager", "--no-password") == 0 and asked == []
    assert stored(url, "ana@hospital.org").password_hash == "!"


def test_a_command_it_does_not_know_is_a_usage_error(deployment, capsys):
    assert run("delete", "ana") == 2
    assert run("add", "ana", "--role", "admin") == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_database_that_cannot_be_reached_is_one_line_and_exit_1(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "RRADAR_LOG_DIR": str(tmp_path),
        "RRADAR_DATABASE_URL": "postgresql://radar:pw@127.0.0.1:1/radar",
    }
    done = subprocess.run(
        [sys.executable, "-m", "core.cli.users", "list"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().startswith("The database postgresql+psycopg://radar@127.0.0.1:1/radar cannot be reached")
    assert len(done.stderr.strip().splitlines()) == 1 and "pw" not in done.stderr


def test_the_shared_password_command_still_works(monkeypatch, capsys):
    from core.cli import auth

    typing(monkeypatch, SECRET, SECRET)
    monkeypatch.setattr("core.cli.auth.getpass.getpass", lambda prompt="": SECRET)
    assert auth.main(["hash"]) == 0
    assert verify_password(SECRET, capsys.readouterr().out.strip())
