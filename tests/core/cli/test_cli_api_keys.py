"""python -m core.cli.users add-key / revoke-key / list-keys: a key shown once, alone on the last line; only its hash kept."""

from __future__ import annotations

import pytest

from core.cli import users as command
from core.store import Store
from core.trust.api_keys import PREFIX, key_hash
from core.trust.audit import read_events


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'radar.sqlite3'}"
    monkeypatch.setenv("RRADAR_DATABASE_URL", url)
    monkeypatch.setenv("RRADAR_LOG_DIR", str(tmp_path / "logs"))
    return url, tmp_path / "logs"


def test_add_key_prints_the_key_once_alone_on_its_last_line_and_keeps_only_its_hash(deployment, capsys):
    url, logs = deployment
    assert command.main(["add-key", "ctms", "--role", "coordinator"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    key = lines[-1]
    assert key.startswith(PREFIX) and len(key) > 40 and " " not in key
    with Store.open(url) as store:
        kept = store.api_keys.all()
        assert [(k.name, k.role, k.revoked) for k in kept] == [("ctms", "coordinator", False)]
        assert kept[0].key_hash == key_hash(key) and store.api_keys.by_hash(key_hash(key)) is not None
    assert key.encode() not in (logs.parent / "radar.sqlite3").read_bytes()  # the database holds no key
    assert command.main(["list-keys"]) == 0
    listed = capsys.readouterr().out
    assert "ctms" in listed and "in use" in listed and key not in listed
    events, _ = read_events(logs / "audit.jsonl")
    assert events.iloc[-1]["event"] == "api_key_added" and key not in (logs / "audit.jsonl").read_text()


def test_revoke_key_stops_it_and_a_second_revoke_or_a_taken_name_is_refused(deployment, capsys):
    url, _ = deployment
    assert command.main(["add-key", "edc", "--role", "manager"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert command.main(["revoke-key", "edc"]) == 0
    with Store.open(url) as store:
        assert store.api_keys.by_hash(key_hash(key)).revoked
    assert command.main(["revoke-key", "edc"]) == 1
    assert command.main(["add-key", "edc", "--role", "manager"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert command.main(["add-key", "x", "--role", "admin"]) == 2
