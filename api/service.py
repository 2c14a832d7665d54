"""What every route shares: the deployment's settings, the store, the model in use, the audit trail, the limiter.

The store is opened on first use (and again after it failed), so the process answers /v1/health while the
database is down and /v1/ready says what is missing. The model in use is loaded (verified against its card,
the registry and the deployment's pin) once per version: promoting another version, here or in the app,
switches to it at the next call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from api.config import ApiConfig
from api.limits import RateLimiter
from core.model.bundle import ModelBundle
from core.model.registry import Registry
from core.settings import Settings
from core.store import Store
from core.trust.audit import AuditLog


@dataclass
class Service:
    settings: Settings
    config: ApiConfig
    limiter: RateLimiter
    _store: Store | None = None
    _bundle: ModelBundle | None = None
    _audit: AuditLog | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, settings: Settings, config: ApiConfig) -> Service:
        return cls(settings, config, RateLimiter(config.rate_limit))

    @property
    def registry(self) -> Registry:
        return Registry(self.settings.models_dir, self.settings.model_sha256)

    def store(self) -> Store:
        """The open store (StoreUnavailable or MigrationFailed when it cannot be opened)."""
        with self._lock:
            if self._store is None:
                self._store = Store.open(self.settings.database_url)
            return self._store

    def bundle(self) -> ModelBundle:
        """The model in use, loaded once per version (ModelIntegrityError or RegistryError when it cannot be)."""
        in_use = self.registry.in_use()
        with self._lock:
            if self._bundle is None or self._bundle.version != in_use:
                self._bundle = self.registry.load(in_use)
            return self._bundle

    def audit(self) -> AuditLog:
        with self._lock:
            if self._audit is None:
                self._audit = AuditLog.open(self.settings.log_dir, self.settings.audit_salt)
            return self._audit

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
