"""Outreach opportunities: each time a patient was flagged, whether they were contacted and whether they dropped out.

One row per patient flagged at a scoring (an upload, or a trial history scored as of a day). The rules,
as implemented:

* **When.** A scoring's day is its as-of day when it has one (a trial history scored as of a past day),
  otherwise the day it ran (UTC). A patient scored twice on one day keeps the later scoring only.
* **Contacted** means a contact was *attempted*: any contact in the outreach log (reached, no answer,
  declined, rescheduled) dated from the scoring's day to before the earlier of ``window_days`` later and
  the patient's next scoring. This is intention to treat, the honest default: whether a patient answers
  depends on the patient (engaged patients answer), so "reached" patients are not comparable with the
  others, and the cost model pays for every attempt anyway. ``reached`` is kept beside it for reading.
  Contacts of patients who were not flagged make no opportunity.
* **Outcome** (``dropped_out``): what scorings after this one say about the patient (the Dropped out
  column of later uploads): dropped out if any of them says so, did not drop out if they say so and none
  says otherwise, not known (empty) when none says anything. An upload's column tells what had happened
  by the time of its file, so it speaks for earlier scorings only; a trial history scored as of a past
  day holds what happened after that day, so it also speaks for its own scoring. A "no" means "had not
  dropped out by then": flags close to the last upload have had less time to show a dropout.
  When a trial history's dispositions are given (``outcomes_from_history``), they are the outcomes
  instead: withdrawn, completed, or not known while ongoing.
* **Already out.** A patient whose own (not as-of) upload already says they dropped out, or whose
  disposition date is on or before the scoring's day, cannot be kept by a contact: no opportunity.
"""

from __future__ import annotations

from datetime import UTC

import numpy as np
import pandas as pd

from core.history.trial_history import COMPLETED, WITHDRAWN, TrialHistory
from core.store import Store
from core.store.score_rows import SCORE_ROW_COLUMNS, score_rows

SCORING_COLUMNS = SCORE_ROW_COLUMNS
CONTACT_COLUMNS = ["patient_id", "contact_date", "outcome"]
OPPORTUNITY_COLUMNS = ["patient_id", "upload_id", "scored_on", "probability", "contacted", "reached", "dropped_out"]
OUTCOME_COLUMNS = ["patient_id", "dropped_out", "ended_on"]
DEFAULT_WINDOW_DAYS = 14
REACHED = "reached"


def _days(values: pd.Series) -> np.ndarray:
    """Dates or datetimes as whole days since 1970 (int64)."""
    return np.asarray(pd.to_datetime(values).to_numpy(dtype="datetime64[D]")).astype(np.int64)


