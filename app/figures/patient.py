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
    labels = [f"{feature_label(f)} = {values.get(f, '')}" for f in steps.index]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            base=start,
            x=steps.to_numpy(),
            y=labels,
            measure=["relative"] * len(steps),
            increasing={"marker": {"color": RAISES}},
            decreasing={"marker": {"color": LOWERS}},
            text=[f"{v:+.1f} pts" for v in steps],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>%{x:+.1f} percentage points<extra></extra>",
        )
    )
    # Each line's label on its own side, so the two never overlap.
    start_side, final_side = ("top right", "top left") if final < start else ("top left", "top right")
    fig.add_vline(
        x=start,
        line_dash="dot",
        line_color=NEUTRAL,
        annotation_text=f"average {start:.1f}%",
        annotation_position=start_side,
    )
    fig.add_vline(
        x=final, line_color="black", annotation_text=f"this patient {final:.1f}%", annotation_position=final_side
    )
    low, high = min(start, final, start + steps.cumsum().min()), max(start, final, start + steps.cumsum().max())
    pad = max((high - low) * 0.25, 2.0)
    fig.update_layout(
        **{**LAYOUT, "height": 90 + 34 * len(steps), "margin": {"l": 10, "r": 30, "t": 50, "b": 40}},
        title="What moved this patient's chance of dropping out (red raises, blue lowers)",
        xaxis={
            "title": "chance of dropping out",
            "range": [max(low - pad, 0.0), min(high + pad, 100.0)],
            "ticksuffix": "%",
        },
        yaxis={"autorange": "reversed", "automargin": True},
        showlegend=False,
    )
    return fig
