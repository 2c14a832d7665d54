"""The Patient page's waterfall: with the longest labels, no label sits on another (the layout, not a picture)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.figures.patient import LABEL_ROW_PX, TITLE, TOP_MARGIN, waterfall_figure
from app.figures.style import feature_label
from core.model.features import FEATURES_BY_NAME

CHART_WIDTH_PX = 480  # the chart's share (3/5) of the page at 1280 x 800 with the sidebar open
CHARACTER_PX = 8  # a generous width for one character of the title font


def _figure(total: float) -> tuple:
    """Every feature, with the longest value text, moving the chance by contributions that sum to ``total``."""
    names = sorted(FEATURES_BY_NAME, key=lambda n: len(feature_label(n)), reverse=True)
    contributions = pd.Series(np.linspace(0.6, -0.6, len(names)), index=names)
    contributions.iloc[-1] += total - contributions.sum()
    values = {n: "Not recorded (scored without it)" for n in names}
    return waterfall_figure(contributions, -1.3, values), names


@pytest.mark.parametrize("total", [0.0, 0.001, 1.5, -1.5])  # 0: the average and this patient on one line
def test_line_labels_sit_above_the_bars_each_on_its_own_row(total):
    fig, _ = _figure(total)
    labels = fig.layout.annotations
    assert [a.text.split(" ")[0] for a in labels] == ["average", "this"]
    for label in labels:
        assert label.yref == "paper" and label.y == 1.0 and label.yanchor == "bottom"  # above the plot: no bar there
    rows = sorted(label.yshift for label in labels)
    assert rows[1] - rows[0] >= LABEL_ROW_PX  # never on each other, even when both lines are at one x
    assert rows[1] + LABEL_ROW_PX <= TOP_MARGIN - 20  # and below the title, which keeps the top 20 pixels


def test_each_facts_points_are_in_its_label_never_on_the_bars_or_lines():
    fig, names = _figure(1.5)
    bars = fig.data[0]
    assert bars.textposition == "none"  # nothing drawn beside a bar, where the lines and labels run
    assert len(bars.y) == len(names)
    for label, step in zip(bars.y, bars.x, strict=True):
        assert label.endswith(f"({step:+.1f} pts)") and " = Not recorded" in label
    assert fig.layout.yaxis.automargin  # the longest feature label pushes the margin, never the bars
    low, high = fig.layout.xaxis.range
    path = -1.3 + np.concatenate(([0.0], np.cumsum(np.linspace(0.6, -0.6, len(names)))))
    assert low <= 100 / (1 + np.exp(-path.min())) and high >= 100 / (1 + np.exp(-path.max()))


def test_the_title_fits_the_chart_on_a_laptop_screen():
    assert len(TITLE) * CHARACTER_PX < CHART_WIDTH_PX