def _scoring_days(scorings: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each scoring's day (its as-of day, else the UTC day it ran) and whether it is as of a past day."""
    as_of = pd.to_datetime(scorings["as_of"])
    ran = pd.to_datetime(scorings["scored_at"], utc=True).dt.tz_convert(UTC).dt.tz_localize(None)
    hindsight = as_of.notna().to_numpy()
    return _days(as_of.where(as_of.notna(), ran.dt.normalize())), hindsight


def _yes(outcomes: pd.Series) -> np.ndarray:
    """True where the outcome says dropped out (not known counts as no here)."""
    return outcomes.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _later_evidence(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row (sorted by patient, then day): how many later rows of the patient say dropped out, and say anything."""
    says_yes = _yes(frame["dropped_out"]).astype(np.int64)
    known = frame["dropped_out"].notna().to_numpy(dtype=np.int64)
    backwards = pd.DataFrame({"p": frame["patient_id"].to_numpy(), "yes": says_yes, "known": known}).iloc[::-1]
    from_here = backwards.groupby("p", sort=False)[["yes", "known"]].cumsum().iloc[::-1]
    return from_here["yes"].to_numpy() - says_yes, from_here["known"].to_numpy() - known


def _contacted_within(rows: pd.DataFrame, contacts: pd.DataFrame, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """True where the patient has a contact dated in [start, end) (days since 1970)."""
    if contacts.empty or rows.empty:
        return np.zeros(len(rows), dtype=bool)
    left = pd.DataFrame({"patient_id": rows["patient_id"].to_numpy(), "day": start, "row": np.arange(len(rows))})
    right = pd.DataFrame({"patient_id": contacts["patient_id"].to_numpy(), "day": _days(contacts["contact_date"])})
    right["contact_day"] = right["day"]
    matched = pd.merge_asof(
        left.sort_values("day"),
        right.sort_values("day"),
        on="day",
        by="patient_id",
        direction="forward",
    ).sort_values("row")
    found = matched["contact_day"].to_numpy(dtype=float)
    return np.nan_to_num(found, nan=np.inf) < end


def _checked(frame: pd.DataFrame, columns: list[str], what: str) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame]
    if missing:
        raise ValueError(f"the {what} lack the column(s) {', '.join(missing)}")
    return frame[columns].assign(patient_id=frame["patient_id"].astype(str))


def build_opportunities(
    scorings: pd.DataFrame,
    contacts: pd.DataFrame,
    window_days: int = DEFAULT_WINDOW_DAYS,
    outcomes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The opportunities (OPPORTUNITY_COLUMNS), one per patient flagged at a scoring, oldest first; the frame's
    ``attrs["window_days"]`` keeps the contact window.

    ``scorings``: every stored score row (SCORING_COLUMNS; flagged or not: later rows carry outcomes and
    mark the next scoring). ``contacts``: the outreach log (CONTACT_COLUMNS). ``outcomes``: a trial
    history's dispositions (OUTCOME_COLUMNS, from ``outcomes_from_history``) to use instead of the
    uploads' Dropped out column. ``dropped_out`` is a nullable boolean: empty where not known.
    """
    if window_days < 1:
        raise ValueError(f"the contact window must be at least one day; got {window_days}")
    rows = _checked(scorings, SCORING_COLUMNS, "scorings")
    contacts = _checked(contacts, CONTACT_COLUMNS, "contacts")
    day, hindsight = _scoring_days(rows)
    rows = rows.assign(day=day, hindsight=hindsight, dropped_out=rows["dropped_out"].astype("boolean"))
    rows = rows.sort_values(["patient_id", "day", "scored_at", "upload_id"], kind="stable", ignore_index=True)
    rows = rows[~rows.duplicated(["patient_id", "day"], keep="last")].reset_index(drop=True)

    later_yes, later_known = _later_evidence(rows)
    own = rows["dropped_out"]
    own_yes, own_known = _yes(own), own.notna().to_numpy()
    yes = (later_yes > 0) | (rows["hindsight"].to_numpy() & own_yes)
    known = (later_known > 0) | (rows["hindsight"].to_numpy() & own_known)
    already_out = own_yes & ~rows["hindsight"].to_numpy()
    next_day = rows.groupby("patient_id", sort=False)["day"].shift(-1).to_numpy(dtype=float)

    result = pd.Series(pd.array(np.where(known, yes, False), dtype="boolean"))
    result[~known] = pd.NA
    if outcomes is not None:
        result, ended = _history_outcomes(rows, outcomes)
        already_out = ended
    keep = rows["flagged"].to_numpy(dtype=bool) & ~already_out
    start = rows["day"].to_numpy()
    end = np.fmin(start + window_days, np.nan_to_num(next_day, nan=np.inf))
    flagged = rows[keep].reset_index(drop=True)
    start, end = start[keep], end[keep]
    reached = contacts[contacts["outcome"].astype(str) == REACHED]
    frame = pd.DataFrame(
        {
            "patient_id": flagged["patient_id"],
            "upload_id": flagged["upload_id"].to_numpy(),
            "scored_on": start.astype("datetime64[D]"),
            "probability": flagged["probability"].to_numpy(dtype=float),
            "contacted": _contacted_within(flagged, contacts, start, end),
            "reached": _contacted_within(flagged, reached, start, end),
            "dropped_out": result[keep].reset_index(drop=True),
        }
    )
    frame = frame.sort_values(["scored_on", "patient_id"], kind="stable", ignore_index=True)
    frame.attrs["window_days"] = int(window_days)  # for the estimate's words: "within 14 days of the flag"
    return frame


def _history_outcomes(rows: pd.DataFrame, outcomes: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """Each row's outcome from the dispositions, and whether the patient had already ended by the row's day."""
    given = _checked(outcomes, OUTCOME_COLUMNS, "outcomes").drop_duplicates("patient_id", keep="last")
    found = rows[["patient_id"]].merge(given, on="patient_id", how="left")
    ended_on = pd.to_datetime(found["ended_on"])
    ended = ended_on.notna().to_numpy() & (_days(ended_on.fillna(pd.Timestamp(0))) <= rows["day"].to_numpy())
    return found["dropped_out"].astype("boolean").reset_index(drop=True), ended


def outcomes_from_history(history: TrialHistory) -> pd.DataFrame:
    """Each patient's outcome from a trial history's disposition (OUTCOME_COLUMNS).

    Withdrawn: dropped out; completed: did not; ongoing: not known. ``ended_on`` is the disposition date.
    """
    subjects = history.subjects
    status = subjects["status"]
    dropped = pd.array(np.where(status == WITHDRAWN, True, False), dtype="boolean")
    dropped[~status.isin([WITHDRAWN, COMPLETED]).to_numpy()] = pd.NA
    return pd.DataFrame(
        {"patient_id": subjects["patient_id"].astype(str), "dropped_out": dropped, "ended_on": subjects["end_date"]}
    )


def opportunities_from_store(
    store: Store, window_days: int = DEFAULT_WINDOW_DAYS, history: TrialHistory | None = None
) -> pd.DataFrame:
    """The opportunities recorded in a store: flags from its uploads, contacts from its outreach log.

    Outcomes come from later uploads' Dropped out column, or, when ``history`` is given, from that trial
    history's dispositions (withdrawn, completed; ongoing is not known).
    """
    outcomes = outcomes_from_history(history) if history is not None else None
    return build_opportunities(score_rows(store.database), store.outreach.between(), window_days, outcomes)
