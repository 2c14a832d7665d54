"""A seeded synthetic trial history at event level, of any size, for benchmarks and training tests.

Patients are enrolled over a year at sites that differ in how well their patients keep visits. Each
has a visit every ``visit_interval`` days from day 1 to the planned length; a visit is missed with a
probability that rises with the patient's own adherence, their site's, and the visits they have just
missed (disengagement is sticky). Adverse events arrive at a rate that is higher on the active arm
and above 65. After each planned visit the patient may withdraw, with a hazard that rises with the
visits missed among the last two and the adverse events (above all the severe ones) since the last
visit: so recent missed visits and adverse events predict dropout, and a model can learn it. With
``early_dropout`` the withdrawal hazard also peaks in the first weeks and fades (half-life ``early_weeks``):
attrition is highest at the start, as in real trials. ``for_phase`` gives a phase's visit interval and
planned length (``PHASE_SCHEDULES``, the synthetic world's too).
A patient who stays to the last planned visit completes on that day. With ``cutoff_day`` (days after
the first enrolment) the trial is still running: what happens after the cut-off is not in the history.
The loop runs over the planned visits (a few dozen), never over patients.

The columns are the history contract's: one the simulator has no values for is filled with its default
when optional and refused when required, never silently left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.history.columns import HistoryContract
from core.history.contracts import HISTORY
from core.history.trial_history import COMPLETED, ONGOING, WITHDRAWN, TrialHistory
from core.reading.contract import ID_COLUMN

SEVERITY_SHARES = {"mild": 0.65, "moderate": 0.28, "severe": 0.07}
# Per phase: days between planned visits and planned length in days (early trials visit often and run short).
PHASE_SCHEDULES = {"Phase I": (7, 120), "Phase II": (14, 270), "Phase III": (28, 540)}


@dataclass(frozen=True)
class HistoryPlan:
    """The shape of a simulated trial."""

    n_patients: int
    n_sites: int = 0  # 0: one site per 60 patients, at least 4
    arms: tuple[str, ...] = ("Active", "Placebo")
    phase: str = "Phase III"
    planned_days: int = 336
    visit_interval: int = 14
    enrolment_days: int = 365
    cutoff_day: int | None = None
    list_missed: bool = False
    start: str = "2024-01-01"
    id_prefix: str = "SIM"
    early_dropout: float = 0.0  # extra weekly chance of withdrawing on day 1 (more for poor adherers), halving
    # every ``early_weeks`` weeks
    early_weeks: float = 3.0
    base_log_odds: float = -4.8  # log-odds of withdrawing after a visit for a patient with nothing against them

    @classmethod
    def for_phase(cls, phase: str, n_patients: int, **shape: object) -> HistoryPlan:
        """A trial of ``phase`` with that phase's visit interval and planned length (``PHASE_SCHEDULES``)."""
        interval, length = PHASE_SCHEDULES[phase]
        return cls(n_patients=n_patients, phase=phase, visit_interval=interval, planned_days=length, **shape)  # type: ignore[arg-type]


