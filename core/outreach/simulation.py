"""A synthetic trial with outreach whose effect is known: for testing that the effect can be measured.

Patients come from the synthetic world the bundled model learns from (``core.training.synthetic_world.simulate``):
each has a true chance of dropping out (``true_risk``), and would drop out or not by that chance, in a
week drawn at random. Every week:

* each patient still in the trial is scored: the model's probability is their true risk seen through
  noise (the model is not perfect), a little higher in the weeks before a dropout (missed visits show);
* patients at or above the threshold are flagged;
* coordinators call flagged patients with a chance that rises steeply with the score (the riskiest
  first: confounding), at most ``capacity`` a week, the highest scores kept; a few unflagged patients
  get a call too;
* a call reaches the patient with chance ``reach_rate``; a reached patient who would drop out later is
  kept with chance ``true_effect / reach_rate``, so an *attempted* call prevents ``true_effect`` of the
  would-be dropouts (the intention-to-treat effect the estimate measures, and the cost model's
  effectiveness). A kept patient stays to the end.

Why the truth is known: calls in different weeks act independently (each reached call keeps a would-be
dropout with the same chance, whatever came before), and whom to call depends only on the week's scores,
so a call in a given week lowers the chance of the eventual dropout by exactly ``true_effect``, whatever
other calls the patient gets. That is the figure the estimate targets (``core.outreach.effectiveness``).

Two options test the fair test (``core.outreach.holdout_effect``): ``holdout_share`` holds a random share of
each week's flagged patients out of the calls (recorded in ``held_out``), and ``hidden_lean`` makes
coordinators more likely to call the would-be dropouts they sense, which the score cannot show: the
observational estimate is then biased, the randomised one is not. Both are off by default (the random
numbers drawn, and so every trial, are then those drawn without them).

The weekly files list the patients still in the trial without an outcome; a closing file after the last
week gives every patient's outcome (dropped out or not), except ``lost_share`` of them, never known.
The output is what the store would hold: uploads with their score rows, and the outreach log
(``record_in_store`` puts it in one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from core.decisions.bands import FACTORY_BANDS, band_index
from core.store import NewContact, NewUpload, Store
from core.training.synthetic_world import TrialPlan, simulate

SCORED_AT_HOUR = 9  # uploads run at 09:00 UTC on the Monday of their week


@dataclass(frozen=True)
class OutreachWorld:
    """The shape of a simulated trial with outreach."""

    patients: int = 4000
    weeks: int = 20
    true_effect: float = 0.30  # share of would-be dropouts an attempted call prevents
    reach_rate: float = 0.7  # share of calls that reach the patient (only those can work)
    threshold: float = 0.30
    capacity: int | None = 160  # calls a week
    eagerness: float = 1.5  # how steeply the chance of a call rises with the score (log-odds per log-odds)
    call_at_threshold: float = 0.15  # chance of a call for a patient right at the threshold
    score_noise: float = 0.6  # the model's error, log-odds
    warning: float = 0.8  # log-odds added to the score in the four weeks before a dropout
    stray_call_rate: float = 0.005  # weekly chance of a call to an unflagged patient
    lost_share: float = 0.05
    start: date = date(2026, 1, 5)  # a Monday
    holdout_share: float = 0.0  # share of each week's flagged patients held out from calls at random (0: none)
    hidden_lean: float = 0.0  # log-odds coordinators add to calling a would-be dropout the score cannot tell apart

    def __post_init__(self) -> None:
        if not 0 <= self.true_effect <= self.reach_rate <= 1:
            raise ValueError("the true effect must lie between 0 and the reach rate (only reached calls work)")


@dataclass(frozen=True)
class SimulatedOutreach:
    """What a store would hold after the trial, and the truth behind it."""

    scorings: pd.DataFrame  # every score row: SCORE_ROW_COLUMNS and risk_band
    contacts: pd.DataFrame  # the outreach log: patient_id, contact_date, action, outcome
    true_effect: float
    held_out: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["upload_id", "patient_id"]))
    holdout_share: float = 0.0  # every weekly upload had a draw at this share when above 0


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _calls(
    world: OutreachWorld, score: np.ndarray, flagged: np.ndarray, held: np.ndarray, known: np.ndarray, rng
) -> np.ndarray:
    """Who is called this week: flagged patients not held out, by a chance rising with the score (and with what the
    coordinator knows beyond it, ``known``), within capacity; a few unflagged strays."""
    lean = np.log(world.call_at_threshold / (1 - world.call_at_threshold))
    chance = _sigmoid(
        lean + world.eagerness * (_logit(score) - _logit(np.array(world.threshold))) + world.hidden_lean * known
    )
    willing = flagged & ~held & (rng.random(len(score)) < chance)
    if world.capacity is not None and willing.sum() > world.capacity:
        ranked = np.flatnonzero(willing)[np.argsort(-score[willing], kind="stable")]
        willing[:] = False
        willing[ranked[: world.capacity]] = True
    return willing | (~flagged & (rng.random(len(score)) < world.stray_call_rate))


def _file(week: int, world: OutreachWorld, ids: np.ndarray, score: np.ndarray, flagged, dropped_out) -> pd.DataFrame:
    """One upload's score rows (upload ids count the weeks from 1)."""
    day = datetime.combine(world.start + timedelta(weeks=week), datetime.min.time(), UTC)
    return pd.DataFrame(
        {
            "upload_id": week + 1,
            "patient_id": ids,
            "scored_at": day + timedelta(hours=SCORED_AT_HOUR),
            "as_of": None,
            "probability": score,
            "risk_band": _BAND_NAMES[band_index(score, FACTORY_BANDS)],
            "flagged": flagged,
            "dropped_out": pd.array(dropped_out, dtype="boolean"),
        }
    )


