"""Scored uploads and their scores: record a week's scoring in one transaction, read it back, follow a patient.

An upload is one scoring of a file (or of a trial's history as of a day): who ran it, when, on which
file and model, with which decision settings, and one score row per patient. Patient identifiers are
stored as the trial gives them (coordinators need them) and never written to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core.decisions.policy import Policy
from core.reading.contract import OUTCOME_COLUMN
from core.store import schema, week_inputs
from core.store.bulk import insert_rows
from core.store.database import Database, plain_json
from core.store.errors import StoreInputError
from core.store.frames import frame_of

log = logging.getLogger(__name__)

SCORE_COLUMNS = ["patient_id", "site_id", "probability", "risk_band", "flagged", "days_in_trial", "dropped_out"]
OUTCOME_NAMES = ("dropped_out", OUTCOME_COLUMN)  # the stored name, or the contract's ("dropout") as a cohort carries it
REQUIRED_SCORE_COLUMNS = ("patient_id", "probability", "risk_band", "flagged")
HISTORY_COLUMNS = ["upload_id", "scored_at", "as_of", *SCORE_COLUMNS[1:]]


class Unset:
    """No trial given (any trial), as distinct from None (the unnamed trial)."""


UNSET = Unset()
TRIAL_NAME_LIMIT = 200


def settings_of(policy: Policy) -> dict[str, Any]:
    """The decision settings an upload was scored under, as stored with it."""
    return {
        "threshold": float(policy.threshold),
        "intervention_cost": float(policy.costs.intervention_cost),
        "dropout_cost": float(policy.costs.dropout_cost),
        "effectiveness": float(policy.costs.effectiveness),
        "capacity": None if policy.capacity is None else int(policy.capacity),
        "plan": policy.plan,
    }


@dataclass(frozen=True)
class NewUpload:
    """What is known of a scoring before it is stored (``patients_scored`` comes from its scores)."""

    scored_by: str  # the user's name
    source_file: str
    file_sha256: str
    model_version: str
    model_sha256: str
    settings: Mapping[str, Any]  # settings_of(policy): threshold, costs, effectiveness, capacity, plan
    rows_read: int
    as_of: date | None = None  # a history scoring's day; None for an upload scored as of today
    scored_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    trial: str | None = None  # the trial the week belongs to (None: the unnamed trial of older uploads)

    @property
    def week_day(self) -> date:
        """The day this scoring stands for: a history's as-of day, else the day it was scored."""
        return self.as_of or self.scored_at.astimezone(UTC).date()


@dataclass(frozen=True)
class Upload:
    id: int
    scored_at: datetime
    scored_by: str
    source_file: str
    file_sha256: str
    model_version: str
    model_sha256: str
    settings: dict[str, Any]
    rows_read: int
    patients_scored: int
    as_of: date | None
    trial: str | None = None
    week_day: date | None = None


def _score_columns(scores: pd.DataFrame) -> list[list[Any]]:
    """The frame's columns as plain Python lists in SCORE_COLUMNS order, checked first."""
    missing = [c for c in REQUIRED_SCORE_COLUMNS if c not in scores]
    if missing:
        raise StoreInputError(f"the scores to store lack the column(s) {', '.join(missing)}")
    patients = scores["patient_id"].astype(str).tolist()
    for name, values in (("patient_id", patients), ("site_id", scores.get("site_id", pd.Series(dtype=str)))):
        limit = getattr(schema.scores.c[name].type, "length", None)
        if limit is not None and pd.Series(values, dtype=object).dropna().astype(str).str.len().gt(limit).any():
            raise StoreInputError(f"the scores to store hold a {name.replace('_', ' ')} longer than {limit} characters")
    if len(set(patients)) != len(patients):
        raise StoreInputError("the scores to store list a patient more than once; an upload holds one row per patient")
    probability = scores["probability"].to_numpy(dtype=float)
    if np.isnan(probability).any():
        raise StoreInputError("the scores to store have a patient without a probability")

    def optional(name: str, kind: type) -> list[Any]:
        if name not in scores:
            return [None] * len(scores)
        column = scores[name]
        return [kind(v) if keep else None for v, keep in zip(column.tolist(), column.notna().tolist(), strict=True)]

    return [
        patients,
        optional("site_id", str),
        probability.tolist(),
        scores["risk_band"].astype(str).tolist(),
        scores["flagged"].to_numpy(dtype=bool).tolist(),
        optional("days_in_trial", int),
        _outcomes(scores),
    ]


