"""How trial exports spell a patient's status, a visit's attendance and an event's severity.

Status is reduced to three values, in any case: completed, withdrawn (for any reason other than
completion, the reason itself being accepted as the status: "adverse event", "lost to follow-up",
"died"... and kept as written in the subjects' ``reason`` column) and ongoing (a blank cell too). A screen failure was never enrolled: it is none of the three and the
readers leave the patient out, counting them in the report.
"""

from __future__ import annotations

import pandas as pd

from core.history.trial_history import COMPLETED, ONGOING, WITHDRAWN
from core.reading.rules import per_unique

SCREEN_FAILURE = "screen failure"

_STATUS_WORDS = {
    COMPLETED: (
        "completed",
        "complete",
        "completer",
        "finished",
        "completed study",
        "study completed",
        "completed the study",
        "study complete",
        "completed treatment",
        "completed trial",
        "done",
    ),
    ONGOING: (
        "ongoing",
        "active",
        "on study",
        "on-study",
        "on treatment",
        "in treatment",
        "enrolled",
        "enrolment",
        "enrollment",
        "randomised",
        "randomized",
        "in study",
        "in follow-up",
        "in follow up",
        "in followup",
        "follow-up",
        "follow up",
        "on follow-up",
        "active follow-up",
        "continuing",
        "open",
        "",
    ),
    WITHDRAWN: (
        "withdrawn",
        "withdrew",
        "withdrawal",
        "withdrawn from study",
        "early withdrawal",
        "discontinued",
        "discontinued early",
        "discontinued study",
        "early discontinuation",
        "discontinuation",
        "dropped out",
        "dropout",
        "drop out",
        "dropped",
        "early termination",
        "early terminated",
        "terminated early",
        "terminated",
        "lost to follow-up",
        "lost to followup",
        "lost",
        "ltfu",
        "lost to fu",
        "adverse event",
        "adverse events",
        "ae",
        "withdrawal by subject",
        "withdrawal by parent/guardian",
        "withdrawal of consent",
        "consent withdrawn",
        "withdrew consent",
        "withdrawn consent",
        "subject withdrew consent",
        "subject withdrew",
        "patient withdrew",
        "subject decision",
        "patient decision",
        "physician decision",
        "investigator decision",
        "withdrawn by investigator",
        "death",
        "died",
        "deceased",
        "dead",
        "lack of efficacy",
        "progressive disease",
        "disease progression",
        "protocol violation",
        "protocol deviation",
        "non-compliance",
        "non-compliance with study drug",
        "noncompliance",
        "non-compliant",
        "noncompliant",
        "ineligible",
        "pregnancy",
        "study terminated by sponsor",
        "site terminated by sponsor",
        "sponsor decision",
        "technical problems",
        "recovery",
        "relocated",
        "moved",
        "moved away",
        "incarcerated",
        "incarceration",
        "other",
    ),
    SCREEN_FAILURE: (
        "screen failure",
        "screen failed",
        "screening failure",
        "failed screening",
        "screen fail",
        "scrnfail",
        "screened out",
        "screen out",
        "not randomised",
        "not randomized",
        "not enrolled",
        "notassgn",
    ),
}
SEVERITY_WORDS = {
    "mild": ("mild", "1", "grade 1", "g1", "low"),
    "moderate": ("moderate", "2", "grade 2", "g2", "medium"),
    "severe": ("severe", "3", "4", "5", "grade 3", "grade 4", "grade 5", "g3", "g4", "g5", "life-threatening", "fatal"),
    "": ("", "unknown", "not known", "na", "n/a"),
}
ATTENDED_WORDS = {
    True: ("yes", "y", "1", "true", "attended", "done", "completed", "seen", "1.0", ""),
    False: ("no", "n", "0", "false", "missed", "not done", "not attended", "did not attend", "dna", "no show", "0.0"),
}
YES_NO_WORDS = {
    True: ("y", "yes", "1", "true", "serious", "1.0"),
    False: ("n", "no", "0", "false", "not serious", "0.0", ""),
}


def spelling_key(values: pd.Series) -> pd.Series:
    """Lower case, single spaces, "_" and "-" read as spaces, no closing full stop or outer quotes:
    "Lost_to_Follow-Up. " -> "lost to follow up"."""
    text = values.str.lower().str.replace(r"[_\-]", " ", regex=True).str.replace(r"\s+", " ", regex=True)
    return text.str.strip().str.strip("\"'.").str.strip()


def _lookup(words: dict) -> dict:
    return {
        key: value
        for value, spellings in words.items()
        for key in spelling_key(pd.Series(list(spellings), dtype=str)).tolist()
    }


def _read(values: pd.Series, words: dict) -> pd.Series:
    """Each cell's meaning by the word table (per distinct value); NaN where the spelling is unknown."""
    lookup = _lookup(words)
    return per_unique(values.astype(str), lambda u: spelling_key(u).map(lookup))


def read_status(values: pd.Series) -> pd.Series:
    """completed / withdrawn / ongoing / screen failure per cell; NaN for a spelling not known."""
    return _read(values, _STATUS_WORDS)


def disposition_status(decoded: pd.Series) -> pd.Series:
    """An SDTM DSDECOD: COMPLETED, SCREEN FAILURE, or any other term (a reason to stop) = withdrawn."""
    key = spelling_key(decoded.astype(str))
    status = pd.Series(WITHDRAWN, index=decoded.index, dtype=object)
    status[key == "completed"] = COMPLETED
    status[key.isin(_STATUS_WORDS[SCREEN_FAILURE])] = SCREEN_FAILURE
    return status


def read_severity(values: pd.Series) -> pd.Series:
    """mild / moderate / severe, or "" when not given; NaN for a spelling not known."""
    return _read(values, SEVERITY_WORDS)


def read_attended(values: pd.Series) -> pd.Series:
    """True for an attended visit (a blank cell too), False for a missed one, NaN when unreadable."""
    return _read(values, ATTENDED_WORDS)


def read_yes_no(values: pd.Series) -> pd.Series:
    """True / False (blank = no, as AESER is left blank when not serious); NaN when unreadable."""
    return _read(values, YES_NO_WORDS)
