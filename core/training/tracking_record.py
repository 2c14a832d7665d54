"""What one training run sends to MLflow, read from its model card: parameters, metrics and tags.

Plain values only (no MLflow types), so it is cheap to build and to test. Cards differ: the bundled one
has held-out test figures under ``metrics.test``; a version trained on a trial has cross-validated figures
under ``evaluation`` and may add ``by_landmark``, ``comparison``, ``origin``, ``trial`` and
``code_version``. Whatever is missing or of an unexpected shape is left out, never guessed; the card
itself is logged whole beside the figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_EXPERIMENT = "trial-retention-radar"  # when the card names no trial
# The figures logged, each under its first name and read from any of its names (cards have used both).
SUMMARY_METRICS = {
    "roc_auc": ("roc_auc",),
    "pr_auc": ("pr_auc",),
    "brier": ("brier",),
    "ece": ("ece", "calibration_error"),
}
MAX_PARAM_LENGTH = 6000  # MLflow refuses longer parameter values


@dataclass(frozen=True)
class RunRecord:
    """Parameters, metrics and tags of one training run, with the experiment and run names."""

    experiment: str
    run_name: str
    params: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


def run_record(card: Mapping[str, Any]) -> RunRecord:
    """The parameters, metrics and tags of one training run, from its model card."""
    data = _mapping(card.get("training_data"))
    evaluation = _mapping(card.get("evaluation"))
    trial = card.get("trial") or data.get("trial")
    named = (f.get("name") if isinstance(f, Mapping) else f for f in _list(card.get("features")))
    features = [str(name) for name in named if name is not None]
    params: dict[str, Any] = {
        "model_kind": card.get("model_kind") or evaluation.get("model_kind"),
        "evaluated_on": "cross-validation" if _cross_validated(card) else "held-out test" if _held_out(card) else None,
        "folds": evaluation.get("folds"),
        "repeats": evaluation.get("repeats"),
        "grouped_by": evaluation.get("grouped_by"),
        "features": ", ".join(features) or None,
        "feature_count": len(features) or None,
        **_landmark_scheme(card, evaluation),
        **{f"hyperparameters.{k}": v for k, v in _flatten(_mapping(card.get("hyperparameters"))).items()},
    }
    tags = {
        "origin": _origin(card, data),
        "trial": trial,
        "data_sha256": data.get("sha256") or card.get("training_data_sha256"),
        "code_version": card.get("code_version"),
        "model_version": card.get("model_version"),
        "model_sha256": card.get("model_sha256"),
    }
    return RunRecord(
        experiment=str(trial or DEFAULT_EXPERIMENT),
        run_name=str(card.get("model_version") or DEFAULT_EXPERIMENT),
        params={k: _param_text(v) for k, v in params.items() if v is not None and v != ""},
        metrics=_metrics(card),
        tags={k: str(v) for k, v in tags.items() if v is not None and v != ""},
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _origin(card: Mapping[str, Any], data: Mapping[str, Any]) -> str | None:
    stated = card.get("origin") or data.get("origin")
    if stated:
        return str(stated).lower()
    if "synthetic" in data:
        return "synthetic" if data["synthetic"] else "real"
    return None


def _landmark_scheme(card: Mapping[str, Any], evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """``landmark_scheme`` (or its parts, when it is a table); else the landmark days the card reports on."""
    for source in (card, evaluation):
        for key in ("landmark_scheme", "landmarks"):
            scheme = source.get(key)
            if isinstance(scheme, Mapping):
                return {f"landmark_scheme.{k}": v for k, v in _flatten(scheme).items()}
            if scheme is not None and scheme != "":
                return {"landmark_scheme": scheme}
    days = [day for day, _ in _by_landmark(card)]
    return {"landmark_days": days} if days else {}


def _flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _param_text(value: Any) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    return text if len(text) <= MAX_PARAM_LENGTH else text[: MAX_PARAM_LENGTH - 1] + "…"


def _number(value: Any) -> float | None:
    """A finite figure from a bare number or a ``{"value": ...}`` summary; None for anything else."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _interval(summary: Any) -> tuple[Any, Any] | None:
    """The 95% interval's ends from ``ci95: [low, high]`` or ``low``/``high`` keys."""
    if not isinstance(summary, Mapping):
        return None
    ci95 = summary.get("ci95")
    if isinstance(ci95, list | tuple) and len(ci95) == 2:
        return ci95[0], ci95[1]
    if "low" in summary and "high" in summary:
        return summary["low"], summary["high"]
    return None


