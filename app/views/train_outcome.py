"""The Train page's outcome definition: which endings count as dropout, with the patients behind each reason."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.text import plain
from core.history.endings import ANY_DISCONTINUATION, DEFAULT_OUTCOME, OutcomeDefinition, reason_counts
from core.history.trial_history import TrialHistory
from core.model import card_words

CHOICES = {
    "Dropouts a retention call can address (withdrawal, lost to follow-up, non-compliance)": DEFAULT_OUTCOME,
    "Any discontinuation, whatever the reason": ANY_DISCONTINUATION,
}
KIND_WORDS = {
    "retention dropout": "dropout a call can address",
    "other ending": "another ending (adverse event, death, a decision about the patient)",
    "completed": "completed",
}


def reason_table(rows: list[dict], training: bool = False) -> pd.DataFrame:
    """Patients per reason for ending, what kind of ending it is, and whether it counts as dropout."""
    table = pd.DataFrame(
        {
            "Reason for ending": [row["reason"] for row in rows],
            "Patients": [f"{row['patients']:,}" for row in rows],
            "Kind of ending": [KIND_WORDS.get(row["kind"], row["kind"]) for row in rows],
            "Counts as dropout": ["yes" if row["counts_as_dropout"] else "no" for row in rows],
        }
    )
    if training:
        table.insert(2, "Of them in training", [f"{row.get('training_patients', 0):,}" for row in rows])
    return table.set_index("Reason for ending")


def outcome_choice(history: TrialHistory) -> OutcomeDefinition:
    """The user's choice of what counts as dropout, with this history's patients per reason under it."""
    choice = st.radio("What counts as dropout", list(CHOICES), key="train_outcome")
    definition = CHOICES[str(choice)]
    st.caption(plain(definition.words[0].upper() + definition.words[1:] + "."))
    rows = reason_counts(history.subjects, definition)
    if rows:
        st.markdown("**How the patients of this history ended**, by the reason the export gives:")
        st.table(reason_table(rows))
    return definition


def outcome_results(card: dict) -> None:
    """The trained version's outcome definition and the patients per reason it was trained with."""
    words = card_words.outcome_words(card)
    if not words:
        return
    st.markdown(plain(words))
    rows = card.get("outcome", {}).get("by_reason", [])
    if rows:
        st.table(reason_table(rows, training=True))
