"""Curves on a labelled cohort's outcomes (Thresholds page) and the week's report from the Cohort page."""

from __future__ import annotations

import io
import json

import pandas as pd
from sklearn.metrics import roc_auc_score

from app import state
from app.services import threshold_data
from core.decisions.bands import FACTORY_BANDS
from core.decisions.policy import Policy
from core.paths import DEMO_COHORT_PATH, HOLDOUT_PATH
from core.scoring.cohort import score_upload
from tests.app.conftest import open_page


def _labelled(bundle, n: int = 600):
    holdout = pd.read_csv(HOLDOUT_PATH).drop(columns=["probability", "true_risk"]).head(n)
    buffer = io.StringIO()
    holdout.to_csv(buffer, index=False)
    return score_upload(buffer.getvalue().encode(), "labelled.csv", bundle, FACTORY_BANDS)


def _specs(at) -> dict[str, dict]:
    return {
        json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec) for c in at.get("plotly_chart")
    }


def test_a_labelled_cohort_gets_its_curves_with_bands_and_the_capacity_marked(bundle):
    cohort = _labelled(bundle)
    at = open_page("thresholds", **{state.COHORT: cohort})
    assert "How the model did on your outcomes" in [s.value for s in at.subheader]
    auc = roc_auc_score(cohort.scored["dropout"].astype(int), cohort.probability)
    specs = _specs(at)
    assert f"ROC curve on your outcomes (AUC {auc:.2f})" in specs
    roc = specs[f"ROC curve on your outcomes (AUC {auc:.2f})"]
    assert any(trace.get("fill") == "tonexty" for trace in roc["data"])  # the 95% band
    titles = " | ".join(specs)
    for title in ("Precision and recall on your outcomes", "Calibration: slope", "Capture:", "Decision curve:", "SHAP"):
        assert title in titles
    capture = next(spec for title, spec in specs.items() if title.startswith("Capture:"))
    flagged = int(Policy.at(at.session_state[state.THRESHOLD]).flagged(cohort.probability).sum())
    assert [shape["x0"] for shape in capture["layout"]["shapes"]] == [flagged]  # the list in force, marked


def test_an_unlabelled_cohort_has_no_outcome_section(bundle):
    cohort = score_upload(DEMO_COHORT_PATH.read_bytes(), "demo.csv", bundle, FACTORY_BANDS)
    at = open_page("thresholds", **{state.COHORT: cohort})
    assert "How the model did on your outcomes" not in [s.value for s in at.subheader]
    assert threshold_data.outcome_evaluation(cohort) is None


def test_the_cohort_page_offers_the_weeks_report(bundle):
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    assert not at.exception
    labels = [d.label for d in at.download_button]
    assert "Download the week's report (HTML)" in labels and "Download the week's report (PDF)" in labels


def test_the_report_buttons_hand_over_the_report_of_the_week_on_screen(bundle, monkeypatch):
    from streamlit.elements.widgets.button import ButtonMixin

    handed: dict[str, object] = {}
    original = ButtonMixin.download_button

    def recording(self, label, data=None, *args, **kwargs):
        handed[label] = data
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", recording)
    at = open_page("cohort")
    at.button(key="load_demo").click().run()
    assert not at.exception
    html = handed["Download the week's report (HTML)"]()  # what a click builds, audited
    pdf = handed["Download the week's report (PDF)"]()
    assert html.startswith(b"<!DOCTYPE html>") and pdf.startswith(b"%PDF")
    cohort = at.session_state[state.COHORT]
    flagged = state_policy_flagged(at, cohort)
    text = html.decode("utf-8")
    listed = text.partition('id="call-list"')[2]
    assert all(pid in listed for pid in cohort.scored.loc[flagged, "patient_id"].astype(str).head(20))
    assert f"Decision threshold</td><td>{at.session_state[state.THRESHOLD]:.2f}" in text


def state_policy_flagged(at, cohort):
    threshold, capacity = at.session_state[state.THRESHOLD], at.session_state[state.CAPACITY]
    return Policy.at(threshold, capacity).flagged(cohort.curves)
