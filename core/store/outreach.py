"""Contacts with patients: one row per contact, recorded one at a time or a whole exported list at once.

A contact keeps the patient's site; when the caller does not give it, the site comes from the patient's
latest stored score, so per-site summaries work for contacts recorded from anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.store import outreach_summary, schema
from core.store.database import Database
from core.store.errors import StoreInputError
from core.store.frames import frame_of
from core.store.schema import OUTCOMES

log = logging.getLogger(__name__)

CONTACT_COLUMNS = [
    "id",
    "patient_id",
    "site_id",
    "contact_date",
    "action",
    "contacted_by",
    "outcome",
    "note",
    "recorded_at",
]
_LOOKUP_CHUNK = 500  # patient ids per IN (...) list: well under any backend's parameter limit


@dataclass(frozen=True)
class NewContact:
    patient_id: str  # as the trial gives it
    contact_date: date
    action: str  # what was done: "Phone call", "Coordinator visit", …
    contacted_by: str  # the user's name
    outcome: str  # one of OUTCOMES
    note: str = ""
    site_id: str | None = None  # None: the site of the patient's latest stored score


def _within_column(name: str, value: object) -> None:
    """A server refuses text longer than its column; say so plainly instead (SQLite would keep it silently)."""
    limit = getattr(schema.outreach.c[name].type, "length", None)
    if value is not None and limit is not None and len(str(value)) > limit:
        raise StoreInputError(f"a contact's {name.replace('_', ' ')} may hold at most {limit} characters")


def _checked(contact: NewContact) -> dict[str, Any]:
    if contact.outcome not in OUTCOMES:
        raise StoreInputError(f"a contact's outcome must be one of {', '.join(OUTCOMES)}; got {contact.outcome!r}")
    if not str(contact.patient_id).strip():
        raise StoreInputError("a contact needs the patient's identifier")
    for name in ("patient_id", "site_id", "action", "contacted_by"):
        _within_column(name, getattr(contact, name))
    day = contact.contact_date
    if not isinstance(day, date):
        raise StoreInputError(f"a contact's date must be a date; got {day!r}")
    return {
        "patient_id": str(contact.patient_id),
        "site_id": contact.site_id,
        "contact_date": day.date() if isinstance(day, datetime) else day,
        "action": contact.action,
        "contacted_by": contact.contacted_by,
        "outcome": contact.outcome,
        "note": contact.note or "",
    }


def latest_sites(connection: Connection, patient_ids: Sequence[str]) -> dict[str, str | None]:
    """Each patient's site in the latest upload that scored them (patients never scored are left out)."""
    s, u = schema.scores, schema.uploads
    rank = sa.func.row_number().over(partition_by=s.c.patient_id, order_by=(u.c.scored_at.desc(), u.c.id.desc()))
    found: dict[str, str | None] = {}
    unique = sorted(set(patient_ids))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        ranked = (
            sa.select(s.c.patient_id, s.c.site_id, rank.label("rank"))
            .join(u, u.c.id == s.c.upload_id)
            .where(s.c.patient_id.in_(unique[start : start + _LOOKUP_CHUNK]))
            .subquery()
        )
        latest = sa.select(ranked.c.patient_id, ranked.c.site_id).where(ranked.c.rank == 1)
        found.update({row.patient_id: row.site_id for row in connection.execute(latest)})
    return found


def _complete(connection: Connection, rows: list[dict[str, Any]], recorded_at: datetime) -> None:
    """Each row as stored: the patient's latest site where the contact gave none, and when it was recorded."""
    unknown = [r["patient_id"] for r in rows if r["site_id"] is None]
    sites = latest_sites(connection, unknown) if unknown else {}
    for row in rows:
        if row["site_id"] is None:
            row["site_id"] = sites.get(row["patient_id"])
        row["recorded_at"] = recorded_at


_OUTREACH_LOCK = 72_000_001  # PostgreSQL advisory lock: one writer of new contacts at a time


def _contact_key(row: dict[str, Any]) -> tuple[str, str | None, date, str]:
    """A contact is the same as one in the log when patient, site, day and outcome agree: the same identifier at
    another site is another patient (a contact without a site takes the patient's latest site, as the log does)."""
    return (str(row["patient_id"]), row.get("site_id"), row["contact_date"], str(row["outcome"]))


def _recorded_keys(connection: Connection, first: date, last: date) -> set[tuple[str, str | None, date, str]]:
    t = schema.outreach
    query = sa.select(t.c.patient_id, t.c.site_id, t.c.contact_date, t.c.outcome).where(
        t.c.contact_date >= first, t.c.contact_date <= last
    )
    return {(str(r.patient_id), r.site_id, r.contact_date, str(r.outcome)) for r in connection.execute(query)}


