"""The audit trail: one JSON line per scoring event in logs/audit.jsonl.

Patient identifiers are written only as salted hashes (HMAC-SHA256, 16 hex characters). The salt
comes from the settings (secrets.toml ``[audit] salt`` or RRADAR_AUDIT_SALT), else it is generated
once and kept beside the log (``audit_salt``, owner-only), never in git. The generated salt appears
atomically (written to a private temporary file, then hard-linked into place), so processes starting
together all read the same complete salt. Each event is one ``os.write`` of one
line to a file opened with O_APPEND, under an exclusive ``flock``, so writers in several sessions
and processes never interleave or lose lines. A write that fails raises AuditError: callers show
it to the user. Reading skips (and counts) lines that do not parse.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets as token_source
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

LOG_NAME = "audit.jsonl"
SALT_NAME = "audit_salt"


class AuditError(RuntimeError):
    """The audit log could not be written."""


def _salt_from(configured: str | None, log_dir: Path) -> bytes:
    if configured:
        return configured.encode()
    path = log_dir / SALT_NAME
    if not path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=log_dir, prefix=".salt-")  # created owner-only (0600)
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(token_source.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, path)  # atomic; the first process to link wins, the others read its salt
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    salt = path.read_bytes().strip()
    if not salt:
        raise OSError(0, f"{path} is empty; delete it so a new salt is made, or configure one")
    return salt


@dataclass
class AuditLog:
    """Append-only JSON-lines log in ``directory`` with salted patient-id hashes."""

    directory: Path
    salt: bytes

    @classmethod
    def open(cls, directory: Path, configured_salt: str | None) -> AuditLog:
        """The log in ``directory`` with the configured salt, or the one kept beside the log."""
        directory = Path(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            return cls(directory, _salt_from(configured_salt, directory))
        except OSError as exc:
            raise AuditError(f"the audit log folder {directory} cannot be used ({exc.strerror or exc})") from None

    @property
    def path(self) -> Path:
        return self.directory / LOG_NAME

    def pseudonym(self, patient_id: str) -> str:
        """The salted hash that stands for a patient id in the log."""
        return hmac.new(self.salt, str(patient_id).encode(), hashlib.sha256).hexdigest()[:16]

    def record(self, event: str, *, patient_ids: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
        """Append one event; raises AuditError when the line could not be written."""
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "event": event,
            **fields,
            "patients": [self.pseudonym(p) for p in patient_ids],
        }
        line = (json.dumps(entry, separators=(",", ":"), default=str) + "\n").encode()
        try:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                written = os.write(descriptor, line)
                if written != len(line):
                    raise OSError(0, f"only {written} of {len(line)} bytes written")
            finally:
                os.close(descriptor)  # closing releases the lock
        except OSError as exc:
            raise AuditError(f"the audit log {self.path} could not be written ({exc.strerror or exc})") from None
        return entry


def read_events(path: Path) -> tuple[pd.DataFrame, int]:
    """All parseable events as a frame (time as UTC datetime) and the number of lines skipped."""
    rows, skipped = [], 0
    if Path(path).exists():
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    if not isinstance(entry, dict) or "event" not in entry or "time" not in entry:
                        raise ValueError("not an event")
                    rows.append(entry)
                except ValueError:
                    skipped += 1
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["time"] = pd.to_datetime(frame["time"], utc=True, errors="coerce")
        frame = frame.dropna(subset=["time"])
    return frame, skipped


def activity_summary(events: pd.DataFrame) -> dict[str, Any]:
    """Totals over the log: events, patients scored, flagged rate, mean probability, last activity."""
    if events.empty:
        return {
            "events": 0,
            "patients_scored": 0,
            "flagged_rate": float("nan"),
            "mean_probability": float("nan"),
            "last_activity": None,
        }
    scored = events[events["event"].isin(["cohort_scored", "patient_assessed"])]
    patients = scored.get("n_patients", pd.Series(dtype=float)).fillna(0)
    flagged = scored.get("n_flagged", pd.Series(dtype=float)).fillna(0)
    mean_p = scored.get("mean_probability", pd.Series(dtype=float))
    total = float(patients.sum())
    return {
        "events": int(len(events)),
        "patients_scored": int(total),
        "flagged_rate": float(flagged.sum() / total) if total else float("nan"),
        "mean_probability": float((mean_p.fillna(0) * patients).sum() / total) if total else float("nan"),
        "last_activity": events["time"].max(),
    }


def activity_by_day(events: pd.DataFrame) -> pd.DataFrame:
    """Per UTC day and event type: number of events and patients."""
    if events.empty:
        return pd.DataFrame(columns=["day", "event", "events", "patients"])
    frame = events.assign(
        day=events["time"].dt.strftime("%Y-%m-%d"),
        patients=events.get("n_patients", pd.Series(0, index=events.index)).fillna(0),
    )
    table = frame.groupby(["day", "event"]).agg(events=("event", "size"), patients=("patients", "sum"))
    return table.reset_index().sort_values(["day", "event"], ascending=[False, True])
