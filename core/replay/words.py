"""A replay in plain words: the sentences and the comparison table the Train page and the HTML summary show."""

from __future__ import annotations

from typing import Any

from core.formatting import MISSING, percent

CALL_LIST = "The weekly call list"


def number(value: float | None, digits: int = 1) -> str:
    """A figure that may be an average over random draws: whole when whole, else with one decimal."""
    if value is None:
        return MISSING
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{digits}f}"


def _weeks(value: float | None) -> str:
    return MISSING if value is None else f"{number(value)} weeks"


def comparison_rows(result: dict[str, Any]) -> list[dict[str, str]]:
    """One row for the call list and one per rule, at the same number of calls, in words a coordinator reads."""
    entries = [(CALL_LIST, result)] + [(b["label"], b) for b in result["baselines"].values()]
    return [
        {
            "Who is called": label,
            "Withdrawals reached before they left": f"{number(f['reached_before_leaving'])} of {number(f['dropouts'])}",
            "Median warning": _weeks(f["median_weeks_of_warning"]),
            "Calls": number(f["calls"]),
            "Calls per withdrawal reached": number(f["calls_per_withdrawal_reached"]),
            "Calls to patients who completed": percent(f["share_of_calls_to_completers"]),
        }
        for label, f in entries
    ]


def headline(result: dict[str, Any]) -> str:
    """The replay's answer in one sentence."""
    settings = result["settings"]
    reached, dropouts = result["reached_before_leaving"], result["dropouts"]
    random = result["baselines"]["random"]["reached_before_leaving"]
    return (
        f"Had the weekly call list been used from {settings['first_week']} to {settings['last_week']} "
        f"({settings['weeks']} weeks, about {number(result['calls_per_week'])} calls a week), it would have reached "
        f"{reached:,} of the {dropouts:,} patients who withdrew before they left, a median of "
        f"{_weeks(result['median_weeks_of_warning'])} ahead; random calls at the same number reached {number(random)}."
    )


def how_it_was_done(result: dict[str, Any]) -> list[str]:
    """What the replay did, so its figures can be trusted or questioned."""
    settings = result["settings"]
    capacity = (
        f"{percent(settings['capacity_share'])} of the week's ongoing patients"
        if settings["capacity_share"] is not None
        else (f"{settings['capacity']:,} calls" if settings["capacity"] is not None else "no limit")
    )
    threshold = "each model's default" if settings["threshold"] is None else percent(settings["threshold"])
    return [
        f"Started {settings['first_week']}: {settings['start_because']}.",
        "Every week used only what was known that day: the history was cut at that date, and the model "
        f"was retrained every {settings['retrain_weeks']} weeks on the cut history "
        f"(before the trial could train one: {settings['fallback']}).",
        f"Calls a week at most: {capacity}; threshold: {threshold}. A patient called is not called again "
        f"for {settings['called_weeks']} weeks.",
        "The rules make at most as many calls each week as the call list did; random calls are averaged over "
        "several draws.",
        f"The model could not judge {percent(settings.get('not_judged', 0) / max(settings.get('patient_weeks', 0), 1))} "
        "of the patients' weeks (too early in their trial, or beyond the days it learned from): the call list "
        "never called them, the rules could.",
    ]
