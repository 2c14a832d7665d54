"""The sidebar every page shares: which model is in use, the settings in force and the team's saved settings."""

from __future__ import annotations

import streamlit as st

from app import state
from app.views import team_settings
from core.decisions.policy import SINGLE
from core.formatting import dollars, percent
from core.model import card_words
from core.model.bundle import ModelBundle


def render(bundle: ModelBundle, show_settings: bool = True) -> None:
    """Model identity and, unless the page edits them live, the settings in force."""
    card = bundle.card
    with st.sidebar:
        st.markdown("#### Model in use")
        st.markdown(
            f"Version `{bundle.version}`  \n"
            f"Trained {card['created_at'][:10]} on {card_words.trained_on(card)}  \n"
            f"Ranking quality (ROC AUC), {'cross-validated' if card_words.is_cross_validated(card) else 'on unseen sites'}: "
            f"**{card_words.headline_auc(card)}**"
        )
        if bundle.synthetic:
            st.caption("Trained on synthetic data: its figures describe that data, not your trial.")
        st.markdown("#### Settings in force")
        if show_settings:
            _settings_in_force()
        else:
            st.caption("You are changing them on this page.")
        team_settings.render(bundle)


def _settings_in_force() -> None:
    """The threshold, costs, capacity and plan in force, and which of them the deployment set."""
    policy = state.policy()
    costs = policy.costs
    st.markdown(
        f"Decision threshold: **{percent(policy.threshold)}**  \n"
        f"Contact {dollars(costs.intervention_cost)} · dropout {dollars(costs.dropout_cost)}"
        + (" (example figures)" if state.costs_are_examples() else "")
        + f"  \nContact effectiveness {percent(costs.effectiveness)}  \n"
        f"Staff capacity: {'no limit' if policy.capacity is None else f'{policy.capacity:,} patients'}  \n"
        f"Plan: {'one contact per flagged patient' if policy.plan == SINGLE else 'tiered by risk band'}"
    )
    st.caption(
        "Flagged: at or above the threshold and, under a staff capacity, among the highest-risk patients. "
        "The same on every page and in every export."
    )
    overridden = state.settings().overridden
    if overridden:
        st.caption(
            "Set by this deployment: "
            + "; ".join(f"{s.name.replace('_', ' ')} = {s.value} ({s.source})" for s in overridden)
        )
    else:
        st.caption("All defaults are the product's own; a deployment can change them (see README, Deploying).")
