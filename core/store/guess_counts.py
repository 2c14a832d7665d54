"""Sign-in guess counts in the database: read, change and write them in one locked transaction.

``core.trust.guesses`` decides what a guess does (count it, lock a client, a name or everyone); this part
keeps the counts where every app process and machine sees them, and makes each decision one atomic step:
the transaction takes a write lock before it reads (SQLite: BEGIN IMMEDIATE, which ``Database.writing``
issues; PostgreSQL: ``SELECT … FOR UPDATE`` on one guard row), so guesses in flight at once, from any
number of sessions and processes, are decided one after the other and none is lost. Clients and names
arrive as salted hashes; nothing here sees an address or a typed name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from core.store import schema
from core.store.database import Database

T = TypeVar("T")
GUARD = "#guard"  # the guess_lockouts row PostgreSQL locks first (never a lockout: its time is 0)


class GuessCounts:
    """Failures within the window and lockouts in force, changed only inside ``update``."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def _lock(self, connection: Connection) -> None:
        if self._db.backend != "postgresql":
            return  # SQLite's BEGIN IMMEDIATE already holds the write lock
        table = schema.guess_lockouts
        guard = postgresql.insert(table).values(key=GUARD, until=0.0).on_conflict_do_nothing()
        connection.execute(guard)
        connection.execute(sa.select(table.c.key).where(table.c.key == GUARD).with_for_update())

    def update(self, change: Callable[[dict[str, Any], float], T], now: float, window_s: float) -> T:
        """Run ``change(data, now)`` on the state under the lock and keep what it changed; returns its result.

        ``data`` is ``{"failures": [[client, at, name, token], …], "locked": {key: until}}``, already without
        failures older than ``window_s`` and lockouts that ended (both are deleted here too).
        """
        failures, lockouts = schema.guess_failures, schema.guess_lockouts
        with self._db.writing() as connection:
            self._lock(connection)
            connection.execute(sa.delete(failures).where(failures.c.at <= now - window_s))
            connection.execute(sa.delete(lockouts).where(lockouts.c.until <= now, lockouts.c.key != GUARD))
            rows = connection.execute(
                sa.select(failures.c.client, failures.c.at, failures.c.name, failures.c.token).order_by(failures.c.id)
            )
            found = [list(row) for row in rows]
            locked = {k: u for k, u in connection.execute(sa.select(lockouts.c.key, lockouts.c.until)) if k != GUARD}
            data: dict[str, Any] = {"failures": [list(f) for f in found], "locked": dict(locked)}
            result = change(data, now)
            self._write(connection, found, locked, data)
        return result

    @staticmethod
    def _write(connection: Connection, found: list[list[Any]], locked: dict[str, float], data: dict[str, Any]) -> None:
        """Store the differences between the state read and the state changed."""
        failures, lockouts = schema.guess_failures, schema.guess_lockouts
        before = {f[3] for f in found}
        after = {f[3]: f for f in data["failures"]}
        gone = before - set(after)
        if gone:
            connection.execute(sa.delete(failures).where(failures.c.token.in_(sorted(gone))))
        new = [
            {"client": f[0], "at": float(f[1]), "name": f[2], "token": token}
            for token, f in after.items()
            if token not in before
        ]
        if new:
            connection.execute(sa.insert(failures), new)
        ended = set(locked) - set(data["locked"])
        if ended:
            connection.execute(sa.delete(lockouts).where(lockouts.c.key.in_(sorted(ended))))
        for key, until in data["locked"].items():
            if key not in locked:
                connection.execute(sa.insert(lockouts).values(key=key, until=float(until)))
            elif locked[key] != until:
                connection.execute(sa.update(lockouts).where(lockouts.c.key == key).values(until=float(until)))