_BAND_NAMES = np.array([b.name for b in FACTORY_BANDS], dtype=object)
_NOT_REACHED = np.array(["no answer", "rescheduled"], dtype=object)


def simulate_outreach(world: OutreachWorld, seed: int) -> SimulatedOutreach:
    """One trial drawn from ``world``; the same seed gives the same trial."""
    rng = np.random.default_rng(seed)
    people = simulate((TrialPlan("OUT-001", "Phase II", 8, world.patients),), seed, "OUT")
    ids = people["patient_id"].to_numpy()
    n = len(ids)
    risk = people["true_risk"].to_numpy()
    would_drop = rng.random(n) < risk
    drop_week = np.where(would_drop, rng.integers(0, world.weeks, n), world.weeks)  # they leave after that week
    kept = np.zeros(n, dtype=bool)  # a call kept them
    effect_if_reached = world.true_effect / world.reach_rate if world.reach_rate else 0.0
    files, calls, held_out = [], [], [pd.DataFrame({"upload_id": [], "patient_id": []})]
    for week in range(world.weeks):
        present = np.flatnonzero(kept | (drop_week >= week))
        # The chance of dropping out in the weeks left, for a patient still in: what a model that knows the
        # time in the trial predicts, before its error.
        left = (world.weeks - week) / world.weeks
        remaining = _logit(risk * left / (1 - risk * (1 - left)))
        warned = (~kept[present]) & (drop_week[present] - week < 4) & would_drop[present]
        score = _sigmoid(remaining[present] + world.warning * warned + rng.normal(0.0, world.score_noise, len(present)))
        flagged = score >= world.threshold
        files.append(_file(week, world, ids[present], score, flagged, [pd.NA] * len(present)))
        held = _held_out(world, flagged, rng)
        if held.any():
            held_out.append(pd.DataFrame({"upload_id": week + 1, "patient_id": ids[present[held]]}))
        unhappy = would_drop[present] & ~kept[present]  # what a coordinator may sense and the score does not show
        called = present[_calls(world, score, flagged, held, unhappy, rng)]
        reached = rng.random(len(called)) < world.reach_rate
        saves = reached & (rng.random(len(called)) < effect_if_reached)
        kept[called[saves & would_drop[called]]] = True
        days = rng.integers(0, 7, len(called))
        calls.append(
            pd.DataFrame(
                {
                    "patient_id": ids[called],
                    "contact_date": [world.start + timedelta(weeks=week, days=int(d)) for d in days],
                    "action": "Phone call",
                    "outcome": np.where(reached, "reached", rng.choice(_NOT_REACHED, len(called))),
                }
            )
        )
    known = rng.random(n) >= world.lost_share  # the others' outcome never reaches the record
    closing = _file(world.weeks, world, ids[known], risk[known], False, (would_drop & ~kept)[known])
    return SimulatedOutreach(
        pd.concat([*files, closing], ignore_index=True),
        pd.concat(calls, ignore_index=True),
        world.true_effect,
        pd.concat(held_out, ignore_index=True).astype({"upload_id": int, "patient_id": str}),
        world.holdout_share,
    )


def _held_out(world: OutreachWorld, flagged: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """This week's random hold-out among the flagged (none drawn, and no random number used, at share 0)."""
    held = np.zeros(len(flagged), dtype=bool)
    if world.holdout_share > 0:
        candidates = np.flatnonzero(flagged)
        held[rng.choice(candidates, round(world.holdout_share * len(candidates)), replace=False)] = True
    return held


def record_in_store(simulated: SimulatedOutreach, store: Store) -> list[int]:
    """Put a simulated trial into a store as its uploads and outreach log; returns the uploads' ids."""
    ids = []
    for number, rows in simulated.scorings.groupby("upload_id", sort=True):
        scored_at = rows["scored_at"].iloc[0].to_pydatetime()
        upload = NewUpload(
            scored_by="simulation",
            source_file=f"week{number}.csv",
            file_sha256=f"{int(number):064d}",
            model_version="simulated",
            model_sha256="0" * 64,
            settings={},
            rows_read=len(rows),
            scored_at=scored_at,
        )
        ids.append(store.uploads.record(upload, rows.drop(columns=["upload_id", "scored_at", "as_of"])).id)
    contacts = simulated.contacts
    store.outreach.record_many(
        NewContact(p, d, a, "simulation", o)
        for p, d, a, o in zip(
            contacts["patient_id"], contacts["contact_date"], contacts["action"], contacts["outcome"], strict=True
        )
    )
    return ids
