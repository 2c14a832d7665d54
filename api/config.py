"""The API's own settings, read from the environment when called (never at import).

RRADAR_API_PORT        the port ``python -m api`` listens on (default 8000, on 127.0.0.1 only)
RRADAR_API_RATE_LIMIT  calls a key may make per minute (default 120); more answer 429 with Retry-After
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from core.settings import SettingsError

DEFAULT_PORT = 8000
DEFAULT_RATE_LIMIT = 120  # calls per key per minute: a busy integration, not a runaway loop


@dataclass(frozen=True)
class ApiConfig:
    port: int = DEFAULT_PORT
    rate_limit: int = DEFAULT_RATE_LIMIT  # calls per key per minute


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = str(env.get(name, "")).strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def load_config(env: Mapping[str, str] | None = None) -> ApiConfig:
    """The API's settings from ``env`` (default: the process environment); SettingsError names a bad one."""
    env = os.environ if env is None else env
    return ApiConfig(
        port=_whole(env, "RRADAR_API_PORT", DEFAULT_PORT, 1, 65535),
        rate_limit=_whole(env, "RRADAR_API_RATE_LIMIT", DEFAULT_RATE_LIMIT, 1, 1_000_000),
    )
