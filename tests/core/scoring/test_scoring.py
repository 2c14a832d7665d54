"""core.cli.score: one call from validated rows to scored rows, and the command line."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.decisions.bands import FACTORY_BANDS
from core.scoring.scores import REASON_COLUMNS, SCORE_COLUMNS, score_frame


def test_scored_frame_keeps_every_row_and_input_column(bundle, demo_result):
    valid = demo_result.valid
    scored = score_frame(valid, bundle, FACTORY_BANDS, 0.3)
    assert len(scored) == len(valid)
    assert set(valid.columns) | set(SCORE_COLUMNS) == set(scored.columns)
    np.testing.assert_allclose(scored["probability"], bundle.predict(valid))
    assert (scored["flagged"] == (scored["probability"] >= 0.3)).all()


def test_bands_agree_with_the_probability_and_the_bands_given(bundle, demo_result):
    scored = score_frame(demo_result.valid, bundle, FACTORY_BANDS, bundle.default_threshold)
    critical = scored["probability"] >= 0.75
    assert (scored.loc[critical, "risk_band"] == "Critical").all()
    assert (scored.loc[scored["probability"] < 0.35, "risk_band"] == "Low").all()
    two = (FACTORY_BANDS[0], replace(FACTORY_BANDS[-1], name="Rest"))
    other = score_frame(demo_result.valid, bundle, two)
    assert set(other["risk_band"]) <= {"Critical", "Rest"}
    assert (other["risk_band"] == "Critical").sum() == critical.sum()


def test_default_threshold_comes_from_the_card(bundle, demo_result):
    scored = score_frame(demo_result.valid, bundle, FACTORY_BANDS, bundle.default_threshold)
    assert (scored["flagged"] == (scored["probability"] >= bundle.default_threshold)).all()


def test_reasons_are_added_on_request(bundle, demo_result):
    scored = score_frame(demo_result.valid.head(20), bundle, FACTORY_BANDS, bundle.default_threshold, with_reasons=True)
    assert all(scored[c].str.contains("risk").all() for c in REASON_COLUMNS)