def _outcomes(scores: pd.DataFrame) -> list[bool | None]:
    """The observed outcome per patient (True dropped out, False not, None not known), when the frame has it."""
    present = [name for name in OUTCOME_NAMES if name in scores]
    if len(present) > 1:
        raise StoreInputError(f"the scores to store hold the outcome twice ({' and '.join(present)}); keep one")
    if not present:
        return [None] * len(scores)
    column = scores[present[0]]
    values = column.tolist()
    known = column.notna().tolist()
    wrong = sorted({repr(v) for v, k in zip(values, known, strict=True) if k and v not in (0, 1)})
    if wrong:
        raise StoreInputError(
            f"the scores' {present[0]} column must hold 1/0 (or yes/no as True/False) or be empty; "
            f"found {', '.join(wrong[:3])}"
        )
    return [bool(v) if k else None for v, k in zip(values, known, strict=True)]


def _upload(row: sa.Row[Any]) -> Upload:
    return Upload(**{name: getattr(row, name) for name in Upload.__dataclass_fields__})


class Uploads:
    """The ``uploads`` and ``scores`` tables."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def record(self, upload: NewUpload, scores: pd.DataFrame, inputs: pd.DataFrame | None = None) -> Upload:
        """Store an upload and one score row per patient, all in one transaction; returns it with its id.

        ``scores`` needs patient_id, probability, risk_band and flagged; site_id, days_in_trial and the
        observed outcome (``dropped_out``, or the contract's ``dropout`` column; 1/0, empty: not known) are
        kept when present. ``inputs``, the validated rows it was scored from, are kept with it (compressed) so
        the week can be reopened and rescored (core.store.week_inputs). Raises StoreInputError for a frame that cannot be stored, StoreUnavailable if the
        database cannot be reached (then nothing of the upload is stored).
        """
        if upload.scored_at.tzinfo is None:
            raise StoreInputError("an upload's time must carry a time zone (use datetime.now(UTC))")
        if upload.trial is not None and len(upload.trial) > TRIAL_NAME_LIMIT:
            raise StoreInputError(f"a trial's name is at most {TRIAL_NAME_LIMIT} characters")
        columns = _score_columns(scores)  # checked before anything is written
        values: dict[str, Any] = {
            "scored_at": upload.scored_at.astimezone(UTC),
            "scored_by": upload.scored_by,
            "source_file": upload.source_file,
            "file_sha256": upload.file_sha256,
            "model_version": upload.model_version,
            "model_sha256": upload.model_sha256,
            "settings": plain_json(dict(upload.settings), "the upload's settings"),
            "rows_read": int(upload.rows_read),
            "patients_scored": len(scores),
            "as_of": upload.as_of,
            "trial": upload.trial,
            "week_day": upload.week_day,
        }
        table = schema.uploads
        with self._db.writing() as connection:
            # One week per trial and day: scoring the day again (another model, a corrected file) replaces it.
            same_week = connection.execute(
                sa.select(table.c.id, table.c.model_version)
                .where(_same_trial(upload.trial), table.c.week_day == upload.week_day)
                .order_by(table.c.id.desc())
                .limit(1)
                .with_for_update()
            ).first()
            if same_week is None:
                key = connection.execute(sa.insert(table).values(values)).inserted_primary_key
                assert key is not None  # an INSERT of one row always has one
                upload_id = int(key[0])
            else:
                upload_id = int(same_week.id)
                if same_week.model_version != upload.model_version:
                    values["settings"] = {**values["settings"], "replaced_model": same_week.model_version}
                connection.execute(sa.update(table).where(table.c.id == upload_id).values(values))
                connection.execute(sa.delete(schema.scores).where(schema.scores.c.upload_id == upload_id))
            rows = list(zip([upload_id] * len(scores), *columns, strict=True))
            insert_rows(connection, schema.scores, ["upload_id", *SCORE_COLUMNS], rows)
            week_inputs.keep(connection, upload_id, inputs)
        log.info("upload %s stored: %s patients", upload_id, len(scores))
        return Upload(id=upload_id, **values)

    def get(self, upload_id: int) -> Upload | None:
        with self._db.reading() as connection:
            row = connection.execute(sa.select(schema.uploads).where(schema.uploads.c.id == upload_id)).first()
        return None if row is None else _upload(row)

    def recent(self, limit: int = 50) -> list[Upload]:
        """The latest uploads, newest first."""
        query = sa.select(schema.uploads).order_by(schema.uploads.c.scored_at.desc(), schema.uploads.c.id.desc())
        with self._db.reading() as connection:
            return [_upload(row) for row in connection.execute(query.limit(limit))]

    def latest(self) -> Upload | None:
        found = self.recent(1)
        return found[0] if found else None

    def find(
        self, file_sha256: str, model_sha256: str, as_of: date | None = None, trial: str | None | Unset = UNSET
    ) -> Upload | None:
        """The latest upload of these exact bytes scored by this exact model (as of this day, for this trial).

        The same file opened again (after a refresh, or by a colleague) is the same week, not a new one.
        """
        table = schema.uploads
        same_day = table.c.as_of.is_(None) if as_of is None else table.c.as_of == as_of
        same_trial = sa.true() if isinstance(trial, Unset) else _same_trial(trial)
        query = (
            sa.select(table)
            .where(table.c.file_sha256 == file_sha256, table.c.model_sha256 == model_sha256, same_day, same_trial)
            .order_by(table.c.scored_at.desc(), table.c.id.desc())
            .limit(1)
        )
        with self._db.reading() as connection:
            row = connection.execute(query).first()
        return None if row is None else _upload(row)

    def latest_before(self, upload_id: int) -> Upload | None:
        """Last week's upload for this one: the same trial's latest earlier day, if any (never another trial's)."""
        table = schema.uploads
        this = self.get(upload_id)
        if this is None or this.week_day is None:
            return None
        query = (
            sa.select(table)
            .where(_same_trial(this.trial), table.c.week_day < this.week_day)
            .order_by(table.c.week_day.desc(), table.c.id.desc())
            .limit(1)
        )
        with self._db.reading() as connection:
            row = connection.execute(query).first()
        return None if row is None else _upload(row)

    def latest_week(self, trial: str | None = None) -> Upload | None:
        """The latest day's upload of a trial; without one, of the trial scored most recently."""
        table = schema.uploads
        if trial is None:
            newest = self.latest()
            if newest is None:
                return None
            trial = newest.trial
        query = sa.select(table).where(_same_trial(trial)).order_by(table.c.week_day.desc(), table.c.id.desc())
        with self._db.reading() as connection:
            row = connection.execute(query.limit(1)).first()
        return None if row is None else _upload(row)

    def trials(self) -> pd.DataFrame:
        """Each trial with stored weeks: its name (None: unnamed), weeks, latest day and last scored, newest first."""
        table = schema.uploads
        query = (
            sa.select(
                table.c.trial,
                sa.func.count(table.c.id).label("weeks"),
                sa.func.max(table.c.week_day).label("latest_day"),
                sa.func.max(table.c.scored_at).label("last_scored"),
            )
            .group_by(table.c.trial)
            .order_by(sa.func.max(table.c.scored_at).desc(), sa.func.max(table.c.id).desc())
        )
        with self._db.reading() as connection:
            rows = connection.execute(query).all()
        return frame_of(rows, ["trial", "weeks", "latest_day", "last_scored"])

    def scores(self, upload_id: int) -> pd.DataFrame:
        """The upload's scores, one row per patient (SCORE_COLUMNS), in no particular order."""
        columns = [schema.scores.c[name] for name in SCORE_COLUMNS]
        query = sa.select(*columns).where(schema.scores.c.upload_id == upload_id)
        with self._db.reading() as connection:
            rows = connection.execute(query).all()
        return _frame(rows, SCORE_COLUMNS)

    def patient_history(self, patient_id: str, trial: str | None | Unset = UNSET) -> pd.DataFrame:
        """One patient's scores across the weeks of a trial (any trial when not given), oldest first
        (HISTORY_COLUMNS): the trend of their risk, one point per day."""
        s, u = schema.scores, schema.uploads
        query = (
            sa.select(s.c.upload_id, u.c.scored_at, u.c.as_of, *(s.c[name] for name in SCORE_COLUMNS[1:]))
            .join(u, u.c.id == s.c.upload_id)
            .where(s.c.patient_id == str(patient_id))
            .order_by(u.c.week_day, u.c.id)
        )
        if not isinstance(trial, Unset):
            query = query.where(_same_trial(trial))
        with self._db.reading() as connection:
            rows = connection.execute(query).all()
        return _frame(rows, HISTORY_COLUMNS)


def _same_trial(trial: str | None) -> sa.ColumnElement[bool]:
    column = schema.uploads.c.trial
    return column.is_(None) if trial is None else column == trial


def _frame(rows: Sequence[sa.Row[Any]], columns: list[str]) -> pd.DataFrame:
    frame = frame_of(rows, columns)
    kinds = {"flagged": bool, "probability": float, "days_in_trial": "Int64", "dropped_out": "boolean"}
    return frame.astype({name: kind for name, kind in kinds.items() if name in frame})
