"""The fair test on the pages: the Cohort page's note on this week's held-out patients, and the Thresholds page's
randomised estimate of the effect of calls beside the observational one (``core.outreach.holdout_effect``)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from app.records import Week
from app.services import measured_effect, store_access
from core.formatting import count
from core.outreach.holdout import WHAT_IT_MEANS
from core.outreach.holdout_effect import TARGET_HALF_WIDTH, RandomisedEstimate
from core.scoring.cohort import ScoredCohort, in_keys


def held_mask(cohort: ScoredCohort, week: Week | None) -> np.ndarray:
    """Which of the cohort's patients this week's fair test holds out (none without a draw or a database)."""
    if week is None or not week.held_out:
        return np.zeros(len(cohort.scored), dtype=bool)
    return in_keys(cohort.scored, week.held_out)


def cohort_note(week: Week | None, held: np.ndarray) -> None:
    """What holding out means for this week's held-out patients, said before the table that marks them."""
    if week is None or week.holdout_share is None:
        return
    st.info(
        f"**Fair test this week: {count(int(held.sum()))} flagged patients are held out** "
        f'({week.holdout_share:.0%} of the flagged, drawn at random). They are marked "Held out this week (fair '
        f'test): do not call" in the table and the call list, and left off the list of contacts to record. '
        f"{WHAT_IT_MEANS}",
        icon=":material/science:",
    )


def _weeks_words(estimate: RandomisedEstimate) -> str:
    more = estimate.weeks_to_narrow(TARGET_HALF_WIDTH)
    points = round(TARGET_HALF_WIDTH * 100)
    if more is None:
        return ""
    if more == 0:
        return f" The range is already within ±{points} points."
    years = f" (about {more / 52:.0f} years)" if more >= 104 else ""
    return (
        f" At the present weekly numbers, about {count(more)} more weeks{years} of fair tests with known outcomes "
        f"would narrow the range to ±{points} points; holding out a larger share narrows it sooner."
    )


def estimate_section() -> None:
    """The fair test's measured effect of calls, beside the observational figure on the Thresholds page."""
    estimate = store_access.attempt(measured_effect.fair_test, measured_effect.INSTEAD)
    if estimate is None:
        return
    st.markdown("##### The fair test (random hold-out)")
    if not estimate.measured:
        st.caption(str(estimate.refusal))
        return
    low, high = (round(v * 100) for v in estimate.interval)
    st.markdown(
        f"Comparing called patients with patients held out at random the same week: calls kept about "
        f"**{estimate.effectiveness:.0%}** of would-be dropouts in the trial (likely between {low}% and {high}%)."
        + _weeks_words(estimate)
    )
    st.caption(
        f"Based on {count(estimate.held_out_patients)} held-out patients and {count(estimate.called_flags)} calls "
        f"to listed patients over {count(estimate.weeks)} weeks with known outcomes. Chance alone decided who was "
        "held out, so unlike the figure above this one needs no assumption about whom coordinators chose to call."
        + (
            f" {count(estimate.held_out_called_flags)} held-out patients were called anyway: the comparison allows "
            "for it, but keep the held-out list off the phones."
            if estimate.held_out_called_flags
            else ""
        )
    )
