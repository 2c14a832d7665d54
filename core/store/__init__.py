"""The product's memory: uploads and their scores, saved settings, outreach contacts and users, in a database.

SQLite (a file, the default) or PostgreSQL, through SQLAlchemy; the schema is built and kept up to date by
the Alembic migrations in ``migrations/``, applied when the store opens. Modules: ``store`` (open it),
``database`` (connections per backend), ``migrate``, ``schema``, ``uploads``, ``saved_settings``,
``outreach`` and ``outreach_summary``, ``users``, ``holdouts`` (the fair test's draws), ``guess_counts``
(sign-in guesses), ``bulk`` (fast inserts), ``frames`` (results as frames),
``errors`` and ``reasons`` (plain messages).
"""

from core.store.errors import MigrationFailed, StoreError, StoreInputError, StoreUnavailable
from core.store.memory import Store
from core.store.outreach import NewContact
from core.store.schema import OUTCOMES, ROLES
from core.store.uploads import NewUpload, Upload, settings_of
from core.store.users import User

__all__ = [
    "OUTCOMES",
    "ROLES",
    "MigrationFailed",
    "NewContact",
    "NewUpload",
    "Store",
    "StoreError",
    "StoreInputError",
    "StoreUnavailable",
    "Upload",
    "User",
    "settings_of",
]
