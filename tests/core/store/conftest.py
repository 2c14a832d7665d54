"""Store tests run against SQLite and a real PostgreSQL server (a throwaway cluster for the session).

The PostgreSQL tests never skip: without the server programs they fail and say how to install them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.store import Store
from tests.core.store.postgres_cluster import ClusterUnavailable, ThrowawayCluster

BACKENDS = ("sqlite", "postgresql")
_names = itertools.count()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ThrowawayCluster]:
    """One PostgreSQL server for the whole session, stopped and removed at the end."""
    try:
        cluster = ThrowawayCluster.start()
    except ClusterUnavailable as error:
        problem = str(error)
    else:
        problem = None
    if problem:  # failed outside the except block, so the report is the one message
        pytest.fail(problem, pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


def new_database_url(backend: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """The URL of a new, empty database on ``backend``."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'store_{next(_names)}.sqlite3'}"
    cluster: ThrowawayCluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database(f"store_{next(_names)}")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database on each backend in turn."""
    return new_database_url(request.param, request, tmp_path)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An open store on a new database (each backend in turn)."""
    opened = Store.open(database_url)
    try:
        yield opened
    finally:
        opened.close()