def early_weekly_chance(plan: HistoryPlan, day: np.ndarray | float) -> np.ndarray:
    """The extra weekly chance of withdrawing ``day`` days into the trial for a typical patient (the early peak,
    fading)."""
    return plan.early_dropout * np.power(0.5, (np.asarray(day, dtype=float) - 1) / (7 * plan.early_weeks))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _patients(plan: HistoryPlan, rng: np.random.Generator) -> pd.DataFrame:
    n = plan.n_patients
    sites = plan.n_sites or max(4, n // 60)
    site = rng.integers(0, sites, n)
    site_adherence = rng.normal(0.0, 0.6, sites)
    age = np.clip(np.round(rng.normal(58, 13, n)), 18, 90).astype(np.int64)
    return pd.DataFrame(
        {
            ID_COLUMN: [f"{plan.id_prefix}-{i:06d}" for i in range(n)],
            "site_id": [f"S{s:03d}" for s in site],
            "age": age,
            "gender": rng.choice(["Female", "Male"], n),
            "arm": rng.choice(list(plan.arms), n),
            "phase": plan.phase,
            "enrolment_day": rng.integers(0, plan.enrolment_days, n),
            "adherence": 2.2 + site_adherence[site] + rng.normal(0.0, 0.9, n) - 0.6 * (age < 30),
        }
    )


def simulate_history(plan: HistoryPlan, seed: int = 20261201, contract: HistoryContract = HISTORY) -> TrialHistory:
    """A trial history drawn from ``plan``, in the columns ``contract`` declares; the same seed gives the same
    history."""
    rng = np.random.default_rng(seed)
    patients = _patients(plan, rng)
    n = len(patients)
    adherence = patients["adherence"].to_numpy()
    active_arm = (patients["arm"] == plan.arms[0]).to_numpy()
    frailty = rng.gamma(2.0, 0.5, n)  # some patients have many more adverse events than others
    ae_rate = 0.35 * frailty * np.where(active_arm, 1.7, 1.0) * np.where(patients["age"].to_numpy() > 65, 1.4, 1.0)
    burden = np.zeros(n, dtype=np.int64)  # adverse events so far; severe ones weigh three
    planned = np.arange(1, plan.planned_days + 1, plan.visit_interval)
    in_study = np.ones(n, dtype=bool)
    end_day = np.full(n, planned[-1], dtype=np.int64)
    withdrew = np.zeros(n, dtype=bool)
    missed_run = np.zeros(n, dtype=np.int64)
    recent_missed = np.zeros((2, n), dtype=np.int64)
    visits, events = [], []
    for k, day in enumerate(planned):
        who = np.flatnonzero(in_study)
        attend = (
            np.ones(len(who), dtype=bool)
            if k == 0
            else rng.random(len(who)) < _sigmoid(adherence[who] - 0.9 * missed_run[who])
        )
        on_time = k in (0, len(planned) - 1)  # day 1 and the final visit (the completion day) are exact
        jitter = np.zeros(len(who), dtype=np.int64) if on_time else rng.integers(-2, 3, len(who))
        visits.append(pd.DataFrame({"code": who, "day": day + jitter, "attended": attend}))
        missed_run[who] = np.where(attend, 0, missed_run[who] + 1)
        recent_missed = np.vstack([recent_missed[1:], np.zeros(n, dtype=np.int64)])
        recent_missed[-1, who] = ~attend
        if k == len(planned) - 1:
            break
        count = rng.poisson(ae_rate[who] * plan.visit_interval / 30)
        codes = np.repeat(who, count)
        severity = rng.choice(list(SEVERITY_SHARES), len(codes), p=list(SEVERITY_SHARES.values()))
        serious = rng.random(len(codes)) < np.where(severity == "severe", 0.3, 0.01)
        onset = day + rng.integers(1, plan.visit_interval + 1, len(codes))
        events.append(pd.DataFrame({"code": codes, "day": onset, "serious": serious, "severity": severity}))
        severe = np.bincount(codes[severity == "severe"], minlength=n)[who]
        burden[who] += count + 2 * severe
        risk = (
            plan.base_log_odds
            + 0.9 * recent_missed[:, who].sum(axis=0)
            + 0.35 * count
            + 1.0 * severe
            + 0.12 * burden[who]
        )
        weekly = np.clip(early_weekly_chance(plan, float(day)) * 2 * _sigmoid(2.2 - adherence[who]), 0.0, 0.9)
        early = 1.0 - np.power(1.0 - weekly, plan.visit_interval / 7)  # over the days to the next visit
        hazard = 1.0 - (1.0 - _sigmoid(risk)) * (1.0 - early)
        leaving = who[rng.random(len(who)) < hazard]
        end_day[leaving] = day + rng.integers(3, plan.visit_interval + 1, len(leaving))  # after a late visit too
        withdrew[leaving] = True
        in_study[leaving] = False
    return _history(plan, patients, end_day, withdrew, pd.concat(visits), pd.concat(events), contract)


def _history(
    plan: HistoryPlan,
    patients: pd.DataFrame,
    end_day: np.ndarray,
    withdrew: np.ndarray,
    visits: pd.DataFrame,
    events: pd.DataFrame,
    contract: HistoryContract,
) -> TrialHistory:
    """Study days -> calendar dates, events after a withdrawal dropped, and the cut-off applied."""
    start = np.datetime64(plan.start, "D") + patients["enrolment_day"].to_numpy().astype("timedelta64[D]")
    events = events[events["day"] <= end_day[events["code"].to_numpy()]]
    if not plan.list_missed:
        visits = visits[visits["attended"]]
    cutoff = np.datetime64(plan.start, "D") + np.timedelta64(plan.cutoff_day or 10**6, "D")

    def dates(frame: pd.DataFrame) -> np.ndarray:
        return start[frame["code"].to_numpy()] + (frame["day"].to_numpy() - 1).astype("timedelta64[D]")

    visit_dates, event_dates = dates(visits), dates(events)
    visits, events = visits[visit_dates <= cutoff], events[event_dates <= cutoff]
    visit_dates, event_dates = visit_dates[visit_dates <= cutoff], event_dates[event_dates <= cutoff]
    end = start + (end_day - 1).astype("timedelta64[D]")
    ended = end <= cutoff
    status = np.where(~ended, ONGOING, np.where(withdrew, WITHDRAWN, COMPLETED))
    enrolled = start <= cutoff
    ids = patients[ID_COLUMN].to_numpy()
    subjects = patients.assign(
        enrolment_date=start,
        status=status,
        end_date=np.where(ended, end, np.datetime64("NaT")),
        planned_days=plan.planned_days,
    )[enrolled]
    keep_visits, keep_events = enrolled[visits["code"].to_numpy()], enrolled[events["code"].to_numpy()]
    visit_rows = pd.DataFrame(
        {
            ID_COLUMN: ids[visits["code"].to_numpy()],
            "visit_date": visit_dates,
            "attended": visits["attended"].to_numpy(),
        }
    )[keep_visits]
    event_rows = pd.DataFrame(
        {
            ID_COLUMN: ids[events["code"].to_numpy()],
            "onset_date": event_dates,
            "serious": events["serious"].to_numpy(),
            "severity": events["severity"].to_numpy(),
        }
    )[keep_events]
    what = "the simulated history"
    return TrialHistory(
        subjects=contract.subjects.complete(subjects, what),
        visits=contract.visits.complete(visit_rows, what),
        adverse_events=contract.adverse_events.complete(event_rows, what),
        missed_visits_listed=plan.list_missed,
        cutoff=pd.Timestamp(cutoff) if plan.cutoff_day is not None else None,
        contract=contract,
    )
