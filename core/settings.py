"""The settings in force, resolved once by a function: factory defaults, then secrets.toml, then the environment.

Nothing is read at import time. ``load_settings()`` reads ``os.environ`` and ``.streamlit/secrets.toml``
when it is called; ``resolve_settings(env, secrets)`` is the pure core that tests call with their own
mappings. Every value keeps where it came from, so the app can show what a deployment changed. A bad
value raises SettingsError naming the variable.

Environment variables (all optional); the same keys, lower-case without the prefix, go in a
``[settings]`` table of secrets.toml:
    RRADAR_INTERVENTION_COST, RRADAR_DROPOUT_COST (dollars), RRADAR_EFFECTIVENESS (0-1),
    RRADAR_REFERENCE_THRESHOLD (0-1), RRADAR_MAX_UPLOAD_MB,
    RRADAR_BAND_<NAME>_LOWER (0-1), RRADAR_BAND_<NAME>_ACTION, RRADAR_BAND_<NAME>_COST
Outside ``[settings]``: RRADAR_LOG_DIR (audit trail folder), RRADAR_PASSWORD_HASH or ``[auth] password_hash``,
RRADAR_AUDIT_SALT or ``[audit] salt``, RRADAR_MODEL_SHA256 or ``[model] sha256`` (the only model file
accepted), RRADAR_LOG_LEVEL (the app's own log level), RRADAR_DATABASE_URL or ``[database] url`` (where
uploads, contacts, saved settings and users are kept; by default a SQLite file in the audit log's folder),
RRADAR_MODELS_DIR (the model registry: its versions and which is in use; by default models/),
MLFLOW_TRACKING_URI or ``[mlflow] tracking_uri`` (log each training run to that MLflow too; core.training.tracking).
RRADAR_REQUIRE_SIGN_IN or ``[auth] require_sign_in`` (true: never open without sign-in, even when the user
database cannot be reached). Streamlit's own ``[auth]`` keys configure an identity provider (core.trust.providers).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.decisions.bands import FACTORY_BANDS, RiskBand
from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.paths import DEFAULT_LOG_DIR, MODELS_DIR, SECRETS_PATH
from core.trust.client_address import parse_networks
from core.trust.providers import IdentityProvider, identity_providers

ENV_PREFIX = "RRADAR_"
FACTORY_REFERENCE_THRESHOLD = 0.50
FACTORY_MAX_UPLOAD_MB = 200  # also the ceiling in .streamlit/config.toml (server.maxUploadSize)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# The default database lives beside the audit log: the folder that already holds the deployment's own
# state (salt, sign-in attempts), follows RRADAR_LOG_DIR, and is never committed (.gitignore lists logs/).
DEFAULT_DATABASE_FILE = "retention_radar.sqlite3"
MLFLOW_TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI"  # MLflow's own name, so one variable serves both


class SettingsError(ValueError):
    """An override is not a valid value; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    value: Any
    source: str  # "default", "environment" or "secrets.toml"


@dataclass(frozen=True)
class Settings:
    """Everything a deployment can set, resolved once and passed to the code that needs it."""

    costs: CostSettings
    bands: tuple[RiskBand, ...]
    reference_threshold: float
    max_upload_mb: int
    log_dir: Path
    log_level: str
    password_hash: str | None
    audit_salt: str | None
    model_sha256: str | None  # the model file this deployment accepts, pinned outside the models folder
    database_url: str  # SQLAlchemy URL of the store (core.store); may hold a password, so never shown
    models_dir: Path  # the model registry: versions and which one is in use
    in_force: tuple[Setting, ...]  # the user-facing values above with where each came from
    # Where each training run is also logged (None: nowhere); may hold a password, so never shown.
    mlflow_tracking_uri: str | None = None
    require_sign_in: bool = False  # refuse to open, rather than run open, when the user database is down
    identity_providers: tuple[IdentityProvider, ...] = ()  # OIDC providers configured for st.login
    trusted_proxies: tuple[str, ...] = ()  # reverse proxies whose X-Forwarded-For names the client

    @property
    def overridden(self) -> list[Setting]:
        """The values a deployment changed (not the factory defaults)."""
        return [s for s in self.in_force if s.source != "default"]

    @classmethod
    def factory(cls) -> Settings:
        """The product's own defaults, as if nothing were configured."""
        return resolve_settings({}, {})


def read_secrets(path: Path) -> dict[str, Any]:
    """The parsed secrets.toml, or {} when there is none."""
    if not path.exists():
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path.name} is not valid TOML: {exc}") from None


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
    if not low <= value <= (high if high is not None else float("inf")):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SettingsError(f"{ENV_PREFIX}{key.upper()} must be {limit}, got {value}")
    return value


def resolve_number(
    key: str,
    default: float,
    env: Mapping[str, str],
    secrets: Mapping[str, Any],
    low: float = 0.0,
    high: float | None = None,
) -> Setting:
    found = _lookup(key, env, secrets)
    if found is None:
        return Setting(key, default, "default")
    return Setting(key, _number(key, found[0], low, high), found[1])


