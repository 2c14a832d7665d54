"""The Train page's sections: choose a history, train it, read the results, choose the version in use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.access.identity import allowed, refusal_for, require
from app.figures import training as charts
from app.records import TrainingOutcome
from app.services import training_run
from app.text import plain
from app.views import model as model_views
from app.views import time_to_dropout as time_views
from app.views import train_outcome
from core.formatting import interval
from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.reader import history_files
from core.history.sdtm import CDISC_PILOT_DIR
from core.history.trial_history import TrialHistory
from core.history.validation import AmbiguousDatesError
from core.model import card_words
from core.model.registry import Version
from core.reading.errors import SchemaError
from core.training import trial_evaluation
from core.training.time_family import TIME
from core.trust.roles import PROMOTE, TRAIN

UPLOAD = "Upload the trial's history"
DEMO = "The real demo trial (CDISC Pilot 01)"


def chosen_files() -> tuple[str, dict[str, bytes]] | None:
    """The history files the user picked, and a name for them; None until there are some."""
    source = st.radio("Train on", [UPLOAD, DEMO], key="train_source", horizontal=True)
    if source == DEMO:
        return "CDISC Pilot 01", history_files(CDISC_PILOT_DIR)
    uploads = st.file_uploader(
        "The trial's history: subjects, visits and adverse events (several files or one workbook), or SDTM domains",
        type=["csv", "txt", "tsv", "xlsx", "xpt"],
        accept_multiple_files=True,
        key="train_upload",
    )
    if not uploads:
        return None
    files = {upload.name: upload.getvalue() for upload in uploads}
    return (", ".join(files) if len(files) <= 3 else f"{len(files)} files"), files


def read_history(label: str, files: dict[str, bytes]) -> TrialHistory | None:
    """The history read, asking the order of day and month when the dates allow both; None with a message."""
    day_first = None
    for _ in range(2):
        try:
            history = training_run.read(files, day_first)
        except AmbiguousDatesError as exc:
            st.warning(plain(str(exc)), icon=":material/calendar_month:")
            choice = st.radio(
                "These files write dates",
                ["day first (31/12/2024)", "month first (12/31/2024)"],
                index=None,
                key="train_day_first",
                horizontal=True,
            )
            if choice is None:
                return None
            day_first = choice.startswith("day")
            continue
        except SchemaError as exc:
            st.error(f"{plain(label)} could not be read as a trial history: {plain(str(exc))}")
            return None
        with st.expander(f"How {plain(label)} was read"):
            st.markdown("\n".join(f"- {plain(line)}" for line in history.report.summary()))
        return history
    return None


def train_section(
    history: TrialHistory, label: str, files: dict[str, bytes], outcome: OutcomeDefinition = DEFAULT_OUTCOME
) -> None:
    trial = st.text_input("Trial name (it goes on the model card)", value=label, key="train_trial_name", max_chars=80)
    if not require(TRAIN):
        return
    if state.pop_training_interrupted():
        st.info("Training stopped before it finished. Nothing was saved and the model in use is unchanged.")
    if st.button("Train", type="primary", key="train_start"):
        state.set_training_running(True)  # still set on the next run only if this one was interrupted
        stop = st.empty()  # emptied when training ends: a stop button after the end would mislead
        stop.button("Stop training", key="train_stop", help="Stops at once; nothing is saved, nothing changes")
        result = training_run.run(history, files, trial.strip() or label, outcome)
        stop.empty()
        state.set_training_running(False)
        state.set_training(result)


def _outcome_versions(outcome: TrainingOutcome) -> dict[str, Version]:
    by_name = {v.name: v for v in state.registry().versions()}
    return {family: by_name[name] for family, name in outcome.versions.items() if name in by_name}


def results_section(outcome: TrainingOutcome) -> None:
    """The figures of the last training, the recommendation, and the choice of version."""
    if outcome.refused:
        st.warning(plain(outcome.refused), icon=":material/block:")
        return
    for warning in outcome.warnings:
        st.warning(plain(warning))
    versions = _outcome_versions(outcome)
    if not versions or outcome.recommended not in versions:
        return
    card = versions[outcome.recommended].card
    st.subheader(f"Results on {plain(outcome.trial)}")
    st.markdown(
        f"Every figure is for patients the models did not learn from ({card_words.measured_on(card)}), at one "
        "moment: each landmark day's figure (the patients in front of the team that day, as a weekly list ranks "
        f"them), then their mean. Brackets: 95% intervals from resampling whole {_unit(card)}."
    )
    train_outcome.outcome_results(card)
    st.table(_comparison_table(card).set_index("Model"))
    st.markdown("\n".join(f"- {line}" for line in _in_words(card)))
    by_day = model_views.landmark_table(card)
    if by_day is not None:
        st.markdown("**By landmark day** (a week's list is one such day):")
        st.plotly_chart(charts.landmark_figure(card_words.by_landmark(card)), key="train_landmarks")
    pooled = card_words.pooled_words(card)
    if pooled:
        st.caption(plain(pooled))
    if TIME in versions:  # the time-to-dropout version's own figures: how well it predicts when
        time_views.horizon_section(versions[TIME].card, "train")
    _choice(outcome, versions, card.get("recommendation", {}))


def _unit(card: dict) -> str:
    return "sites" if card.get("evaluation", {}).get("grouped_by") == "site" else "patients"


def _comparison_table(card: dict) -> pd.DataFrame:
    rows = []
    for entry in card.get("comparison", {}).values():
        figures = entry.get("summary")
        row = {"Model": entry["label"]}
        for label, key, _ in model_views.MEASURES:
            row[label] = interval(figures[key]) if figures else "–"
        if not figures and entry.get("left_out"):
            row[model_views.MEASURES[0][0]] = f"not compared: {entry['left_out']}"
        rows.append(row)
    return pd.DataFrame(rows)


def _in_words(card: dict) -> list[str]:
    lines = [card["recommendation"]["words"]]
    differences = card.get("differences", {})
    own = card["model_kind"]
    for other, name in (("baseline", "the simple baseline"), ("model_in_use", "the model in use before")):
        key = f"{own}_minus_{other}"
        if key in differences:
            words = f"The {model_views.family_words(own)} model"
            lines.append(trial_evaluation.difference_in_words(words, name, differences[key]))
    curve = card.get("learning_curve") or {}
    if curve:
        half, full = curve["half_of_the_patients"]["roc_auc"], curve["all_patients"]["roc_auc"]
        more = (
            "more patients would likely help"
            if full["value"] - half["value"] > 0.02
            else "more patients of the same kind would likely add little"
        )
        lines.append(
            f"Learning curve: with half the patients the recommended model reaches {half['value']:.2f}, with all of "
            f"them {full['value']:.2f}: {more}."
        )
    return lines


def _choice(outcome: TrainingOutcome, versions: dict[str, Version], recommendation: dict) -> None:
    st.markdown("**Which version should score your patients?** Nothing changes until you choose.")
    keep = bool(recommendation.get("keep_in_use"))
    if keep:
        st.info(plain(recommendation.get("words", "")), icon=":material/verified:")
    if not allowed(PROMOTE):
        st.info(refusal_for(PROMOTE))
        return
    columns = st.columns(len(versions))
    for column, (family, version) in zip(columns, versions.items(), strict=True):
        tag = " (recommended)" if family == outcome.recommended and not keep else ""
        disabled = version.in_use
        label = f"Use the {model_views.family_words(family)} version{tag}"
        if column.button(label, key=f"promote_{family}", disabled=disabled):
            training_run.promote(version.name)
            st.rerun()
        column.caption(f"`{version.name}`" + (" (in use)" if version.in_use else ""))
        against = card_words.against_in_use(version.card)
        if against:
            column.caption(plain(against))
