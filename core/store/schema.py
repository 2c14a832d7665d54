"""The tables as the current code reads and writes them (SQLAlchemy Core).

The migrations in ``migrations/versions`` build the same tables step by step; a test checks that a
database migrated from empty matches these definitions. The tables are never created from here.
Times are stored in UTC and read back as timezone-aware datetimes on every backend.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

OUTCOMES = ("reached", "no answer", "declined", "rescheduled")
ROLES = ("coordinator", "manager")

# Every constraint and index gets a predictable name, so migrations (and SQLite's batch mode) can name them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A moment in time: stored in UTC, always read back with its time zone (SQLite keeps none)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times given to the store must carry a time zone (use datetime.now(UTC))")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


uploads = sa.Table(
    "uploads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("scored_at", UTCDateTime, nullable=False, index=True),
    sa.Column("scored_by", sa.String(200), nullable=False),
    sa.Column("source_file", sa.String(500), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("model_version", sa.String(100), nullable=False),
    sa.Column("model_sha256", sa.String(64), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),  # threshold, costs, effectiveness, capacity, plan
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("patients_scored", sa.Integer, nullable=False),
    sa.Column("as_of", sa.Date, nullable=True),  # the day a history scoring is as of (revision 0002)
    sa.Column("trial", sa.String(200), nullable=True),  # the trial the week belongs to (revision 0005)
    sa.Column("week_day", sa.Date, nullable=True),  # the day it stands for: as_of, else the day scored (0005)
    sa.Index("ix_uploads_trial_week_day", "trial", "week_day"),
)

scores = sa.Table(
    "scores",
    metadata,
    # The primary key (upload_id, patient_id) is also the index by upload: one row per patient per upload.
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("patient_id", sa.String(200), primary_key=True, index=True),  # as the trial gives it
    sa.Column("site_id", sa.String(200), nullable=True),
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("risk_band", sa.String(50), nullable=False),
    sa.Column("flagged", sa.Boolean, nullable=False),
    sa.Column("days_in_trial", sa.Integer, nullable=True),
    sa.Column("dropped_out", sa.Boolean, nullable=True),  # the observed outcome; NULL: not known (revision 0004)
)

week_inputs = sa.Table(
    "week_inputs",
    metadata,
    # The validated input rows a week was scored from (revision 0007): enough to rescore and explain it later.
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("format", sa.String(20), nullable=False),  # core.store.week_inputs.FORMAT
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(100), nullable=False),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Index(None, "key", "changed_at"),
)

outreach = sa.Table(
    "outreach",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.String(200), nullable=False, index=True),
    sa.Column("site_id", sa.String(200), nullable=True),
    sa.Column("contact_date", sa.Date, nullable=False, index=True),  # index: revision 0003
    sa.Column("action", sa.String(200), nullable=False),
    sa.Column("contacted_by", sa.String(200), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(sa.column("outcome").in_(OUTCOMES), name="outcome"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(500), nullable=False),  # salted (core.trust.passwords)
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),
)

history_columns = sa.Table(
    "history_columns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trial", sa.String(500), nullable=False),
    sa.Column("columns", sa.JSON, nullable=False),  # table -> field -> the user's header (revision 0006)
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Index(None, "trial", "changed_at"),
)

holdout_draws = sa.Table(
    "holdout_draws",
    metadata,
    # A week's random hold-out from the call list (revision 0008): the share, the seed that drew it, and by whom.
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("trial", sa.String(200), nullable=True),
    sa.Column("share", sa.Float, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("flagged", sa.Integer, nullable=False),  # flagged patients the draw was among
    sa.Column("drawn_by", sa.String(200), nullable=False),
    sa.Column("drawn_at", UTCDateTime, nullable=False),
)

held_out = sa.Table(
    "held_out",
    metadata,
    # The patients a draw held out (revision 0008); within one upload a patient id is one patient (scores' key).
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("holdout_draws.upload_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("patient_id", sa.String(200), primary_key=True),
    sa.Column("site_id", sa.String(200), nullable=True),
)

guess_failures = sa.Table(
    "guess_failures",
    metadata,
    # Wrong (or not yet checked) passwords within the window (revision 0008): salted hashes only, never names.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token", sa.String(32), nullable=False, unique=True),
    sa.Column("client", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(64), nullable=True, index=True),
    sa.Column("at", sa.Float, nullable=False, index=True),  # epoch seconds
)

guess_lockouts = sa.Table(
    "guess_lockouts",
    metadata,
    # Lockouts in force (revision 0008): a client's, a name's, or everyone's ("*"), until an epoch second.
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("until", sa.Float, nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    # Keys of the programs that call the API (revision 0009): only a hash of each key is kept, never the key.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),
)

api_replies = sa.Table(
    "api_replies",
    metadata,
    # What a call with an Idempotency-Key answered (revision 0009): its retry gets the same answer, recorded once.
    sa.Column("key_name", sa.String(200), primary_key=True),
    sa.Column("idempotency_key", sa.String(200), primary_key=True),
    sa.Column("request_sha256", sa.String(64), nullable=False),
    sa.Column("reply", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
