"""Deployment overrides of the defaults: environment variables first, then secrets.toml, then the default.

Pure functions: ``core.config`` calls ``resolve`` once at import with the real environment and
``.streamlit/secrets.toml``; tests call it with their own mappings. Every value keeps where it came
from so the app can show which settings are in force.

Environment variables (all optional):
    RRADAR_INTERVENTION_COST, RRADAR_DROPOUT_COST (dollars), RRADAR_EFFECTIVENESS (0-1),
    RRADAR_REFERENCE_THRESHOLD (0-1), RRADAR_MAX_UPLOAD_MB,
    RRADAR_BAND_<NAME>_LOWER (0-1), RRADAR_BAND_<NAME>_ACTION, RRADAR_BAND_<NAME>_COST
The same keys, lower-case and without the RRADAR_ prefix, go in a ``[settings]`` table of secrets.toml.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "RRADAR_"


class SettingsError(ValueError):
    """An override is not a valid value; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    value: Any
    source: str  # "default", "environment" or "secrets.toml"


def read_secrets(path: Path) -> dict[str, Any]:
    """The parsed secrets.toml, or {} when there is none."""
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _lookup(key: str, env: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[Any, str] | None:
    env_key = ENV_PREFIX + key.upper()
    if env_key in env and str(env[env_key]).strip() != "":
        return env[env_key], "environment"
    table = secrets.get("settings", {})
    if key in table:
        return table[key], "secrets.toml"
    return None


def _number(key: str, raw: Any, low: float, high: float | None) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{ENV_PREFIX}{key.upper()} must be a number, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SettingsError(f"{ENV_PREFIX}{key.upper()} must be {limit}, got {value}")
    return value


def resolve_number(key: str, default: float, env: Mapping[str, str], secrets: Mapping[str, Any],
                   low: float = 0.0, high: float | None = None) -> Setting:
    found = _lookup(key, env, secrets)
    if found is None:
        return Setting(key, default, "default")
    return Setting(key, _number(key, found[0], low, high), found[1])


def resolve_bands(defaults: tuple, env: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[tuple, list[Setting]]:
    """Bands with any overridden cut point, action or cost; checks the cut points still descend."""
    bands, notes = [], []
    for band in defaults:
        prefix = f"band_{band.name.lower()}"
        lower = resolve_number(f"{prefix}_lower", band.lower, env, secrets, 0.0, 1.0)
        cost = resolve_number(f"{prefix}_cost", band.action_cost, env, secrets, 0.0)
        action = _lookup(f"{prefix}_action", env, secrets)
        updated = replace(band, lower=lower.value, action_cost=cost.value,
                          action=str(action[0]) if action else band.action)
        bands.append(updated)
        notes += [s for s in (lower, cost) if s.source != "default"]
        if action:
            notes.append(Setting(f"{prefix}_action", updated.action, action[1]))
    lowers = [b.lower for b in bands]
    if lowers != sorted(lowers, reverse=True) or lowers[-1] != 0.0:
        raise SettingsError(f"band cut points must descend and end at 0, got {lowers}")
    return tuple(bands), notes
