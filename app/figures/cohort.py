"""The Cohort page's figures: risk distribution with the threshold, patients per band, mean risk per site."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.figures.style import LAYOUT, NEUTRAL
from core.decisions.bands import RiskBand


def risk_distribution_figure(probability: np.ndarray, threshold: float, bands: tuple[RiskBand, ...]) -> go.Figure:
    """Histogram of dropout probabilities, coloured by band, with the threshold line."""
    edges = np.linspace(0, 1, 41)
    counts, _ = np.histogram(probability, bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2
    colours = [next(b.colour for b in bands if c >= b.lower) for c in centres]
    fig = go.Figure(
        go.Bar(
            x=centres,
            y=counts,
            width=edges[1] - edges[0],
            marker_color=colours,
            hovertemplate="%{x:.1%}: %{y} patients<extra></extra>",
        )
    )
    fig.add_vline(
        x=threshold,
        line_color="black",
        line_width=2,
        annotation_text=f"threshold {threshold:.1%}",
        annotation_position="top right",
    )
    fig.update_layout(
        **LAYOUT,
        title="How many patients at each level of risk",
        xaxis_title="chance of dropping out",
        yaxis_title="patients",
        xaxis_tickformat=".0%",
        bargap=0.05,
    )
    return fig


def band_counts_figure(assigned: pd.Series, bands: tuple[RiskBand, ...]) -> go.Figure:
    counts = assigned.value_counts()
    names = [b.name for b in bands]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=[int(counts.get(n, 0)) for n in names],
            marker_color=[b.colour for b in bands],
            text=[int(counts.get(n, 0)) for n in names],
            textposition="outside",
        )
    )
    fig.update_layout(**LAYOUT, title="Patients per risk band", yaxis_title="patients")
    return fig


def site_figure(sites: pd.DataFrame, max_sites: int = 40) -> go.Figure:
    """Mean risk per site (bars) with flagged counts; the riskiest sites first."""
    shown = sites.head(max_sites)
    fig = go.Figure(
        go.Bar(
            x=shown["site"],
            y=shown["mean_risk"],
            marker_color="#ef8a62",
            customdata=np.stack([shown["patients"], shown["expected_dropouts"], shown["flagged"]], axis=1),
            hovertemplate="%{x}<br>mean risk %{y:.1%}<br>%{customdata[0]} patients<br>"
            "%{customdata[1]:.1f} expected dropouts<br>%{customdata[2]} flagged<extra></extra>",
        )
    )
    overall = float(np.average(sites["mean_risk"], weights=sites["patients"])) if len(sites) else 0.0
    fig.add_hline(y=overall, line_dash="dot", line_color=NEUTRAL, annotation_text=f"all sites {overall:.1%}")
    fig.update_layout(
        **LAYOUT,
        title="Mean risk per site (highest first)",
        xaxis_type="category",  # site numbers (701, 718…) are names, not a scale with gaps
        yaxis_tickformat=".0%",
        yaxis_title="mean chance of dropping out",
    )
    return fig
