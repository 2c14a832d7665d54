"""What counts as dropout: each way a patient's participation ended, and the outcome definition built on it.

A retention programme exists for one kind of ending: the patient stops coming (withdraws consent, is
lost to follow-up, stops complying). A call can change that. Other endings are decided for the patient
(an adverse event, death, a physician's, site's or sponsor's decision, a protocol violation, lack of
efficacy, pregnancy): no call keeps those patients, so a model that predicts them sends coordinators to
the wrong people. Each ended patient's ending is one of three kinds, read from the reason as written
(SDTM DSDECOD, the three-table status or reason words):

* ``completed``;
* ``retention dropout``: withdrawal by the patient or guardian, consent withdrawn, lost to follow-up,
  non-compliance, moved away; also a withdrawal whose reason is not given or not known to the product
  ("withdrawn", "discontinued", "other"), because it cannot be told apart (shown per reason on the Train
  page, so the user sees what was counted);
* ``other ending``: adverse event, death, physician or investigator decision, sponsor or site decision,
  protocol violation or deviation (a decision about the patient's eligibility or conduct, taken by the
  site), lack of efficacy, disease progression, pregnancy, ineligible, recovery, incarceration, technical
  problems.

The outcome definition (``OutcomeDefinition``) says which endings are the event: ``dropout`` (the default:
retention dropouts only) or ``any`` (every ending but completion). Under ``dropout`` another ending is a
competing event: its patient is labelled 0 (they will never drop out for a reason outreach addresses),
which is the landmark form of a cumulative-incidence estimate, not a censoring. Ongoing patients are the
censored ones (no label; see ``core.training.censoring_weights``). A time-to-dropout model reuses
``ending_kinds`` to treat other endings as competing risks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.history.statuses import spelling_key
from core.history.trial_history import COMPLETED, ONGOING, WITHDRAWN

RETENTION_DROPOUT, OTHER_ENDING = "retention dropout", "other ending"
KINDS = (RETENTION_DROPOUT, OTHER_ENDING, COMPLETED)
NOT_GIVEN = "reason not given"

_OTHER_ENDING_WORDS = (
    "adverse event",
    "adverse events",
    "ae",
    "death",
    "died",
    "deceased",
    "dead",
    "physician decision",
    "investigator decision",
    "withdrawn by investigator",
    "lack of efficacy",
    "progressive disease",
    "disease progression",
    "protocol violation",
    "protocol deviation",
    "ineligible",
    "pregnancy",
    "study terminated by sponsor",
    "site terminated by sponsor",
    "sponsor decision",
    "technical problems",
    "recovery",
    "incarcerated",
    "incarceration",
)
_OTHER_KEYS = frozenset(spelling_key(pd.Series(_OTHER_ENDING_WORDS, dtype=str)).tolist())


@dataclass(frozen=True)
class OutcomeDefinition:
    """Which endings count as the dropout the model predicts: ``dropout`` (retention dropouts) or ``any``."""

    name: str = "dropout"

    def __post_init__(self) -> None:
        if self.name not in DEFINITIONS:
            raise ValueError(f'the outcome is "dropout" or "any", not "{self.name}"')

    @property
    def counted(self) -> tuple[str, ...]:
        """The ending kinds labelled 1."""
        return (RETENTION_DROPOUT,) if self.name == "dropout" else (RETENTION_DROPOUT, OTHER_ENDING)

    @property
    def words(self) -> str:
        return DEFINITIONS[self.name]


DEFINITIONS = {
    "dropout": (
        "retention dropout: the patient withdrew, was lost to follow-up or stopped complying (a withdrawal with "
        "no reason given counts too). Other endings (adverse event, death, a physician's, site's or sponsor's "
        "decision, protocol violation, lack of efficacy) are not dropouts: those patients count as not dropping "
        "out, since no call would have kept them"
    ),
    "any": "any discontinuation: every patient who left before completing, whatever the reason",
}
DEFAULT_OUTCOME = OutcomeDefinition()
ANY_DISCONTINUATION = OutcomeDefinition("any")


def reason_words(subjects: pd.DataFrame) -> pd.Series:
    """Each patient's reason as written (blank when none given), one line of text per patient."""
    reasons = subjects["reason"] if "reason" in subjects else pd.Series("", index=subjects.index)
    text = reasons.fillna("").astype(str).str.strip()
    return text.where(~text.str.lower().isin(("", "nan", "none")), "")


def ending_kinds(subjects: pd.DataFrame) -> pd.Series:
    """Each patient's ending: completed, retention dropout, other ending, or ongoing (not ended yet)."""
    status = subjects["status"].astype(str)
    other = spelling_key(reason_words(subjects)).isin(_OTHER_KEYS)
    kinds = pd.Series(ONGOING, index=subjects.index, dtype=object)
    kinds[status == COMPLETED] = COMPLETED
    kinds[(status == WITHDRAWN) & other] = OTHER_ENDING
    kinds[(status == WITHDRAWN) & ~other] = RETENTION_DROPOUT
    return kinds


def outcome_labels(subjects: pd.DataFrame, definition: OutcomeDefinition = DEFAULT_OUTCOME) -> np.ndarray:
    """1 for an ending the definition counts, 0 for any other ending, NaN while ongoing (censored)."""
    kinds = ending_kinds(subjects)
    labels = np.where(kinds.isin(definition.counted).to_numpy(), 1.0, 0.0)
    return np.where((kinds == ONGOING).to_numpy(), np.nan, labels)


def reason_counts(
    subjects: pd.DataFrame, definition: OutcomeDefinition = DEFAULT_OUTCOME, training: set[str] | None = None
) -> list[dict[str, Any]]:
    """Patients per ending reason (as written, grouped in any case), its kind and whether it counts as dropout,
    most patients first; with ``training`` (patient ids), also how many of them are training patients."""
    kinds = ending_kinds(subjects)
    ended = kinds != ONGOING
    written = reason_words(subjects)[ended]
    shown = written.where(written != "", NOT_GIVEN)
    shown = shown.where(kinds[ended] != COMPLETED, "completed")
    ids = subjects["patient_id"].astype(str).str.strip()[ended]
    table = pd.DataFrame({"key": spelling_key(shown), "reason": shown, "kind": kinds[ended], "id": ids})
    rows = []
    for (_, kind), group in table.groupby(["key", "kind"], sort=False):
        row = {
            "reason": str(group["reason"].mode().iloc[0]),
            "kind": str(kind),
            "patients": int(len(group)),
            "counts_as_dropout": kind in definition.counted,
        }
        if training is not None:
            row["training_patients"] = int(group["id"].isin(training).sum())
        rows.append(row)
    return sorted(rows, key=lambda row: (-row["patients"], row["reason"]))


def outcome_section(
    subjects: pd.DataFrame, definition: OutcomeDefinition, training: set[str] | None = None
) -> dict[str, Any]:
    """The outcome definition as a model card records it: name, plain words, patients per reason (every ended
    patient of the history, and with ``training`` how many of each are training patients)."""
    counts = reason_counts(subjects, definition, training)
    return {
        "definition": definition.name,
        "in_words": definition.words,
        "by_reason": counts,
        "dropouts": sum(row["patients"] for row in counts if row["counts_as_dropout"]),
        "other_endings_not_counted": sum(
            row["patients"] for row in counts if row["kind"] == OTHER_ENDING and not row["counts_as_dropout"]
        ),
    }
