"""The team's saved settings: what a new session starts with, and the sidebar block that saves and restores them.

A manager saves the settings in force as the team's; every new session then starts from them, unless the
page's address carries a tab's own (a refresh keeps what that tab had). The sidebar says who saved them
and when, which settings in force differ, and offers to go back to the team's. The saved settings are read
once per session; if the database cannot be reached, the product's defaults are used and a warning says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from app import state
from app.access.identity import allowed, current_person
from app.records import TEAM_SETTING_LABELS, TeamRecord
from app.services import audit_trail, store_access, url_settings
from app.text import plain
from app.views import controls
from core import decision_settings as setting_sources
from core.decisions.policy import SINGLE
from core.formatting import dollars, percent
from core.model.bundle import ModelBundle
from core.outreach.holdout import WHAT_IT_MEANS
from core.store import Store
from core.trust.roles import SAVE_SETTINGS

HISTORY_SHOWN = 10
LOAD_INSTEAD = "The team's saved settings could not be loaded, so the product's defaults are in use."
SAVE_INSTEAD = "The team's settings were not saved."
SAVE_BUTTON = "Save these as the team's settings"
RESTORE_BUTTON = "Go back to the team's settings"
LABELS = TEAM_SETTING_LABELS
FAIR_TEST_BUTTON = "Save the fair test for the team"
FAIR_LOW = round(setting_sources.LOWEST_HOLDOUT_SHARE * 100)
FAIR_HIGH = round(setting_sources.HIGHEST_HOLDOUT_SHARE * 100)


def _read(store: Store) -> TeamRecord:
    history = store.settings.history()
    return TeamRecord(store.settings.latest(), history[history["key"].isin(list(LABELS))].head(HISTORY_SHOWN))


def loaded() -> TeamRecord | None:
    """The team's saved settings, read once per session; None when the database could not be read."""
    kept = state.team_saved()
    if kept is None:
        found = store_access.attempt(_read, LOAD_INSTEAD)
        kept = state.TEAM_UNAVAILABLE if found is None else found
        state.set_team_saved(kept)
    return kept if isinstance(kept, TeamRecord) else None


def start_session(bundle: ModelBundle) -> None:
    """Put the settings in force for a new session: the page's address, else the team's saved ones, else defaults."""
    record = loaded()
    resolved = state.init_session(bundle, url_settings.from_address(), record.raw() if record else None)
    if resolved is not None:
        state.set_team_resolution(resolved)


def shown_value(name: str, value: Any) -> str:
    """A setting's value as the sidebar says it."""
    if name == setting_sources.HOLDOUT_SHARE:
        share = setting_sources.holdout_share({name: value})
        return "off" if share is None else f"{percent(share)} held out"
    if name in ("threshold", "effectiveness"):
        return percent(float(value))
    if name in ("contact_cost", "dropout_cost"):
        return dollars(float(value))
    if name == "capacity":
        return "no limit" if value is None else f"{int(value):,} patients"
    if name == "plan":
        return "one contact each" if value == SINGLE else "tiered by risk band"
    return plain(value)


def _saved_value(name: str, value: Any) -> str:
    """A stored value as the history shows it; one that does not pass the checks is not trusted to format."""
    if name == setting_sources.HOLDOUT_SHARE:
        return shown_value(name, value)
    good, _ = setting_sources.checked({name: value})
    return shown_value(name, good[name]) if name in good else "(not a valid value)"


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _save(model_version: str) -> None:
    """Store the settings in force as the team's, with who did it, and record it in the audit trail."""
    record = loaded()
    if record is None or not allowed(SAVE_SETTINGS):
        return
    who = current_person().name
    values = setting_sources.to_save(state.settings_by_name(), record.raw(), model_version)
    if not values:
        st.toast("The settings in force are already the team's: nothing to save.")
        return

    def save(store: Store) -> TeamRecord:
        store.settings.save(values, changed_by=who)
        return _read(store)

    fresh = store_access.attempt(save, SAVE_INSTEAD)
    if fresh is None:
        return
    state.set_team_saved(fresh)
    state.confirm_costs()
    audit_trail.record("team_settings_saved", by=who, changed=",".join(k for k in values if k in LABELS))


def _restore(values: dict[str, Any]) -> None:
    """Put the team's settings back in force (the Thresholds page's capacity controls redraw from them)."""
    state.apply_settings_by_name(values)
    # The Thresholds page's capacity controls hold their own choice; forgotten, they redraw from the team's.
    state.forget_widgets(*controls._capacity_keys("thresholds"))


