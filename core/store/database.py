"""One database connection pool, opened from a URL, with the settings each backend needs.

SQLite: write-ahead log (readers never wait for a writer), a busy timeout (writers queue instead of
failing), foreign keys on, and BEGIN emitted by SQLAlchemy so DDL runs inside transactions (Python's
sqlite3 module would otherwise commit schema changes one statement at a time). Write transactions
start with BEGIN IMMEDIATE, which takes the write lock up front: a transaction that read first and
then wanted to write could otherwise fail at once instead of waiting its turn.

PostgreSQL (psycopg 3): a connect timeout, and connections checked before use so a restarted server
does not surface as an error. Every driver error about reaching or using the database comes out as
StoreUnavailable with a plain reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine

from core.store.errors import StoreInputError, StoreUnavailable
from core.store.reasons import plain_reason, safe_address

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 30.0  # a writer waits this long for another process's write before giving up
WRITES = "rradar_writes"  # execution option: this transaction will write (SQLite: BEGIN IMMEDIATE)


def _is_unusable(error: exc.DBAPIError) -> bool:
    """Errors about reaching or using the database itself, not about one statement's data (IntegrityError …)."""
    # a bare DatabaseError is SQLite's "file is not a database" or "disk image is malformed"
    return isinstance(error, exc.OperationalError | exc.InterfaceError) or type(error) is exc.DatabaseError


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars (a threshold from a slider, a count from pandas)
        return value.item()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def _to_json(value: Any) -> str:
    return json.dumps(value, default=_json_default, allow_nan=False)  # PostgreSQL refuses NaN in JSON


def plain_json(value: Any, what: str) -> Any:
    """``value`` as it will come back from the database (numpy numbers become plain ones); checked before writing."""
    try:
        return json.loads(_to_json(value))
    except (TypeError, ValueError) as error:
        raise StoreInputError(f"{what} cannot be stored: {error}") from None


def parse_url(address: str) -> URL:
    """The URL object for ``address``; plain "postgresql://" means the psycopg 3 driver (the one installed)."""
    try:
        url = sa.make_url(address)
    except exc.ArgumentError:
        raise StoreUnavailable(
            "The database address is not valid. Use a form like postgresql+psycopg://user:password@host:5432/name "
            "or sqlite:////full/path/to/file.sqlite3."
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreUnavailable(
            f"The database {safe_address(url)} is of a kind the app does not support: use PostgreSQL or SQLite."
        )
    return url


def sqlite_file(url: URL) -> Path | None:
    """The SQLite database's file (also from a "file:" URI), or None for an in-memory database."""
    name = url.database or ""
    if url.query.get("uri"):
        name = name.removeprefix("file:").split("?")[0]
    return None if name in ("", ":memory:") else Path(name).expanduser()


def _sqlite_engine(url: URL) -> Engine:
    file = sqlite_file(url)
    if file is not None:
        folder = file.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
            reason = f": {blocking} is a file, not a folder" if blocking else f" ({error.strerror or error})"
            raise StoreUnavailable(
                f"The database {safe_address(url)} cannot be reached: its folder {folder} cannot be made{reason}."
            ) from None
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, json_serializer=_to_json)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _begin)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def _postgresql_engine(url: URL, connect_timeout: float) -> Engine:
    arguments = {"connect_timeout": max(2, round(connect_timeout)), "application_name": "trial-retention-radar"}
    return sa.create_engine(url, connect_args=arguments, pool_pre_ping=True, json_serializer=_to_json)


@dataclass
class Database:
    """An open connection pool and its address; ``reading()`` and ``writing()`` hand out connections."""

    engine: Engine
    url: URL

    @classmethod
    def open(cls, address: str, connect_timeout: float = 5.0) -> Database:
        """Connect (and, for SQLite, check the file can be written); raises StoreUnavailable otherwise."""
        url = parse_url(address)
        engine = _sqlite_engine(url) if url.get_backend_name() == "sqlite" else _postgresql_engine(url, connect_timeout)
        database = cls(engine, url)
        try:
            with database.writing() as connection:
                if database.backend == "sqlite":  # a read-only file would otherwise fail only at the first write
                    version = connection.exec_driver_sql("PRAGMA user_version").scalar()
                    connection.exec_driver_sql(f"PRAGMA user_version = {int(version or 0)}")
                else:
                    connection.exec_driver_sql("SELECT 1")
        except BaseException:
            engine.dispose()
            raise
        return database

    @property
    def backend(self) -> str:
        """The backend's name: sqlite or postgresql."""
        return self.url.get_backend_name()

    @property
    def address(self) -> str:
        """The address without its password."""
        return safe_address(self.url)

    def unavailable(self, error: BaseException) -> StoreUnavailable:
        """The plain exception for a driver error on this database."""
        log.warning("database %s cannot be used: %s", self.address, type(error).__name__)
        return StoreUnavailable(f"The database {self.address} cannot be reached: {plain_reason(error, self.url)}.")

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads; driver errors become StoreUnavailable."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except exc.DBAPIError as error:
            if _is_unusable(error):
                raise self.unavailable(error) from None
            raise

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in a write transaction, committed at the end (rolled back on error)."""
        try:
            with self.engine.execution_options(**{WRITES: True}).begin() as connection:
                yield connection
        except exc.DBAPIError as error:
            if _is_unusable(error):
                raise self.unavailable(error) from None
            raise

    def close(self) -> None:
        self.engine.dispose()
