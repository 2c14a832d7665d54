"""Bring a database up to the current schema with Alembic, run from code when the store opens.

A new database is built from empty by every migration in ``migrations/versions`` (never by
``create_all``); an older one is migrated forward, never recreated. Each migration runs in its own
transaction, so a step that fails is undone whole and the steps before it are kept; the error comes
out as MigrationFailed saying which step failed and that nothing was lost. One process migrates at a
time (a PostgreSQL advisory lock; on SQLite a lock on the database's folder), so app processes
starting together on a new database do not race to build it.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from core.store.database import WRITES, Database, sqlite_file
from core.store.errors import MigrationFailed, StoreUnavailable
from core.store.reasons import plain_reason

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
_ADVISORY_LOCK_KEY = 7_310_524_018  # any constant: names "the store's migration" among advisory locks


def alembic_config(extra_versions: Sequence[Path] = ()) -> Config:
    """Alembic's configuration, built in code (no alembic.ini): where the migrations are."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in (VERSIONS_DIR, *extra_versions)))
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "core/store/migrations/versions holds no migration"
    return head


def current_revision(database: Database) -> str | None:
    """The revision the database is at (None for a database no migration has touched)."""
    with database.reading() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _one_migrator(database: Database) -> Iterator[None]:
    """Hold the migration lock: other processes opening the same database wait here."""
    if database.backend == "postgresql":
        with database.reading() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({_ADVISORY_LOCK_KEY})")
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_ADVISORY_LOCK_KEY})")
        return
    file = sqlite_file(database.url)
    if file is None:
        yield
        return
    descriptor = os.open(file.resolve().parent, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _describe(script: ScriptDirectory, revision: str | None) -> str:
    if revision is None:
        return "empty (no migration applied yet)"
    found = script.get_revision(revision)
    return f'revision {revision} ("{found.doc.rstrip(".")}")' if found is not None else f"revision {revision}"


def _failure(database: Database, script: ScriptDirectory, target: str, error: BaseException) -> MigrationFailed:
    """Which migration failed, why, and where the database stands now (each migration is its own transaction)."""
    try:
        now = current_revision(database)
        pending = list(script.iterate_revisions(target, now or "base"))
        step = f"migration {_describe(script, pending[-1].revision)}" if pending else "a migration"
        state = f"that migration was undone and the database is at {_describe(script, now)}, as it was before it"
    except (StoreUnavailable, CommandError):
        step, state = "a migration", "that migration was undone"
    return MigrationFailed(
        f"The database {database.address} could not be updated for this version of the app: {step} failed: "
        f"{plain_reason(error, database.url)}. Nothing was lost: {state}. Tell your administrator; "
        "the data needs no restoring."
    )


def _refuse_unknown(database: Database, script: ScriptDirectory) -> None:
    """A database stamped with a revision this code does not know was made by a newer app: leave it alone."""
    now = current_revision(database)
    if now is None:
        return
    try:
        script.get_revision(now)
    except CommandError:
        raise MigrationFailed(
            f"The database {database.address} was last updated by a newer version of the app (revision {now}); "
            f"this version knows revisions up to {script.get_current_head()}. Nothing was changed. "
            "Install the newer version of the app."
        ) from None


def upgrade(database: Database, target: str = "heads", *, extra_versions: Sequence[Path] = ()) -> str | None:
    """Apply every migration up to ``target``; returns the revision reached. Raises MigrationFailed."""
    config = alembic_config(extra_versions)
    script = ScriptDirectory.from_config(config)
    with _one_migrator(database):
        _refuse_unknown(database, script)
        before = current_revision(database)
        try:
            with database.engine.connect() as connection:
                config.attributes["connection"] = connection.execution_options(**{WRITES: True})
                command.upgrade(config, target)
        except Exception as error:
            log.error("database migration failed on %s: %s", database.address, type(error).__name__)
            raise _failure(database, script, target, error) from None
        after = current_revision(database)
    if after != before:
        log.info("database %s migrated from %s to %s", database.address, before, after)
    return after