class Outreach:
    """The ``outreach`` table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def record(self, contact: NewContact) -> int:
        """Store one contact; returns its id."""
        return self.record_many([contact])[0]

    def record_many(self, contacts: Iterable[NewContact]) -> list[int]:
        """Store contacts (a whole exported list, say) in one transaction: all are kept or none. Returns their ids."""
        rows = [_checked(c) for c in contacts]
        if not rows:
            return []
        recorded_at = datetime.now(UTC)
        with self._db.writing() as connection:
            _complete(connection, rows, recorded_at)
            insert = sa.insert(schema.outreach).returning(schema.outreach.c.id, sort_by_parameter_order=True)
            ids = [int(i) for i in connection.execute(insert, rows).scalars()]
        log.info("%s contacts recorded", len(ids))
        return ids

    def record_new(self, contacts: Iterable[NewContact]) -> list[NewContact]:
        """Store the contacts the log does not hold yet (same patient and site, day and outcome) and return them.

        The check and the insert are one transaction under the log's write lock (SQLite's BEGIN IMMEDIATE, an
        advisory lock on PostgreSQL), so two people recording the same returned list at the same second store
        it once.
        """
        wanted = list(contacts)
        if not wanted:
            return []
        rows = [_checked(c) for c in wanted]
        recorded_at = datetime.now(UTC)
        with self._db.writing() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OUTREACH_LOCK})
            _complete(connection, rows, recorded_at)
            known = _recorded_keys(
                connection, min(r["contact_date"] for r in rows), max(r["contact_date"] for r in rows)
            )
            fresh, seen = [], set(known)
            for contact, row in zip(wanted, rows, strict=True):
                key = _contact_key(row)
                if key not in seen:
                    seen.add(key)
                    fresh.append((contact, row))
            if fresh:
                connection.execute(sa.insert(schema.outreach), [row for _, row in fresh])
        log.info("%s contacts recorded, %s already in the log", len(fresh), len(wanted) - len(fresh))
        return [contact for contact, _ in fresh]

    def of_patient(self, patient_id: str) -> pd.DataFrame:
        """Every contact with this patient, newest first (CONTACT_COLUMNS)."""
        table = schema.outreach
        query = (
            sa.select(*(table.c[name] for name in CONTACT_COLUMNS))
            .where(table.c.patient_id == str(patient_id))
            .order_by(table.c.contact_date.desc(), table.c.recorded_at.desc(), table.c.id.desc())
        )
        with self._db.reading() as connection:
            return frame_of(connection.execute(query), CONTACT_COLUMNS)

    def last_per_patient(self, patient_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """The latest contact of each patient (of these patients, or of all), one row per site and patient id
        (CONTACT_COLUMNS): contacts are keyed by both, as two sites may give the same id to different people."""
        table = schema.outreach
        if patient_ids is None:
            conditions: list[Any] = [sa.true()]
        else:
            wanted = sorted({str(p) for p in patient_ids})
            conditions = [
                table.c.patient_id.in_(wanted[i : i + _LOOKUP_CHUNK]) for i in range(0, len(wanted), _LOOKUP_CHUNK)
            ]
        rank = sa.func.row_number().over(
            partition_by=(table.c.patient_id, table.c.site_id),
            order_by=(table.c.contact_date.desc(), table.c.recorded_at.desc(), table.c.id.desc()),
        )
        rows: list[sa.Row[Any]] = []
        with self._db.reading() as connection:
            for condition in conditions:
                ranked = (
                    sa.select(*(table.c[n] for n in CONTACT_COLUMNS), rank.label("rank")).where(condition).subquery()
                )
                latest = sa.select(*(ranked.c[n] for n in CONTACT_COLUMNS)).where(ranked.c.rank == 1)
                rows += connection.execute(latest.order_by(ranked.c.patient_id)).all()
        return frame_of(rows, CONTACT_COLUMNS)

    def between(self, since: date | None = None, until: date | None = None) -> pd.DataFrame:
        """Contacts dated from ``since`` to ``until`` (both included; None: no bound), oldest first."""
        table = schema.outreach
        query = sa.select(*(table.c[name] for name in CONTACT_COLUMNS)).order_by(table.c.contact_date, table.c.id)
        if since is not None:
            query = query.where(table.c.contact_date >= since)
        if until is not None:
            query = query.where(table.c.contact_date <= until)
        with self._db.reading() as connection:
            return frame_of(connection.execute(query), CONTACT_COLUMNS)

    def per_week(self, since: date | None = None, until: date | None = None) -> pd.DataFrame:
        """Contacts per week (Monday first) with their outcomes (core.store.outreach_summary.per_week)."""
        return outreach_summary.per_week(self.between(since, until))

    def per_site(self, since: date | None = None, until: date | None = None) -> pd.DataFrame:
        """Contacts per site with their outcomes (core.store.outreach_summary.per_site)."""
        return outreach_summary.per_site(self.between(since, until))
