"""Fixtures for the sign-in and account rules: a SQLite store of users in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.store import Store
from core.trust.accounts import Accounts

FAST = 1_000  # PBKDF2 iterations for test passwords: the rules are the same, the tests quicker


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'users.sqlite3'}")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def accounts(store: Store) -> Accounts:
    return Accounts(store.users, iterations=FAST)
