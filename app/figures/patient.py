"""The Patient page's figure: what moved one patient's risk, in percentage points (a waterfall)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.figures.style import LAYOUT, LOWERS, NEUTRAL, RAISES, feature_label


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def percentage_point_steps(contributions: pd.Series, base_value: float) -> pd.Series:
    """Each fact's move of the chance in percentage points, taken in turn from the largest effect.

    Contributions add up in log-odds, not in percentage points; walking from the average patient's
    chance to this patient's, largest effect first, gives steps that add up exactly to the difference.
    """
    ordered = contributions.reindex(contributions.abs().sort_values(ascending=False).index)
    path = _sigmoid(base_value + np.concatenate(([0.0], np.cumsum(ordered.to_numpy(dtype=float)))))
    return pd.Series(np.diff(path) * 100.0, index=ordered.index)


def waterfall_figure(contributions: pd.Series, base_value: float, values: dict[str, str]) -> go.Figure:
    """Waterfall from the average patient's chance to this patient's, largest effect on top.

    contributions: log-odds per feature; base_value: the model's average log-odds;
    values: feature -> the patient's value as shown text.
    """
    steps = percentage_point_steps(contributions, base_value)
    start = float(_sigmoid(np.array(base_value))) * 100.0
    final = start + float(steps.sum())
    # Each fact's points go in its own label, not beside its bar: a bar's text beside it ran into the lines and,
    # left of a bar that lowers the chance, into the labels themselves.
    labels = [f"{feature_label(f)} = {values.get(f, '')} ({v:+.1f} pts)" for f, v in steps.items()]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            base=start,
            x=steps.to_numpy(),
            y=labels,
            measure=["relative"] * len(steps),
            increasing={"marker": {"color": RAISES}},
            decreasing={"marker": {"color": LOWERS}},
            textposition="none",
            hovertemplate="%{y}<br>%{x:+.1f} percentage points<extra></extra>",
        )
    )
    # The two lines' labels sit above the plot, each on a row of its own: never on a bar's label, never on each other.
    for x, dash, colour, words, row in (
        (start, "dot", NEUTRAL, f"average {start:.1f}%", 1),
        (final, "solid", "black", f"this patient {final:.1f}%", 0),
    ):
        fig.add_vline(x=x, line_dash=dash, line_color=colour)
        fig.add_annotation(**line_label(x, words, row))
    low, high = min(start, final, start + steps.cumsum().min()), max(start, final, start + steps.cumsum().max())
    pad = max((high - low) * 0.25, 2.0)
    fig.update_layout(
        **{**LAYOUT, "height": 90 + 34 * len(steps), "margin": {"l": 10, "r": 30, "t": TOP_MARGIN, "b": 40}},
        title={
            "text": TITLE,
            "y": 0.99,
            "yanchor": "top",
            "yref": "container",
        },
        xaxis={
            "title": "chance of dropping out",
            "range": [max(low - pad, 0.0), min(high + pad, 100.0)],
            "ticksuffix": "%",
        },
        yaxis={"autorange": "reversed", "automargin": True},
        showlegend=False,
    )
    return fig


TITLE = "What moved this patient's chance"  # short: the chart has 3/5 of the page; the caption says the rest
LABEL_ROW_PX = 18  # one row of annotation text at the layout's font size
TOP_MARGIN = 40 + 2 * LABEL_ROW_PX  # the title, then a row for each line's label


def line_label(x: float, words: str, row: int) -> dict:
    """An annotation naming a vertical line, above the plot area (rows count up from the plot's top edge)."""
    return {
        "x": x,
        "xref": "x",
        "y": 1.0,
        "yref": "paper",
        "yanchor": "bottom",
        "yshift": 2 + row * LABEL_ROW_PX,
        "text": words,
        "showarrow": False,
    }