def resolve_bands(
    defaults: tuple[RiskBand, ...], env: Mapping[str, str], secrets: Mapping[str, Any]
) -> tuple[tuple[RiskBand, ...], list[Setting]]:
    """Bands with any overridden cut point, action or cost; checks the cut points still descend."""
    bands, notes = [], []
    for band in defaults:
        prefix = f"band_{band.name.lower()}"
        lower = resolve_number(f"{prefix}_lower", band.lower, env, secrets, 0.0, 1.0)
        cost = resolve_number(f"{prefix}_cost", band.action_cost, env, secrets, 0.0)
        action = _lookup(f"{prefix}_action", env, secrets)
        updated = replace(
            band, lower=lower.value, action_cost=cost.value, action=str(action[0]) if action else band.action
        )
        bands.append(updated)
        notes += [lower, cost, Setting(f"{prefix}_action", updated.action, action[1] if action else "default")]
    lowers = [b.lower for b in bands]
    if lowers != sorted(lowers, reverse=True) or lowers[-1] != 0.0:
        raise SettingsError(f"band cut points must descend and end at 0, got {lowers}")
    return tuple(bands), notes


def _secret(env: Mapping[str, str], secrets: Mapping[str, Any], variable: str, table: str, key: str) -> str | None:
    value = env.get(ENV_PREFIX + variable) or secrets.get(table, {}).get(key)
    return str(value) if value else None


def _pinned_hash(value: str | None) -> str | None:
    if value is None:
        return None
    digest = value.strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise SettingsError(f"{ENV_PREFIX}MODEL_SHA256 must be a SHA-256 (64 hexadecimal characters), got {value!r}")
    return digest


def _mlflow_tracking_uri(env: Mapping[str, str], secrets: Mapping[str, Any]) -> str | None:
    """MLflow's own variable first (MLflow reads it too), then ``[mlflow] tracking_uri`` in secrets.toml."""
    from_env = str(env.get(MLFLOW_TRACKING_URI_VARIABLE) or "").strip()
    from_secrets = str(secrets.get("mlflow", {}).get("tracking_uri") or "").strip()
    return from_env or from_secrets or None


TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _flag(env: Mapping[str, str], secrets: Mapping[str, Any], variable: str, table: str, key: str) -> bool:
    raw = env.get(ENV_PREFIX + variable)
    raw = secrets.get(table, {}).get(key, False) if raw is None or str(raw).strip() == "" else raw
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise SettingsError(f"{ENV_PREFIX}{variable} must be true or false, got {raw!r}")
    return word in TRUE_WORDS


def _trusted_proxies(env: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[str, ...]:
    """RRADAR_TRUSTED_PROXIES (comma-separated) or ``[server] trusted_proxies`` (a list) in secrets.toml."""
    raw: Any = env.get(ENV_PREFIX + "TRUSTED_PROXIES") or secrets.get("server", {}).get("trusted_proxies", ())
    entries = raw.split(",") if isinstance(raw, str) else list(raw)
    try:
        return parse_networks(entries)
    except ValueError as error:
        raise SettingsError(f"{ENV_PREFIX}TRUSTED_PROXIES: {error}") from None


def default_database_url(log_dir: Path) -> str:
    """The SQLite file beside the audit log (relative like the log folder itself, if that is relative)."""
    return f"sqlite:///{Path(log_dir) / DEFAULT_DATABASE_FILE}"


def resolve_settings(env: Mapping[str, str], secrets: Mapping[str, Any]) -> Settings:
    """The settings for this environment and secrets (pure: no file or process state is read)."""
    costs = [
        resolve_number("intervention_cost", FACTORY_COSTS.intervention_cost, env, secrets),
        resolve_number("dropout_cost", FACTORY_COSTS.dropout_cost, env, secrets),
        resolve_number("effectiveness", FACTORY_COSTS.effectiveness, env, secrets, 0.0, 1.0),
    ]
    reference = resolve_number("reference_threshold", FACTORY_REFERENCE_THRESHOLD, env, secrets, 0.0, 1.0)
    upload = resolve_number("max_upload_mb", FACTORY_MAX_UPLOAD_MB, env, secrets, 1.0, FACTORY_MAX_UPLOAD_MB)
    bands, band_settings = resolve_bands(FACTORY_BANDS, env, secrets)
    level = str(env.get(ENV_PREFIX + "LOG_LEVEL") or "WARNING").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"{ENV_PREFIX}LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    log_dir = Path(env.get(ENV_PREFIX + "LOG_DIR") or DEFAULT_LOG_DIR)
    return Settings(
        costs=CostSettings(*(c.value for c in costs)),
        bands=bands,
        reference_threshold=reference.value,
        max_upload_mb=int(upload.value),
        log_dir=log_dir,
        log_level=level,
        password_hash=_secret(env, secrets, "PASSWORD_HASH", "auth", "password_hash"),
        audit_salt=_secret(env, secrets, "AUDIT_SALT", "audit", "salt"),
        model_sha256=_pinned_hash(_secret(env, secrets, "MODEL_SHA256", "model", "sha256")),
        database_url=_secret(env, secrets, "DATABASE_URL", "database", "url") or default_database_url(log_dir),
        models_dir=Path(env.get(ENV_PREFIX + "MODELS_DIR") or MODELS_DIR),
        in_force=(*costs, reference, upload, *band_settings),
        mlflow_tracking_uri=_mlflow_tracking_uri(env, secrets),
        require_sign_in=_flag(env, secrets, "REQUIRE_SIGN_IN", "auth", "require_sign_in"),
        identity_providers=identity_providers(secrets.get("auth", {})),
        trusted_proxies=_trusted_proxies(env, secrets),
    )


def load_settings(env: Mapping[str, str] | None = None, secrets_path: Path = SECRETS_PATH) -> Settings:
    """The settings of this process: the real environment and secrets.toml, read now."""
    return resolve_settings(os.environ if env is None else env, read_secrets(secrets_path))
