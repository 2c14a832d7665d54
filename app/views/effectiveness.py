"""Does outreach work? The measured effect of contacts, in plain words, and a button to use it in the cost model.

The page that draws this section passes the estimate (``core.outreach.effectiveness``), the figure the
cost model uses now, a function that sets a new one, and whether the person may change the costs. The
user's figure is never replaced without them pressing the button.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from app.text import plain
from core.formatting import count
from core.outreach.effectiveness import EffectEstimate

APPLY_KEY = "effectiveness_apply"
CAVEAT = (
    "This is an observation, not an experiment: nobody chose at random whom to call. Patients are compared "
    "with others flagged the same week at a similar risk, but contacted patients may still differ in ways the "
    "risk score does not see (a coordinator who knows the patient, a site with more staff), so read the figure "
    "as a guide, not a proof."
)


def whole_percent(share: float) -> int:
    """A share 0-1 as a whole percentage (the figure the button offers)."""
    return int(round(share * 100))


def _sizes(estimate: EffectEstimate) -> str:
    text = (
        f"Based on {count(estimate.contacted_patients)} flagged patients who were contacted "
        f"({count(estimate.contacted_flags)} times flagged) and {count(estimate.not_contacted_patients)} who "
        f"were not contacted after a flag ({count(estimate.not_contacted_flags)} times flagged), whose outcome "
        "is known."
    )
    if estimate.unknown_outcome_flags:
        text += f" {count(estimate.unknown_outcome_flags)} flags are left out: the outcome is not known yet."
    if estimate.outside_overlap_flags:
        text += (
            f" {count(estimate.outside_overlap_flags)} contacted flags are left out: nobody flagged the same week "
            "at a similar risk went without a call, so there is nothing to compare them with."
        )
    return text


def _headline(estimate: EffectEstimate) -> None:
    low, high = (whole_percent(v) for v in estimate.interval)
    figure = whole_percent(estimate.effectiveness)
    per_hundred = estimate.difference * 100
    d_low, d_high = (v * 100 for v in estimate.difference_interval)
    if estimate.effectiveness >= 0:
        st.markdown(
            f"Of the flagged patients who would have dropped out, contacting them kept about **{figure}%** in "
            f"the trial (likely between {low}% and {high}%)."
        )
        st.markdown(
            f"Put another way: for every 100 flagged patients contacted, about {per_hundred:.0f} fewer dropped "
            f"out than comparable patients who were not contacted (likely between {d_low:.0f} and {d_high:.0f})."
        )
    else:
        st.markdown(
            f"Contacted patients dropped out **{-figure}% more often** than comparable patients who were not "
            f"contacted (the likely range of the effect runs from {low}% to {high}%)."
        )
    if not estimate.measurable:
        st.warning(
            "**No measurable effect.** The likely range includes no effect at all, so the record cannot show that "
            "contacts kept patients in the trial. Keep your own figure for now; the measurement sharpens as "
            "more contacts and outcomes are recorded.",
            icon=":material/help:",
        )


def _window(estimate: EffectEstimate) -> str:
    if estimate.window_days is None:
        return "soon after the flag"
    return f"within {estimate.window_days} days of the flag"


def _workings(estimate: EffectEstimate) -> None:
    with st.expander("How this is worked out"):
        st.markdown(
            "Coordinators call the riskiest patients first, so contacted patients would drop out more often even "
            "if calls did nothing. Each contacted flag is therefore compared with patients flagged the **same "
            "week** at a **similar risk** who were not contacted. A contact counts when it was attempted (no "
            f"answer included) {_window(estimate)} and before the patient's next scoring."
        )
        table = pd.DataFrame(
            {
                "Risk at the flag": [f"{g.low:.0%} to {g.high:.0%}" for g in estimate.groups],
                "Contacted": [g.contacted for g in estimate.groups],
                "Contacted, dropped out": [g.contacted_dropouts for g in estimate.groups],
                "Not contacted": [g.not_contacted for g in estimate.groups],
                "Not contacted, dropped out": [g.not_contacted_dropouts for g in estimate.groups],
            }
        )
        st.dataframe(table, hide_index=True)
        if estimate.measured and estimate.naive_effectiveness == estimate.naive_effectiveness:  # not NaN
            st.caption(
                f"Without this adjustment (all contacted against all not contacted) the figure would be "
                f"{whole_percent(estimate.naive_effectiveness)}%: that comparison mixes up who was called "
                "with what the call did."
            )


def effectiveness_section(
    estimate: EffectEstimate, current_effectiveness: float, apply: Callable[[float], None], may_apply: bool
) -> None:
    """Draw the measured effect of outreach and offer it to the cost model (only through the button)."""
    st.subheader("Does outreach work?")
    if not estimate.measured:
        st.info(plain(estimate.refusal), icon=":material/hourglass_empty:")
        st.caption(f"The cost model keeps your figure: contacts {whole_percent(current_effectiveness)}% effective.")
        return
    _headline(estimate)
    st.caption(_sizes(estimate))
    st.caption(CAVEAT)
    _workings(estimate)
    current = whole_percent(current_effectiveness)
    if not estimate.measurable:
        st.caption(f"The cost model keeps your figure: contacts {current}% effective.")
        return
    offered = min(max(whole_percent(estimate.effectiveness), 0), 100)
    st.caption(f"The cost model now assumes contacts are {current}% effective.")
    if offered == current:
        st.caption("That is already the measured figure.")
        return
    st.button(
        f"Use {offered}% in the cost model",
        key=APPLY_KEY,
        on_click=apply,
        args=(offered / 100,),
        disabled=not may_apply,
        help=None if may_apply else "Your role may not change the cost settings: ask a manager.",
    )
