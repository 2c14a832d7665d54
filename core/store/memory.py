"""The product's memory: one object opened from a database URL, migrated on open, with a part per table group.

    store = Store.open(settings.database_url)   # StoreUnavailable / MigrationFailed with plain messages
    upload = store.uploads.record(NewUpload(...), scores)
    last_week = store.uploads.latest_before(upload.id)
    store.outreach.record_many(contacts)
    store.settings.save({"threshold": 0.3}, changed_by="ana")
    store.users.add("ana", "coordinator", password_hash)

Every part is safe to use from several threads (each call takes its own connection from the pool) and
several processes (SQLite waits for the write lock; PostgreSQL locks rows itself).
"""

from __future__ import annotations

from types import TracebackType

from core.store.api_keys import ApiKeys
from core.store.database import Database
from core.store.guess_counts import GuessCounts
from core.store.history_columns import HistoryColumns
from core.store.holdouts import HoldOuts
from core.store.migrate import upgrade
from core.store.outreach import Outreach
from core.store.saved_settings import SavedSettings
from core.store.uploads import Uploads
from core.store.users import Users
from core.store.week_inputs import WeekInputs

DEFAULT_CONNECT_TIMEOUT_S = 5.0


class Store:
    """An open, up-to-date database: ``uploads``, ``settings``, ``outreach``, ``users``, ``history_columns``, ``inputs``
    and ``api_keys``."""

    def __init__(self, database: Database, revision: str | None) -> None:
        self.database = database
        self.revision = revision  # the schema revision the database is at
        self.uploads = Uploads(database)
        self.settings = SavedSettings(database)
        self.outreach = Outreach(database)
        self.users = Users(database)
        self.history_columns = HistoryColumns(database)
        self.inputs = WeekInputs(database)  # the rows each week was scored from
        self.holdouts = HoldOuts(database)  # the fair test's random hold-out draws
        self.guesses = GuessCounts(database)  # sign-in guess counts (core.trust.guesses decides with them)
        self.api_keys = ApiKeys(database)  # the API's keys (hashed) and idempotent answers

    @classmethod
    def open(cls, url: str, *, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_S) -> Store:
        """Connect to ``url`` and apply any migration it lacks.

        Raises StoreUnavailable when the database cannot be reached or used (within about
        ``connect_timeout`` seconds for a server), MigrationFailed when it cannot be brought up to date.
        """
        database = Database.open(url, connect_timeout)
        try:
            revision = upgrade(database)
        except BaseException:
            database.close()
            raise
        return cls(database, revision)

    @property
    def address(self) -> str:
        """Where the data is, without any password."""
        return self.database.address

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
