"""Plain values the session keeps between runs, defined below ``app.state`` so its getters can name their types.

Who is using the app (set by the access gate), a trial history being read (app.services.history_loading),
this week's stored upload (app.services.weekly), a training's outcome (app.services.training_run) and the
team's saved settings (app.views.team_settings). Values only: nothing here reads or draws anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pandas as pd

from core.history.trial_history import TrialHistory
from core.history.validation import AmbiguousDatesError
from core.store import Upload
from core.store.saved_settings import SavedSetting


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # core.trust.roles: COORDINATOR or MANAGER ("" before sign-in: may do nothing)


NOBODY = Person("not signed in", "")


Columns = dict[str, dict[str, str]]  # table -> field -> the user's header: the user's own column matching


def trial_name(files: dict[str, bytes]) -> str:
    """The files' names without their suffixes, in order: "subjects.csv" and "subjects.xlsx" are one trial."""
    return ", ".join(sorted({PurePath(name).stem.strip().lower() for name in files}))


@dataclass(frozen=True)
class TableColumns:
    """How one history table's headers were matched: every header, field -> header used, headers left over."""

    table: str  # "subjects", "visits" or "adverse_events"
    source: str  # the file (and sheet) it came from
    headers: list[str]
    mapping: dict[str, str]
    unmatched: list[str]


@dataclass
class LoadedHistory:
    """One uploaded history and the user's answers about it."""

    label: str
    files: dict[str, bytes]
    day_first: bool | None = None
    phase: str | None = None
    columns: Columns = field(default_factory=dict)  # the user's own matching (empty: automatic)
    ambiguous: AmbiguousDatesError | None = None  # the question to ask before the files can be read
    as_of: pd.Timestamp | None = None
    arm_mapping: dict[str, str] | None = None
    history: TrialHistory | None = None
    read_with: tuple = field(default=())  # the reading choices ``history`` was read with
    failed_with: tuple | None = None  # the reading choices the files could not be read with
    matches: list[TableColumns] = field(default_factory=list)  # how each table's columns were matched

    @property
    def trial(self) -> str:
        """What the user's column matching is remembered by: the files' names, whatever their order or format."""
        return trial_name(self.files)

    @property
    def choices(self) -> tuple:
        """The answers the files are read with: a change reads them again."""
        columns = tuple(sorted((table, tuple(sorted(chosen.items()))) for table, chosen in self.columns.items()))
        return (self.day_first, self.phase, columns)

    @property
    def digest(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()


@dataclass(frozen=True)
class Week:
    """This cohort's stored upload and the one scored before it (None: this is the first week remembered)."""

    upload: Upload
    last: Upload | None
    held_out: frozenset[tuple[str, str]] = frozenset()  # (site, patient id) held out this week (the fair test)
    holdout_share: float | None = None  # the share drawn, when the week had a hold-out


@dataclass
class TrainingOutcome:
    """What the page shows after a training: the versions made, or why there are none."""

    trial: str
    versions: dict[str, str] = field(default_factory=dict)  # family -> version name
    recommended: str | None = None
    refused: str | None = None
    warnings: list[str] = field(default_factory=list)


# The team's saved settings people see, by address name, as the sidebar names them.
TEAM_SETTING_LABELS = {
    "threshold": "decision threshold",
    "contact_cost": "cost per contact",
    "dropout_cost": "cost per dropout",
    "effectiveness": "contact effectiveness",
    "capacity": "staff capacity",
    "plan": "plan",
    "holdout_share": "fair test",
}


@dataclass(frozen=True)
class TeamRecord:
    """The team's saved settings as read from the store: the latest value of each, and the recent changes."""

    latest: dict[str, SavedSetting]
    history: pd.DataFrame  # newest first (core.store.saved_settings.HISTORY_COLUMNS)

    def raw(self) -> dict[str, Any]:
        return {key: saved.value for key, saved in self.latest.items()}

    def last_change(self) -> SavedSetting | None:
        changes = [saved for key, saved in self.latest.items() if key in TEAM_SETTING_LABELS]
        return max(changes, key=lambda saved: saved.changed_at) if changes else None
