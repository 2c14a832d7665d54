"""core.trust.passwords and python -m core.cli.auth: salted PBKDF2 hashes, constant-time checks, growing delays."""

from __future__ import annotations

from core.cli.auth import main
from core.settings import resolve_settings
from core.trust.passwords import hash_password, retry_delay, verify_password


def test_right_password_verifies_and_wrong_one_does_not():
    encoded = hash_password("s3cret-enough-pw", iterations=1000)
    assert verify_password("s3cret-enough-pw", encoded)
    assert not verify_password("s3cret-enough-pX", encoded)
    assert not verify_password("", encoded)


def test_each_hash_has_its_own_salt():
    assert hash_password("same", iterations=1000) != hash_password("same", iterations=1000)


def test_malformed_hash_never_verifies():
    for bad in ("", "nonsense", "md5$1$abc$def", "pbkdf2_sha256$x$y$z"):
        assert not verify_password("anything", bad)


def test_environment_beats_secrets_and_nothing_means_open():
    assert resolve_settings({}, {}).password_hash is None
    assert resolve_settings({}, {"auth": {"password_hash": "h1"}}).password_hash == "h1"
    assert resolve_settings({"RRADAR_PASSWORD_HASH": "h2"}, {"auth": {"password_hash": "h1"}}).password_hash == "h2"


def test_delay_grows_then_caps():
    assert [retry_delay(n) for n in range(7)] == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_command_line_prints_a_verifiable_hash(monkeypatch, capsys):
    answers = iter(["a long enough password", "a long enough password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["hash"]) == 0
    assert verify_password("a long enough password", capsys.readouterr().out.strip())


def test_command_line_refuses_short_or_mismatched_passwords(monkeypatch):
    answers = iter(["short"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["hash"]) == 1
    answers = iter(["a long enough password", "a different password!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["hash"]) == 1
