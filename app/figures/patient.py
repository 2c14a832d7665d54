"""The Patient page's figure: what moved one patient's risk (a contribution waterfall)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from app.figures.style import LAYOUT, LOWERS, NEUTRAL, RAISES, feature_label
from core.model.explain import probability_from_log_odds


def waterfall_figure(contributions: pd.Series, base_value: float, values: dict[str, str]) -> go.Figure:
    """SHAP waterfall for one patient, in log-odds, largest effects on top.

    contributions: log-odds per feature; base_value: the model's average log-odds;
    values: feature -> the patient's value as shown text.
    """
    ordered = contributions.reindex(contributions.abs().sort_values().index)
    labels = [f"{feature_label(f)} = {values.get(f, '')}" for f in ordered.index]
    final = base_value + float(contributions.sum())
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            base=base_value,
            x=ordered.to_numpy(),
            y=labels,
            measure=["relative"] * len(ordered),
            increasing={"marker": {"color": RAISES}},
            decreasing={"marker": {"color": LOWERS}},
            text=[f"{v:+.2f}" for v in ordered],
            textposition="outside",
            hovertemplate="%{y}<br>effect %{x:+.3f} log-odds<extra></extra>",
        )
    )
    fig.add_vline(
        x=base_value,
        line_dash="dot",
        line_color=NEUTRAL,
        annotation_text=f"average patient {probability_from_log_odds(base_value):.0%}",
        annotation_position="bottom",
    )
    fig.add_vline(
        x=final,
        line_color="black",
        annotation_text=f"this patient {probability_from_log_odds(final):.0%}",
        annotation_position="top",
    )
    fig.update_layout(
        **{**LAYOUT, "height": 60 + 34 * len(ordered)},
        title="What moved this patient's risk (red raises, blue lowers)",
        xaxis_title="log-odds of dropout (right = more likely to drop out)",
        showlegend=False,
    )
    return fig
