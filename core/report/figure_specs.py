"""The evaluation figures as plotly specifications (plain dicts of data and layout), drawn once here.

The app wraps them in ``plotly.graph_objects.Figure`` (``app/figures/evaluation.py``); the HTML report hands
them to the plotly script it embeds. Only aggregated curve points go in: no patient is named.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.scoring.outcomes import OutcomeEvaluation
from core.stats.curves import Band

LINE = "#b2182b"
BAND = "rgba(178, 24, 43, 0.18)"
REFERENCE = "#636363"
Spec = dict[str, Any]


def _values(array: np.ndarray, digits: int = 4) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), digits) for v in np.asarray(array, dtype=float)]


def _band_traces(band: Band, name: str) -> list[Spec]:
    """The 95% band (upper edge, then lower edge filled up to it) and the curve."""
    return [
        {
            "x": _values(band.band_x),
            "y": _values(band.high),
            "mode": "lines",
            "line": {"width": 0},
            "hoverinfo": "skip",
            "showlegend": False,
            "type": "scatter",
        },
        {
            "x": _values(band.band_x),
            "y": _values(band.low),
            "mode": "lines",
            "line": {"width": 0},
            "fill": "tonexty",
            "fillcolor": BAND,
            "name": "95% band (resampled patients)",
            "hoverinfo": "skip",
            "type": "scatter",
        },
        {
            "x": _values(band.x),
            "y": _values(band.y),
            "mode": "lines",
            "name": name,
            "line": {"color": LINE},
            "type": "scatter",
        },
    ]


def _layout(title: str, x: str, y: str, **more: Any) -> Spec:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "height": 380,
        "legend": {"orientation": "h", "y": -0.25},
        **more,
    }


def _line(x: list[float | None], y: list[float | None], name: str) -> Spec:
    return {
        "x": x,
        "y": y,
        "mode": "lines",
        "name": name,
        "line": {"dash": "dot", "color": REFERENCE},
        "type": "scatter",
    }


def _marker(x: float, text: str) -> tuple[Spec, Spec]:
    """A vertical line across the plot at x, with its label."""
    shape = {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "yref": "paper", "line": {"dash": "dash"}}
    note = {"x": x, "y": 1, "yref": "paper", "text": text, "showarrow": False, "yanchor": "bottom"}
    return shape, note


def roc_spec(e: OutcomeEvaluation) -> Spec:
    auc = e.metrics["roc_auc"]["value"]
    data = [*_band_traces(e.curves.roc, f"model (ROC AUC {auc:.2f})"), _line([0, 1], [0, 1], "chance")]
    return {
        "data": data,
        "layout": _layout(
            f"ROC curve on your outcomes (AUC {auc:.2f})",
            "share of stayers flagged (false alarms)",
            "share of dropouts caught",
        ),
    }


def precision_recall_spec(e: OutcomeEvaluation) -> Spec:
    prevalence = e.curves.prevalence
    data = [*_band_traces(e.curves.precision_recall, "model"), _line([0, 1], [prevalence] * 2, "random list")]
    return {
        "data": data,
        "layout": _layout(
            "Precision and recall on your outcomes",
            "share of dropouts caught (recall)",
            "share of flagged who dropped out (precision)",
        ),
    }


def reliability_spec(e: OutcomeEvaluation) -> Spec:
    r = e.curves.reliability
    slope, intercept = r.slope["value"], r.intercept["value"]
    points = {
        "x": _values(r.predicted),
        "y": _values(r.observed),
        "mode": "lines+markers",
        "name": "model",
        "marker": {"color": LINE, "size": 8},
        "line": {"color": LINE},
        "type": "scatter",
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": _values(r.high - r.observed),
            "arrayminus": _values(r.observed - r.low),
        },
        "customdata": [int(n) for n in r.patients],
        "hovertemplate": "predicted %{x:.1%}<br>observed %{y:.1%}<br>%{customdata} patients<extra></extra>",
    }
    layout = _layout(
        f"Calibration: slope {slope:.2f}, intercept {intercept:+.2f}",
        "predicted chance (mean per tenth of patients)",
        "observed dropout rate",
    )
    layout["xaxis"]["tickformat"] = layout["yaxis"]["tickformat"] = ".0%"
    return {"data": [points, _line([0, 1], [0, 1], "perfect calibration")], "layout": layout}


def capture_spec(e: OutcomeEvaluation) -> Spec:
    k, share, _, _ = e.capture_at_capacity
    shape, note = _marker(k, f"{'capacity' if e.capacity is not None else 'list'} in force: {k:,} ({share:.0%})")
    n = e.curves.n
    data = [*_band_traces(e.curves.capture, "model's list"), _line([0, n], [0, 1], "random order")]
    layout = _layout(
        "Capture: share of dropouts on a list of each length",
        "patients on the list",
        "share of those who dropped out on it",
        shapes=[shape],
        annotations=[note],
    )
    layout["yaxis"]["tickformat"] = ".0%"
    return {"data": data, "layout": layout}


def net_benefit_spec(e: OutcomeEvaluation) -> Spec:
    band = e.curves.net_benefit
    prevalence = e.curves.prevalence
    odds = band.x / (1 - band.x)
    everyone = _line(_values(band.x), _values(prevalence - (1 - prevalence) * odds), "contact everyone")
    nobody = _line([0.0, 1.0], [0.0, 0.0], "contact nobody")
    everyone["line"]["dash"] = "dashdot"
    chosen, chosen_note = _marker(e.threshold, f"your threshold {e.threshold:.2f}")
    even, even_note = _marker(e.break_even, f"break-even {e.break_even:.2f}")
    chosen_note["yanchor"], chosen_note["y"] = "top", 0.95
    layout = _layout(
        "Decision curve: net benefit by threshold (your cost table's break-even marked)",
        "threshold (chance of dropping out)",
        "net benefit (dropouts caught per patient, net of false alarms)",
        shapes=[chosen, even],
        annotations=[chosen_note, even_note],
    )
    low = float(np.nanmin(band.low)) if np.isfinite(band.low).any() else -0.05
    layout["yaxis"]["range"] = [max(-0.05, low), max(prevalence, float(np.nanmax(band.high))) * 1.05]
    return {"data": [*_band_traces(band, "model"), everyone, nobody], "layout": layout}


def effects_spec(e: OutcomeEvaluation, top: int = 12) -> Spec:
    table = e.effects.head(top).iloc[::-1]
    bars = {
        "x": _values(table["mean_abs_effect"].to_numpy()),
        "y": list(table["label"]),
        "orientation": "h",
        "type": "bar",
        "marker": {"color": LINE},
        "name": "mean |effect|",
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": _values((table["high"] - table["mean_abs_effect"]).to_numpy()),
            "arrayminus": _values((table["mean_abs_effect"] - table["low"]).to_numpy()),
        },
    }
    layout = _layout("What drives the estimates on this cohort (SHAP)", "mean |effect| on log-odds", "")
    layout["height"] = 120 + 28 * len(table)
    return {"data": [bars], "layout": layout}


def evaluation_specs(e: OutcomeEvaluation) -> dict[str, Spec]:
    """Every evaluation figure, by a short name, in the order pages and reports show them."""
    return {
        "roc": roc_spec(e),
        "precision_recall": precision_recall_spec(e),
        "reliability": reliability_spec(e),
        "capture": capture_spec(e),
        "decision_curve": net_benefit_spec(e),
        "effects": effects_spec(e),
    }
