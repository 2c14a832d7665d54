"""``python -m core.cli.train`` with several ``--history``: one time-to-dropout version learned from every trial.

Each history is read as a single one is (column matching, rows set aside, printed); the trials are named by
their file names. One version is registered (or written into a plain ``--out`` folder); ``--promote`` puts it
in use only when its recommendation says so.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from core.cli.common import audit
from core.cli.history_input import load_history
from core.history.endings import OutcomeDefinition
from core.history.reader import files_sha256
from core.history.trial_history import TrialHistory
from core.model.bundle import ModelBundle, ModelIntegrityError
from core.model.registry import REGISTRY_FILE, Registry, RegistryError
from core.settings import Settings, load_settings
from core.training.pooled_training import PooledRun, train_pooled
from core.training.pooled_versions import register_pooled, write_pooled_version
from core.training.summary_lines import pooled_lines
from core.training.trial_training import TrainingOptions, TrainingSource


def model_in_use(registry: Registry) -> ModelBundle | None:
    try:
        return registry.load()
    except (RegistryError, ModelIntegrityError, OSError) as exc:
        print(f"note: the model in use could not be loaded for the comparison ({exc})")
        return None


def comparison_registry(args: argparse.Namespace, settings: Settings) -> Registry:
    """The registry whose model in use a new training is compared with (``--out``'s when it is one)."""
    registry = Registry(settings.models_dir if args.out is None else args.out, settings.model_sha256)
    if not (registry.root / REGISTRY_FILE).exists():
        registry = Registry(settings.models_dir, settings.model_sha256)
    return registry


def options_of(args: argparse.Namespace, settings: Settings) -> TrainingOptions:
    return TrainingOptions(
        n_folds=args.folds, repeats=args.repeats, costs=settings.costs, outcome=OutcomeDefinition(args.outcome)
    )


def _names(paths: list[Path]) -> list[str]:
    """Each trial's name: its file name, numbered when two are alike."""
    stems = [path.stem for path in paths]
    return [stem if stems.count(stem) == 1 else f"{stem}-{i + 1}" for i, stem in enumerate(stems)]


def _sources(args: argparse.Namespace, settings: Settings) -> list[tuple[TrainingSource, TrialHistory]]:
    sources = []
    for path, name in zip(args.history, _names(args.history), strict=True):
        print(f"reading {name} ({path})")
        single = argparse.Namespace(**{**vars(args), "history": path, "problems": None})
        history, files = load_history(single, settings.max_upload_mb)
        sources.append((TrainingSource(name, tuple(sorted(files)), files_sha256(files)), history))
    return sources


def _save(run: PooledRun, args: argparse.Namespace, settings: Settings, in_use: ModelBundle | None) -> list[str]:
    root = settings.models_dir if args.out is None else args.out
    version = in_use.version if in_use is not None else None
    if not (root / REGISTRY_FILE).exists():
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".training-"))
        card = write_pooled_version(run, staging, run.options.costs, version)
        folder = root / card["model_version"]
        if folder.exists():
            shutil.rmtree(folder)  # the same inputs give the same version: replace it whole
        staging.rename(folder)
        return [f"wrote {card['model_version']} to {folder}"]
    registry = Registry(root, settings.model_sha256)
    name = register_pooled(run, registry, run.options.costs, version)
    audit("model_trained", versions=[name], trial=" + ".join(t.name for t in run.trials))
    lines = [f"registered {name} (time to dropout, learned from {len(run.trials)} trials)"]
    keep = bool(registry.versions() and _card_of(registry, name).get("recommendation", {}).get("keep_in_use"))
    if args.promote and not keep:
        previous = registry.promote(name, "command line")
        audit("model_promoted", version=name, replaced=previous, by="command line")
        return [*lines, f"{name} is now in use (replacing {previous}); undo with: python -m core.cli.models rollback"]
    why = "the recommendation is to keep the model in use" if keep else "--promote was not given"
    return [*lines, f"nothing changed in use ({why}); to use it anyway: python -m core.cli.models promote {name}"]


def _card_of(registry: Registry, name: str) -> dict:
    return next(v.card for v in registry.versions() if v.name == name)


def pooled_command(args: argparse.Namespace) -> list[str]:
    """Read every history, train the pooled version, save it; returns the lines to print."""
    settings = load_settings()
    sources = _sources(args, settings)
    in_use = model_in_use(comparison_registry(args, settings))
    run = train_pooled(sources, options_of(args, settings), in_use, lambda words: print(words, flush=True))
    return pooled_lines(run) + _save(run, args, settings, in_use)
