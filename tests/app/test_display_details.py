"""Small display details: numeric site ids drawn as names, version names shown without escaping artefacts."""

from __future__ import annotations

import pandas as pd

from app.figures.cohort import site_figure


def test_numeric_site_ids_are_drawn_as_names_not_a_scale_with_gaps():
    sites = pd.DataFrame(
        {
            "site": ["718", "701", "705"],
            "mean_risk": [0.5, 0.3, 0.2],
            "patients": [1, 4, 2],
            "expected_dropouts": [0.49, 1.2, 0.4],
            "flagged": [1, 0, 0],
        }
    )
    figure = site_figure(sites)
    assert figure.layout.xaxis.type == "category"
    assert list(figure.data[0].x) == ["718", "701", "705"]


def test_a_version_name_in_code_shows_without_escaping_backslashes():
    from app.text import code, plain

    assert code("CDISC-Pilot-01-logistic") == "`CDISC-Pilot-01-logistic`"
    assert "\\" in plain("CDISC-Pilot-01")  # what a code span would show literally: the reason for code()
    assert code("a`b") == "`a'b`"  # a backtick cannot end the span early