def _differences(team: setting_sources.TeamValues) -> list[str]:
    in_force = state.settings_by_name()
    return [
        f"{LABELS[name]} {shown_value(name, in_force[name])} (team: {shown_value(name, team.values[name])})"
        for name in setting_sources.differences(in_force, team.values)
    ]


def _history(record: TeamRecord) -> None:
    with st.expander("Recent changes"):
        if record.history.empty:
            st.caption("No changes saved yet.")
            return
        rows = record.history
        table = pd.DataFrame(
            {
                "What": [
                    f"{LABELS[k].capitalize()}: {_saved_value(k, v)}"
                    for k, v in zip(rows["key"], rows["value"], strict=True)
                ],
                "Who": rows["changed_by"].astype(str),
                "When": [_when(moment) for moment in rows["changed_at"]],
            }
        )
        st.dataframe(table, hide_index=True)


def render(bundle: ModelBundle) -> None:
    """The sidebar's Team settings block (drawn inside the sidebar)."""
    st.markdown("#### Team settings")
    record = loaded()
    if record is None:
        st.caption("The team's saved settings could not be loaded (the database cannot be reached).")
        return
    team = setting_sources.team_values(record.raw(), bundle.version)
    last = record.last_change()
    if last is None:
        st.caption("Not saved yet: the product's defaults.")
    else:
        st.caption(f"Saved by **{plain(last.changed_by)}** on {_when(last.changed_at)}.")
    if team.threshold_model:
        st.caption(
            f"The team's threshold was saved for model version {plain(team.threshold_model)}, not the one in use "
            f"({plain(bundle.version)}): this model's suggested threshold ({percent(bundle.default_threshold)}) "
            "applies until a manager saves one for it."
        )
    if team.ignored:
        st.caption("Saved values not used (not valid): " + ", ".join(LABELS.get(n, n) for n in team.ignored) + ".")
    # The buttons stay on screen even when nothing differs: the Thresholds page changes the settings in a
    # fragment, which does not redraw the sidebar, so its captions can lag behind; the buttons act on the present.
    differ = _differences(team)
    if differ:
        st.caption("Here, not the team's: " + "; ".join(differ) + ".")
    elif last is not None:
        st.caption("The settings in force are the team's.")
    if team.values:
        st.button(RESTORE_BUTTON, key="team_settings_restore", on_click=_restore, args=(team.values,))
    if allowed(SAVE_SETTINGS):
        st.button(SAVE_BUTTON, key="team_settings_save", on_click=_save, args=(bundle.version,))
    else:
        st.caption("Only a manager can save the team's settings.")
    _fair_test(record)
    _history(record)


def _save_fair_test() -> None:
    """Switch the fair test on (at the share chosen) or off for the whole team; managers only, audited."""
    record = loaded()
    if record is None or not allowed(
        SAVE_SETTINGS
    ):  # a coordinator never sees the controls; a forged click does nothing
        return
    on, percent_held = state.fair_test_choice()
    share = percent_held / 100 if on else 0.0
    if on and setting_sources.holdout_share({setting_sources.HOLDOUT_SHARE: share}) is None:
        st.toast(f"Choose a share between {FAIR_LOW}% and {FAIR_HIGH}%: nothing was saved.")
        return
    who = current_person().name

    def save(store: Store) -> TeamRecord:
        store.settings.save({setting_sources.HOLDOUT_SHARE: share}, changed_by=who)
        return _read(store)

    fresh = store_access.attempt(save, SAVE_INSTEAD)
    if fresh is not None:
        state.set_team_saved(fresh)
        audit_trail.record("fair_test_saved", by=who, share=share)


def _fair_test(record: TeamRecord) -> None:
    """The fair test's switch (a manager's) and what it does, in plain words."""
    share = setting_sources.holdout_share(record.raw())
    with st.expander("Fair test of calls: " + ("on" if share is not None else "off")):
        st.caption(WHAT_IT_MEANS)
        if not allowed(SAVE_SETTINGS):
            now = f"on: {percent(share)} of each week's flagged patients are held out" if share else "off"
            st.caption(f"The fair test is {now}. Only a manager can switch it on or off.")
            return
        st.toggle(
            "Hold out a random share of each week's flagged patients", value=share is not None, key=state.FAIR_TEST_ON
        )
        st.number_input(
            "Share held out (%)",
            min_value=FAIR_LOW,
            max_value=FAIR_HIGH,
            value=round((share or setting_sources.DEFAULT_HOLDOUT_SHARE) * 100),
            step=1,
            key=state.FAIR_TEST_PERCENT,
        )
        st.button(FAIR_TEST_BUTTON, key="fair_test_save", on_click=_save_fair_test)
