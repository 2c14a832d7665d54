"""The evaluation figures as one static picture for the PDF, readable in black and white.

matplotlib (its Agg canvas: no display, no browser) draws the same aggregated curves as the HTML report's figures:
curves in black, bands in light grey, references dashed or dotted, markers where lines meet.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from core.scoring.outcomes import OutcomeEvaluation
from core.stats.curves import Band

GREY = "0.82"


def _banded(ax: Axes, band: Band, label: str) -> None:
    ax.fill_between(band.band_x, band.low, band.high, color=GREY, label="95% band", linewidth=0)
    ax.plot(band.x, band.y, color="black", linewidth=1.4, label=label)


def _titled(ax: Axes, title: str, x: str, y: str) -> None:
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(x, fontsize=7.5)
    ax.set_ylabel(y, fontsize=7.5)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6.5, frameon=False, loc="best")


def _roc(ax: Axes, e: OutcomeEvaluation) -> None:
    _banded(ax, e.curves.roc, "model")
    ax.plot([0, 1], [0, 1], "k:", linewidth=1, label="chance")
    _titled(
        ax,
        f"ROC curve (AUC {e.metrics['roc_auc']['value']:.2f})",
        "share of stayers flagged",
        "share of dropouts caught",
    )


def _precision_recall(ax: Axes, e: OutcomeEvaluation) -> None:
    _banded(ax, e.curves.precision_recall, "model")
    ax.axhline(e.curves.prevalence, color="black", linestyle=":", linewidth=1, label="random list")
    _titled(ax, "Precision and recall", "recall (share of dropouts caught)", "precision")


def _reliability(ax: Axes, e: OutcomeEvaluation) -> None:
    r = e.curves.reliability
    below = np.nan_to_num(r.observed - r.low)
    above = np.nan_to_num(r.high - r.observed)
    ax.errorbar(r.predicted, r.observed, yerr=[below, above], fmt="ko-", markersize=3.5, linewidth=1, capsize=2,
                label="observed (95% range)")  # fmt: skip
    ax.plot([0, 1], [0, 1], "k:", linewidth=1, label="perfect")
    slope, intercept = r.slope["value"], r.intercept["value"]
    _titled(ax, f"Calibration: slope {slope:.2f}, intercept {intercept:+.2f}", "predicted chance", "observed rate")


def _capture(ax: Axes, e: OutcomeEvaluation) -> None:
    _banded(ax, e.curves.capture, "model's list")
    ax.plot([0, e.curves.n], [0, 1], "k:", linewidth=1, label="random order")
    k, share, _, _ = e.capture_at_capacity
    ax.axvline(k, color="black", linestyle="--", linewidth=1, label=f"in force: {k:,} ({share:.0%})")
    _titled(ax, "Capture at each list length", "patients on the list", "share of dropouts on it")


def _decision(ax: Axes, e: OutcomeEvaluation) -> None:
    band = e.curves.net_benefit
    _banded(ax, band, "model")
    prevalence = e.curves.prevalence
    ax.plot(band.x, prevalence - (1 - prevalence) * band.x / (1 - band.x), "k-.", linewidth=1, label="contact all")
    ax.axhline(0, color="black", linestyle=":", linewidth=1, label="contact nobody")
    ax.axvline(e.threshold, color="black", linestyle="--", linewidth=1, label=f"your threshold {e.threshold:.2f}")
    ax.axvline(e.break_even, color="0.4", linestyle=(0, (1, 2)), linewidth=1.2, label=f"break-even {e.break_even:.2f}")
    top = max(prevalence, float(np.nanmax(band.high)))
    ax.set_ylim(max(-0.05, float(np.nanmin(band.low))), top * 1.1)
    _titled(ax, "Decision curve (net benefit)", "threshold", "net benefit per patient")


def _effects(ax: Axes, e: OutcomeEvaluation, top: int = 8) -> None:
    table = e.effects.head(top).iloc[::-1]
    mean = table["mean_abs_effect"].to_numpy()
    error = [mean - table["low"].to_numpy(), table["high"].to_numpy() - mean]
    ax.barh(list(table["label"]), mean, xerr=error, color="0.55", edgecolor="black", linewidth=0.6, capsize=2)
    ax.set_title("What drives the estimates (SHAP)", fontsize=9)
    ax.set_xlabel("mean |effect| on log-odds", fontsize=7.5)
    ax.tick_params(labelsize=6.5)


def evaluation_png(e: OutcomeEvaluation, dpi: int = 130) -> bytes:
    """The six evaluation figures on one page-wide picture (PNG bytes)."""
    figure = Figure(figsize=(7.4, 9.6))  # not pyplot: no global state, safe in a download's own thread
    axes = figure.subplots(3, 2)
    for draw, ax in zip((_roc, _precision_recall, _reliability, _capture, _decision, _effects), axes.flat, strict=True):
        draw(ax, e)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
