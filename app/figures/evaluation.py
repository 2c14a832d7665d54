"""The evaluation figures on a labelled cohort's outcomes, as plotly figures (specs drawn once in core/report)."""

from __future__ import annotations

import plotly.graph_objects as go

from core.report.figure_specs import evaluation_specs
from core.scoring.outcomes import OutcomeEvaluation


def evaluation_figures(evaluation: OutcomeEvaluation) -> dict[str, go.Figure]:
    """ROC, precision-recall, reliability, capture, decision curve and SHAP effects, by name, with 95% bands."""
    return {name: go.Figure(spec) for name, spec in evaluation_specs(evaluation).items()}
