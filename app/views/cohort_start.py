"""What the Cohort page opens with: the trial switcher, which week is open, the threshold it starts at and the
headline figures (flagged, capacity used, the program's cost against none), above the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app import state
from app.services import store_access
from app.text import plain
from app.views.call_order import in_percent
from core.decisions.policy import SINGLE
from core.formatting import dollars
from core.model import card_words
from core.model.bundle import ModelBundle
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.scoring.call_order import BY_END, order_choices
from core.scoring.cohort import ScoredCohort, ranked_table
from core.store import Store

SWITCHER = "cohort_trial_switch"


def _trials(store: Store) -> list[str]:
    frame = store.uploads.trials()
    return [str(t) for t in frame["trial"].tolist() if t is not None and not pd.isna(t)]


def _switched() -> None:
    chosen = state.widget_value(SWITCHER)
    if chosen and chosen != state.open_trial():
        state.set_trial_request(str(chosen))


def trial_switcher() -> None:
    """A choice of the trials the store holds: says which is open and reopens another's latest week."""
    trials = store_access.attempt(_trials, "The trials in the store could not be listed.") or []
    if not trials:
        return
    current = state.open_trial()
    options = trials if current in trials or current is None else [current, *trials]
    state.set_widget_value(SWITCHER, current if current in options else None)
    st.selectbox(
        "Open trial",
        options,
        key=SWITCHER,
        on_change=_switched,
        placeholder="Choose a trial to open its latest week",
        help="The trials with weeks in the store. Choosing one opens its latest scored week.",
    )


def reopened_note(cohort: ScoredCohort) -> None:
    """Say which week is on screen when it came back from the store."""
    reopened = state.reopened()
    if reopened is None or reopened[0] != cohort.sha256:
        return
    _, trial, day = reopened
    st.info(
        f"Week of {day} for {plain(trial or 'the unnamed trial')}, reopened from the store "
        "and rescored under the model in use.",
        icon=":material/history:",
    )


def threshold_words(best: float) -> str:
    """The threshold in force, said as the lowest-cost one when it is."""
    policy = state.policy()
    threshold = policy.threshold
    if not np.isclose(threshold, best):
        return (
            f"Threshold {threshold:.2f}, as set. The lowest expected cost for this cohort under these costs would "
            f"be at {best:.2f}."
        )
    costs = policy.costs
    priced = (
        f"{dollars(costs.intervention_cost)} a contact"
        if policy.plan == SINGLE
        else "each risk band's price for its action"
    )
    within = "" if policy.capacity is None else f", within the staff capacity of {policy.capacity:,}"
    examples = " (example figures until you set your own)" if state.costs_are_examples() else ""
    return (
        f"Threshold {threshold:.2f}: the lowest expected cost for this cohort at {priced} and "
        f"{dollars(costs.dropout_cost)} a dropout{examples}{within}."
    )


def headline(cohort: ScoredCohort, flagged: np.ndarray, best: float) -> None:
    """The threshold in words, then flagged, capacity used and the program's cost against none."""
    policy = state.policy()
    st.markdown(threshold_words(best))
    curves = policy.curves(cohort.probability)
    chosen = curves.at(policy.threshold, policy.costs, policy.capacity)
    none = curves.no_program(policy.costs)
    n_flagged = int(np.count_nonzero(flagged))
    a, b, c, d = st.columns(4)
    a.metric("Flagged", f"{n_flagged:,} of {len(flagged):,}")
    b.metric(
        "Capacity used",
        "no limit set" if policy.capacity is None else f"{n_flagged:,} of {policy.capacity:,}",
    )
    c.metric(
        "Cost with the program",
        dollars(round(chosen.total_cost)),  # expected costs: whole dollars, both alike (cents would be noise)
        help="Expected: the contacts' price plus the dropouts expected despite them.",
    )
    d.metric(
        "Cost with no program",
        dollars(round(none.total_cost)),
        help="Expected: nobody contacted, every expected dropout (the sum of the chances) is lost.",
    )


TOP_OF_LIST = 5  # the first calls, shown on the first screen; the full list is below
TOP_COLUMNS = (ID_COLUMN, SITE_COLUMN, "probability", "risk_band", "contact", "reason_1")


def top_of_call_list(
    cohort: ScoredCohort, flagged: np.ndarray, bundle: ModelBundle, columns: dict, order_by: str = BY_END
) -> None:
    """Who to call first: the first flagged patients as the full table below orders them (highest risk first, or by
    the chance within N weeks chosen: ``order_by``)."""
    if not flagged.any():
        st.caption("Nobody is flagged at this threshold: there is no one to call this week.")
        return
    table = ranked_table(cohort, flagged, flagged, state.policy(), bundle, limit=TOP_OF_LIST, order_by=order_by)
    first = min(TOP_OF_LIST, int(flagged.sum()))
    if order_by == BY_END:
        st.markdown(f"**Call first** (the {first} highest-risk flagged patients)")
    else:
        words = order_choices(bundle)[order_by]
        st.markdown(f"**Call first** (the {first} flagged patients with the highest {words})")
    order = [*TOP_COLUMNS[:3], order_by, *TOP_COLUMNS[3:]]
    st.dataframe(
        in_percent(table),
        hide_index=True,
        column_config=columns,
        column_order=list(dict.fromkeys(c for c in order if c in table)),
        key="call_first",
    )


def train_pointer(bundle: ModelBundle) -> None:
    """After a real trial's history opens under a model not trained on it: where to train one that is."""
    trial = state.open_trial()
    if state.history() is None or card_words.origin_words(bundle.card).endswith(f"the trial {trial}"):
        return
    st.info(
        f"This is a real trial, and the model in use did not learn from it ({card_words.origin_words(bundle.card)}): "
        "it may rank these patients little better than chance. Train a model on this trial's own history on the "
        "Train page; it is compared there with the model in use before anything changes.",
        icon=":material/model_training:",
    )
    from app import navigation  # here, not at the top: importing it builds the pages, which needs a running app

    st.page_link(navigation.TRAIN, label="Train a model on this trial", icon=":material/model_training:")
