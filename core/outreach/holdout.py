"""The fair test of calls: a random share of a week's flagged patients held out from the call list.

Coordinators call the riskiest patients first, so comparing called and uncalled patients mixes up the
call's effect with who gets called (``core.outreach.effectiveness`` adjusts for the risk score, not for
what a coordinator knows beyond it). Drawing at random, each week, a small share of the flagged patients
who get usual care instead of an extra call makes the two groups alike in everything but the call: the
only comparison that needs no assumption about whom coordinators choose (``core.outreach.holdout_effect``).

The draw is reproducible: the flagged patients are sorted by (site, patient id) and ``round(share × n)``
of them are chosen by a generator seeded with ``seed``; the store keeps the seed, the share and the
patients drawn, so anyone can check the draw afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

import numpy as np
import pandas as pd

from core.decision_settings import HIGHEST_HOLDOUT_SHARE as HIGHEST_SHARE
from core.decision_settings import LOWEST_HOLDOUT_SHARE as LOWEST_SHARE
from core.scoring.cohort import PatientKey, in_keys

HELD_OUT_WORDS = "Held out this week (fair test): do not call"
WHAT_IT_MEANS = (
    "A random share of this week's flagged patients is held out from the call list: they get usual care (their "
    "scheduled visits and reminders), not an extra call this week. Chance alone decides who, so the held-out "
    "patients are like those called in every way but the call; comparing how often each group drops out is "
    "the only way to know whether the calls themselves keep patients in the trial, rather than the team "
    "choosing patients who would have stayed anyway. Each week is drawn afresh: a patient held out this week "
    "may be on next week's list."
)


def new_seed() -> int:
    """A fresh random seed for a week's draw (fits a signed 64-bit database column)."""
    return secrets.randbits(62)


def draw_held_out(flagged: Iterable[PatientKey], share: float, seed: int) -> frozenset[PatientKey]:
    """The flagged patients (site, patient id) held out this week: ``round(share × n)`` chosen at random by ``seed``."""
    if not LOWEST_SHARE <= share <= HIGHEST_SHARE:
        raise ValueError(f"the share held out must be between {LOWEST_SHARE:.0%} and {HIGHEST_SHARE:.0%}")
    ordered = sorted(set(flagged))
    chosen = np.random.default_rng(seed).choice(len(ordered), size=round(share * len(ordered)), replace=False)
    return frozenset(ordered[i] for i in chosen)


FAIR_TEST_COLUMN = "fair_test"


def mark_held_out(table: pd.DataFrame, held_out: frozenset[PatientKey]) -> pd.DataFrame:
    """``table`` (a ranked table: patient_id, site_id, flagged, contact, contact_cost) with held-out patients
    marked: a "fair_test" column after "flagged" and, in place of their contact, the words not to call (at no cost)."""
    held = in_keys(table, held_out)
    marked = table.copy()
    where = marked.columns.get_loc("flagged") + 1 if "flagged" in marked else len(marked.columns)
    marked.insert(where, FAIR_TEST_COLUMN, np.where(held, HELD_OUT_WORDS, ""))
    if "contact" in marked:
        marked["contact"] = marked["contact"].astype(object).where(~held, HELD_OUT_WORDS)
    if "contact_cost" in marked:
        marked["contact_cost"] = marked["contact_cost"].where(~held, 0.0)
    return marked
