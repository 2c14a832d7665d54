"""Model versions on disk, and which one is in use.

``models/`` holds one folder per version (model file, card, its held-out or cross-validated
predictions) and ``registry.json``: the version in use, the SHA-256 of every registered model file, and
the history of promotions. A version is loaded only when its file matches both its card and the hash
recorded when it was registered, so a model and card swapped together are still refused. Promotion is
one atomic write of ``registry.json``: a failed or cancelled training never touches the model in use.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.model import card_words
from core.model.bundle import ModelBundle, ModelIntegrityError, load_bundle, sha256_of_file
from core.paths import MODEL_CARD_FILE, MODEL_FILE

REGISTRY_FILE = "registry.json"
BUNDLED_FOLDER = "bundled"  # the generic model that ships with the product


class RegistryError(RuntimeError):
    """The registry cannot do what was asked; the message says why in plain words."""


@dataclass(frozen=True)
class Version:
    """One registered model version, as the registry and its card describe it."""

    name: str
    folder: Path
    card: dict[str, Any]
    in_use: bool

    @property
    def trained_on(self) -> str:
        return card_words.trained_on(self.card)


class Registry:
    """The versions in ``root`` (``models/``) and the pointer to the one in use.

    ``pinned_sha256`` is the model file the deployment accepts (its settings, outside the models folder):
    every load (scoring, training's comparison, promote, roll back, the pages) checks it before unpickling.
    """

    def __init__(self, root: Path, pinned_sha256: str | None = None) -> None:
        self.root = Path(root)
        self.pinned_sha256 = pinned_sha256

    @property
    def _path(self) -> Path:
        return self.root / REGISTRY_FILE

    def _read(self) -> dict[str, Any]:
        if not self._path.exists():
            raise RegistryError(f"{self._path} is missing: the models folder has no registry.")
        return json.loads(self._path.read_text())

    def _write(self, data: dict[str, Any]) -> None:
        """Atomic replace: readers see the old registry or the new one, never half of one."""
        descriptor, temporary = tempfile.mkstemp(dir=self.root, prefix=".registry-")
        with os.fdopen(descriptor, "w") as handle:
            json.dump(data, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._path)

    def versions(self) -> list[Version]:
        """Every registered version, newest first."""
        data = self._read()
        found = []
        for name, entry in data["versions"].items():
            folder = self.root / entry["folder"]
            card = json.loads((folder / MODEL_CARD_FILE).read_text()) if (folder / MODEL_CARD_FILE).exists() else {}
            found.append(Version(name, folder, card, name == data["in_use"]))
        return sorted(found, key=lambda v: str(v.card.get("created_at", "")), reverse=True)

    def in_use(self) -> str:
        return str(self._read()["in_use"])

    def load(self, name: str | None = None, pinned_sha256: str | None = None) -> ModelBundle:
        """A version (default: the one in use), checked against the hash it was registered with, its card and
        the deployment's pin (``pinned_sha256``, else the registry's own) before its file is unpickled."""
        pinned_sha256 = pinned_sha256 or self.pinned_sha256
        data = self._read()
        name = name or data["in_use"]
        if name not in data["versions"]:
            raise RegistryError(f"There is no model version {name}.")
        folder = self.root / data["versions"][name]["folder"]
        registered = data["versions"][name]["model_sha256"]
        actual = sha256_of_file(folder / MODEL_FILE)
        if actual != registered:
            raise ModelIntegrityError(
                f"Model version {name} has been altered since it was registered (SHA-256 {actual[:12]}… found, "
                f"{registered[:12]}… registered); it was not loaded. Restore it or train again."
            )
        return load_bundle(folder / MODEL_FILE, folder / MODEL_CARD_FILE, pinned_sha256)

    def register(self, folder: Path) -> str:
        """Copy a trained version (model file, card, predictions) into the registry; returns its name."""
        card = json.loads((Path(folder) / MODEL_CARD_FILE).read_text())
        name = str(card["model_version"])
        load_bundle(Path(folder) / MODEL_FILE, Path(folder) / MODEL_CARD_FILE)  # only a sound version gets in
        data = self._read()
        if name in data["versions"]:
            return name  # the same model trained again (determinism): one version
        target = _folder_name(name)
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".incoming-"))
        for item in Path(folder).iterdir():
            shutil.copy2(item, staging / item.name)
        staging.rename(self.root / target)
        data["versions"][name] = {"folder": target, "model_sha256": card["model_sha256"], "registered_at": _now()}
        self._write(data)
        return name

    def replace_bundled(self, name: str, model_sha256: str) -> None:
        """Record the bundled model's files again after ``python -m core.cli.train`` rewrote them."""
        data = self._read()
        old = next((n for n, e in data["versions"].items() if e["folder"] == BUNDLED_FOLDER), None)
        if old is not None and old != name:
            del data["versions"][old]
            data["in_use"] = name if data["in_use"] == old else data["in_use"]
        data["versions"][name] = {"folder": BUNDLED_FOLDER, "model_sha256": model_sha256, "registered_at": _now()}
        self._write(data)

    def promote(self, name: str, who: str) -> str:
        """Put a version in use; returns the version it replaced."""
        return self._switch(name, who, "promote")

    def rollback(self, who: str) -> str:
        """Go back to the version in use before the latest promotion not yet rolled back; returns it."""
        earlier = _replaced_stack(self._read().get("history", []))
        if not earlier:
            raise RegistryError("No promotion is left to undo, so there is nothing to roll back to.")
        self._switch(earlier[-1], who, "rollback")
        return earlier[-1]

    def history(self) -> list[dict[str, Any]]:
        """Every promotion and rollback, oldest first: version, replaced, by, at, action."""
        return list(self._read().get("history", []))

    def _switch(self, name: str, who: str, action: str) -> str:
        data = self._read()
        if name not in data["versions"]:
            raise RegistryError(f"There is no model version {name}.")
        self.load(name)  # never put in use a version that would not load
        previous = str(data["in_use"])
        data["in_use"] = name
        data.setdefault("history", []).append(
            {"action": action, "version": name, "replaced": previous, "by": who, "at": _now()}
        )
        self._write(data)
        return previous


def _replaced_stack(history: list[dict[str, Any]]) -> list[str]:
    """The versions a rollback would return to, latest last: each promotion pushes, each rollback pops."""
    stack: list[str] = []
    for entry in history:
        if entry.get("action", "promote") == "rollback":
            if stack:
                stack.pop()
        else:
            stack.append(str(entry["replaced"]))
    return stack


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _folder_name(version: str) -> str:
    """A version's folder: its name with anything but letters, digits, dots and dashes made a dash."""
    return "".join(c if c.isalnum() or c in ".-" else "-" for c in version)


def create_registry(root: Path, first_version: str, model_sha256: str) -> None:
    """A registry with one version, in use: the bundled model in ``models/bundled``."""
    entry = {"folder": BUNDLED_FOLDER, "model_sha256": model_sha256, "registered_at": _now()}
    Registry(root)._write({"in_use": first_version, "versions": {first_version: entry}, "history": []})
