"""Where each decision setting in force comes from: the page's address, the team's saved settings, or the defaults.

A refresh of a browser tab starts a new session whose address still holds that tab's settings: those win.
A new session without them starts from what the team saved (a manager saves them for everyone). Anything
neither gives comes from the deployment's and the product's defaults. Values from the address and from
the database are checked alike: an unreadable or out-of-range value is ignored (and logged), never trusted.

A saved threshold belongs to the model it was chosen on: the threshold is saved with that model's version
and applied only while that version is in use; another model starts from its own suggested threshold.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.decisions.policy import PLANS

log = logging.getLogger(__name__)

ADDRESS, TEAM, DEFAULT = "address", "the team's saved settings", "default"
THRESHOLD_MODEL = "threshold_model_version"  # saved beside the threshold: the model version it was chosen for


def _number(low: float, high: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool):  # JSON true is no number
            raise ValueError(value)
        number = float(value)
        if not low <= number <= high:  # also refuses NaN
            raise ValueError(value)
        return number

    return check


def _capacity(value: Any) -> int | None:
    if value is None or value == "none":
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _plan(value: Any) -> str:
    if not isinstance(value, str) or value not in PLANS:
        raise ValueError(value)
    return value


def _yes(value: Any) -> bool:
    return value is True or value == "1"


# Each setting by its address name (also its name in the saved settings): the check that reads a value.
CHECKS: dict[str, Callable[[Any], Any]] = {
    "threshold": _number(0.0, 1.0),
    "contact_cost": _number(0.0, 1e6),
    "dropout_cost": _number(0.0, 1e7),
    "effectiveness": _number(0.0, 1.0),
    "capacity": _capacity,
    "plan": _plan,
    "costs_set": _yes,
}
NAMES = tuple(CHECKS)


def checked(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The readable, in-range values by name, and the names whose value was not (unknown names are skipped)."""
    good: dict[str, Any] = {}
    bad: list[str] = []
    for name, check in CHECKS.items():
        if name in values:
            try:
                good[name] = check(values[name])
            except (TypeError, ValueError, OverflowError):
                bad.append(name)
    return good, bad


@dataclass(frozen=True)
class TeamValues:
    """The team's saved settings that may be applied to the model in use."""

    values: dict[str, Any]  # by name, checked
    ignored: tuple[str, ...] = ()  # saved values that were unreadable or out of range
    threshold_model: str | None = None  # the model a saved threshold was chosen for, when it is not the one in use


def team_values(saved: Mapping[str, Any], model_version: str) -> TeamValues:
    """The saved values (by name, as stored) that apply: checked, and the threshold only for its own model."""
    values, ignored = checked(saved)
    other_model = None
    if "threshold" in values and saved.get(THRESHOLD_MODEL) != model_version:
        del values["threshold"]
        other_model = str(saved.get(THRESHOLD_MODEL) or "an unknown version")
    return TeamValues(values, tuple(ignored), other_model)


@dataclass(frozen=True)
class Resolution:
    """The settings a new session starts with, and where each came from."""

    values: dict[str, Any]  # every name in NAMES
    sources: dict[str, str]  # name -> ADDRESS, TEAM or DEFAULT
    team: TeamValues

    @property
    def threshold_from_other_model(self) -> str | None:
        """The model version of a saved threshold left aside for the model's own, if the address gave none."""
        return self.team.threshold_model if self.sources.get("threshold") == DEFAULT else None


def resolve(
    from_address: Mapping[str, Any], saved: Mapping[str, Any], defaults: Mapping[str, Any], model_version: str
) -> Resolution:
    """Each setting from the address (already checked), else the team's saved value, else its default."""
    team = team_values(saved, model_version)
    if team.ignored:  # logged once, when a session starts from them
        log.warning("saved settings ignored, their values are not valid: %s", ", ".join(team.ignored))
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in NAMES:
        for source, layer in ((ADDRESS, from_address), (TEAM, team.values), (DEFAULT, defaults)):
            if name in layer:
                values[name], sources[name] = layer[name], source
                break
    return Resolution(values, sources, team)


def differences(in_force: Mapping[str, Any], team: Mapping[str, Any]) -> list[str]:
    """The names of the settings whose value in force is not the team's (costs_set is bookkeeping, not a setting)."""
    return [
        name for name in NAMES if name != "costs_set" and name in team and not _same(in_force.get(name), team[name])
    ]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


def to_save(in_force: Mapping[str, Any], saved: Mapping[str, Any], model_version: str) -> dict[str, Any]:
    """What to store so the team's settings become those in force: the values that changed, the threshold with its model.

    Saving marks the costs as the team's own (``costs_set``): a manager chose to keep them.
    """
    team = team_values(saved, model_version).values
    changed = {name: in_force[name] for name in differences(in_force, team) if name in in_force}
    changed |= {name: in_force[name] for name in NAMES if name not in team and name in in_force}
    changed["costs_set"] = True
    if "threshold" in changed:
        changed[THRESHOLD_MODEL] = model_version
    if team.get("costs_set") is True and len(changed) == 1:
        return {}  # nothing new
    return changed


# The fair test (a random hold-out of each week's flagged patients): a team setting only a manager changes,
# saved like the others but never taken from a page's address (it decides who is called, for everyone).
HOLDOUT_SHARE = "holdout_share"  # saved value: the share held out, or 0 when the fair test is off
DEFAULT_HOLDOUT_SHARE = 0.10
LOWEST_HOLDOUT_SHARE, HIGHEST_HOLDOUT_SHARE = 0.02, 0.50


def holdout_share(saved: Mapping[str, Any]) -> float | None:
    """The share of each week's flagged patients held out, when the team switched the fair test on (else None).

    A saved value that is unreadable or out of range counts as off (and is logged): never hold out by mistake."""
    value = saved.get(HOLDOUT_SHARE)
    if value is None or value == 0:
        return None
    try:
        return _number(LOWEST_HOLDOUT_SHARE, HIGHEST_HOLDOUT_SHARE)(value)
    except (TypeError, ValueError):
        log.warning("saved hold-out share ignored: not a share between 2%% and 50%%")
        return None
