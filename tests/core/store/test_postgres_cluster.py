"""The throwaway PostgreSQL server of the tests: without its programs the tests fail and say how to install them."""

from __future__ import annotations

import pytest

from tests.core.store import postgres_cluster


def test_missing_server_programs_fail_with_how_to_install_them(monkeypatch):
    monkeypatch.setattr(postgres_cluster.shutil, "which", lambda name: None)
    monkeypatch.setattr(postgres_cluster.glob, "glob", lambda pattern: [])
    with pytest.raises(postgres_cluster.ClusterUnavailable, match=r"apt-get install postgresql"):
        postgres_cluster.server_programs()


def test_the_newest_installed_version_is_used_when_none_is_on_the_path(monkeypatch):
    monkeypatch.setattr(postgres_cluster.shutil, "which", lambda name: None)
    installed = [
        "/usr/lib/postgresql/9/bin/initdb",
        "/usr/lib/postgresql/16/bin/initdb",
        "/usr/lib/postgresql/15/bin/initdb",
    ]
    monkeypatch.setattr(postgres_cluster.glob, "glob", lambda pattern: installed)
    assert str(postgres_cluster.server_programs()) == "/usr/lib/postgresql/16/bin"


def test_the_session_server_takes_connections(postgres_cluster):
    url = postgres_cluster.create_database("reachable")
    assert url.startswith("postgresql+psycopg://") and f":{postgres_cluster.port}/reachable" in url
