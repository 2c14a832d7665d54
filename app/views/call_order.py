"""The Cohort page's "Order the call list by" (a time-to-dropout model only) and the chance-within-N-weeks columns
of its tables, shown as percentages with one line of help each."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from core.model.bundle import ModelBundle
from core.model.time_model import HORIZONS, horizon_column
from core.scoring.call_order import BY_END, order_choices
from core.scoring.cohort import ScoredCohort

ORDER_KEY = "call_list_order"
ORDER_HELP = (
    "A time-to-dropout model also gives each patient's chance of leaving within the next 4, 8 or 12 weeks. Ordering "
    "by one of them puts first the patients likely to leave soonest, for a team that can reach only the most urgent "
    "this month."
)
SAME_FLAGS = (
    "Only the order of the list changes: who is flagged (the threshold and staff capacity read the chance of dropping "
    "out before the end of the trial), each patient's contact and its cost stay the same."
)


def chance_help(weeks: int) -> str:
    return (
        f"The model's chance (0-100%) that the patient drops out within the next {weeks} weeks; the chance of dropping "
        "out covers the whole time left to the planned end of the trial."
    )


# Every chance a table may show as a percentage (the scores are 0-1; the tables show them times 100).
CHANCE_COLUMNS = {
    horizon_column(w): st.column_config.NumberColumn(f"Chance within {w} weeks", format="%.1f%%", help=chance_help(w))
    for w in HORIZONS
}


def order_choice(bundle: ModelBundle, cohort: ScoredCohort) -> str:
    """The scored column the lists are ordered by: the chance before the end, unless the user picks a horizon of a
    time-to-dropout model in use (nothing is drawn for a landmark model, or a list scored without the horizons)."""
    choices = {c: words for c, words in order_choices(bundle).items() if c in cohort.scored}
    if len(choices) == 1:
        return BY_END
    if state.widget_value(ORDER_KEY) not in choices:  # left from another model in use
        state.set_widget_value(ORDER_KEY, BY_END)
    picked = st.selectbox(
        "Order the call list by",
        list(choices),
        format_func=lambda column: choices[column][0].upper() + choices[column][1:],
        key=ORDER_KEY,
        help=ORDER_HELP,
    )
    st.caption(SAME_FLAGS)
    return str(picked)


def in_percent(table: pd.DataFrame) -> pd.DataFrame:
    """The chance columns times 100, as the tables' percentage formats read them."""
    chances = [c for c in table.columns if c == "probability" or c in CHANCE_COLUMNS]
    return table.assign(**{c: table[c] * 100 for c in chances})