def _summary_figures(prefix: str, summary: Mapping[str, Any]) -> dict[str, float | None]:
    """Each summary metric in ``summary`` and, where given, its interval ends, named ``prefix + metric``."""
    figures: dict[str, float | None] = {}
    for name, aliases in SUMMARY_METRICS.items():
        found = next((summary[a] for a in aliases if a in summary), None)
        if found is None:
            continue
        figures[prefix + name] = _number(found)
        ends = _interval(found)
        if ends is not None:
            figures[f"{prefix}{name}_ci95_low"], figures[f"{prefix}{name}_ci95_high"] = map(_number, ends)
    return figures


def _figures_of(entry: Any) -> Mapping[str, Any]:
    """The table holding an entry's metrics: itself, or its ``metrics`` or ``summary`` table."""
    entry = _mapping(entry)
    for key in ("metrics", "summary"):
        if isinstance(entry.get(key), Mapping):
            return _mapping(entry[key])
    return entry


def _has_figures(table: Mapping[str, Any]) -> bool:
    return any(alias in table for aliases in SUMMARY_METRICS.values() for alias in aliases)


def _cross_validated(card: Mapping[str, Any]) -> Mapping[str, Any]:
    candidates = (_figures_of(card.get("evaluation")), _mapping(_mapping(card.get("metrics")).get("cross_validated")))
    return next((c for c in candidates if _has_figures(c)), {})


def _held_out(card: Mapping[str, Any]) -> Mapping[str, Any]:
    test = _mapping(_mapping(card.get("metrics")).get("test"))
    return test if _has_figures(test) else {}


def _metrics(card: Mapping[str, Any]) -> dict[str, float]:
    """The run's headline figures (cross-validated when the card has them, else held-out; for a trial model the
    mean over landmark days), by landmark day, the pooled figures as ``pooled_*``, and what it was compared with."""
    figures = _summary_figures("", _cross_validated(card) or _held_out(card))
    pooled = _mapping(_mapping(card.get("metrics")).get("pooled"))  # labelled: pooled over landmark days
    if _has_figures(pooled):
        figures |= _summary_figures("pooled_", pooled)
    for day, summary in _by_landmark(card):
        figures |= _summary_figures(f"day_{day}_", _figures_of(summary))
    for key, entry in _comparisons(card):
        figures |= _summary_figures(f"{key}_", _figures_of(entry))
    return {name: value for name, value in figures.items() if value is not None}


def _by_landmark(card: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(day, summary) pairs from ``{day: summary}`` or a list of summaries that each name their day."""
    evaluation, metrics = _mapping(card.get("evaluation")), _mapping(card.get("metrics"))
    found = next((s for s in (card, evaluation, metrics) if s.get("by_landmark")), {}).get("by_landmark")
    if isinstance(found, Mapping):
        pairs: Iterator[tuple[Any, Any]] = iter(found.items())
    else:
        entries = [e for e in _list(found) if isinstance(e, Mapping)]
        pairs = ((e.get("day", e.get("landmark_day")), e) for e in entries)
    for day, summary in pairs:
        if day is not None and isinstance(summary, Mapping):
            yield _slug(str(day)), summary


def _comparisons(card: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(key, entry) pairs from ``comparison`` (a table by role, or a list keyed by label) and ``baselines``."""
    for section in ("comparison", "baselines"):
        found = card.get(section)
        if isinstance(found, Mapping):
            pairs: Iterator[tuple[Any, Any]] = iter(found.items())
        else:
            pairs = ((e.get("label"), e) for e in _list(found) if isinstance(e, Mapping))
        for key, entry in pairs:
            if key and isinstance(entry, Mapping):
                yield _slug(str(key)), entry


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
