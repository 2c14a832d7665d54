"""The API on a settings of its own: a fresh SQLite store and audit trail, and a copy of the model registry (so a
promotion never touches the checkout's models/), with a key per role and a revoked one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.config import ApiConfig
from api.factory import create_app
from core.paths import MODELS_DIR
from core.settings import Settings
from core.store import Store
from core.trust.api_keys import key_hash, new_key


@dataclass(frozen=True)
class Deployment:
    settings: Settings
    keys: dict[str, str]  # "coordinator", "manager", "revoked" -> the key

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}


def deployment(root: Path) -> Deployment:
    models = root / "models"
    shutil.copytree(MODELS_DIR, models)
    settings = replace(
        Settings.factory(),
        log_dir=root / "logs",
        database_url=f"sqlite:///{root / 'store.sqlite3'}",
        models_dir=models,
        audit_salt="test-salt",
    )
    keys = {role: new_key() for role in ("coordinator", "manager", "revoked")}
    with Store.open(settings.database_url) as store:
        for name, key in keys.items():
            store.api_keys.add(f"{name}-key", "manager" if name == "manager" else "coordinator", key_hash(key))
        store.api_keys.revoke("revoked-key")
    return Deployment(settings, keys)


@pytest.fixture
def deployed(tmp_path: Path) -> Deployment:
    return deployment(tmp_path)


@pytest.fixture
def client(deployed: Deployment) -> Iterator[TestClient]:
    with TestClient(create_app(deployed.settings, ApiConfig(rate_limit=10_000)), raise_server_exceptions=False) as c:
        yield c
