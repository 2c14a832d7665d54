"""A replay's result as plain values: the call list's figures beside the rules' at the same number of calls,
per site, and a capacity curve (withdrawals reached against calls per week).

``replay_result`` counts a set of scored weeks (``core.replay.weeks``) under one policy; ``capacity_curve``
repeats the counting at several capacities on the same weeks (the weeks are scored once); ``report_figures``
is what the week's report shows of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from core.history.endings import DEFAULT_OUTCOME, OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.replay.calls import RULES, CallSettings, model_calls, rule_calls
from core.replay.counting import averaged, by_site, figures, outcomes
from core.replay.weeks import Week

RANDOM_DRAWS = 20
CURVE_SHARES = (0.01, 0.025, 0.05, 0.10, 0.15, 0.20, 0.30)


def _rules(weeks: Sequence[Week], counts: list[int], settings: CallSettings, draws: int) -> dict[str, list]:
    """Each rule's calls; the random rule once per draw (seeds 0 .. draws - 1)."""
    out: dict[str, list] = {}
    for rule in RULES:
        seeds = range(draws) if rule == "random" else (0,)
        out[rule] = [rule_calls(weeks, counts, rule, settings.called_weeks, seed) for seed in seeds]
    return out


def _counted(calls: list[pd.DataFrame], truth: pd.DataFrame, start: pd.Timestamp) -> dict[str, Any]:
    """Figures and per-site figures of one strategy, averaged over its draws."""
    result = averaged([figures(c, truth, start) for c in calls])
    sites = [by_site(c, truth, start) for c in calls]
    result["by_site"] = {site: averaged([s[site] for s in sites]) for site in sites[0]}
    return result


def _setting_words(weeks: Sequence[Week], settings: CallSettings) -> dict[str, Any]:
    return {
        "first_week": str(weeks[0].day.date()),
        "last_week": str(weeks[-1].day.date()),
        "weeks": len(weeks),
        "threshold": settings.threshold,
        "capacity": settings.policy.capacity,
        "capacity_share": settings.capacity_share,
        "called_weeks": settings.called_weeks,
        "models": list(dict.fromkeys(week.model for week in weeks)),
        "patient_weeks": sum(len(week.patients) for week in weeks),
        # Patients the model in use could not judge that week (too early, beyond its days, or unreadable): never called.
        "not_judged": int(sum(week.patients["probability"].isna().sum() for week in weeks)),
    }


def replay_result(
    history: TrialHistory,
    weeks: Sequence[Week],
    settings: CallSettings,
    draws: int = RANDOM_DRAWS,
    outcome: OutcomeDefinition = DEFAULT_OUTCOME,
) -> dict[str, Any]:
    """The call list's figures (top level), the rules' (``baselines``), per site (``by_site``), and the settings."""
    if not weeks:
        raise ValueError("there is no week to replay between the start and the data cut-off")
    truth, start = outcomes(history, outcome), weeks[0].day
    calls, counts = model_calls(weeks, settings)
    result = _counted([calls], truth, start)
    sites = result.pop("by_site")
    baselines = {}
    for rule, rule_runs in _rules(weeks, counts, settings, draws).items():
        counted = _counted(rule_runs, truth, start)
        for site, site_figures in counted.pop("by_site").items():
            sites[site].setdefault("baselines", {})[rule] = site_figures
        baselines[rule] = {"label": RULES[rule]} | counted
    return result | {
        "calls_per_week": round(float(np.mean(counts)), 1),
        "baselines": baselines,
        "by_site": sites,
        "settings": _setting_words(weeks, settings),
    }


def capacity_curve(
    history: TrialHistory,
    weeks: Sequence[Week],
    settings: CallSettings,
    shares: Sequence[float] = CURVE_SHARES,
    draws: int = RANDOM_DRAWS,
    outcome: OutcomeDefinition = DEFAULT_OUTCOME,
) -> list[dict[str, Any]]:
    """At each capacity (a share of the week's ongoing patients): calls per week, and the withdrawals reached by
    the call list and by each rule at the same number of calls."""
    truth, start = outcomes(history, outcome), weeks[0].day
    points = []
    for share in shares:
        at = replace(settings, capacity_share=share)
        calls, counts = model_calls(weeks, at)
        point: dict[str, Any] = {
            "capacity_share": share,
            "calls_per_week": round(float(np.mean(counts)), 1),
            "calls": int(len(calls)),
            "reached_before_leaving": figures(calls, truth, start)["reached_before_leaving"],
        }
        for rule, rule_runs in _rules(weeks, counts, at, draws).items():
            point[rule] = averaged([figures(c, truth, start) for c in rule_runs])["reached_before_leaving"]
        points.append(point)
    return points


def report_figures(result: dict[str, Any]) -> dict[str, Any]:
    """What the week's report shows of a replay: the headline figures of the call list and of each rule."""
    keys = ("dropouts", "reached_before_leaving", "median_weeks_of_warning", "calls", "calls_per_withdrawal_reached")
    return {
        "period": {k: result["settings"][k] for k in ("first_week", "last_week", "weeks")},
        "call_list": {k: result[k] for k in keys},
        "baselines": {
            rule: {"label": figures_of["label"], **{k: figures_of[k] for k in keys}}
            for rule, figures_of in result["baselines"].items()
        },
        "capacity_curve": result.get("capacity_curve", []),
    }
