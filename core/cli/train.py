"""Train a model from the command line.

    python -m core.cli.train --history FOLDER_OR_WORKBOOK [--history ANOTHER ...] [--out DIR] [--trial NAME] [--promote]
                             [--outcome dropout|any] [--columns matching.toml] [--problems set_aside.csv]
                             [--day-first | --month-first]
    python -m core.cli.train                      # the bundled generic model, from the synthetic history

With ``--history``, the trial's own history (three tables or SDTM) is cross-validated and both model
families are written as versions: registered in ``models/`` (or the registry in ``--out``), or, when
``--out`` is a folder without a registry, written there one folder per version. Nothing is put in
use unless ``--promote`` is given; ``python -m core.cli.models`` promotes and rolls back later.
With ``--history`` given more than once, one time-to-dropout version is trained on every trial's weeks
(``core.training.pooled_training``), each trial measured by the model trained on the others, and registered.
``--outcome`` says what counts as dropout: ``dropout`` (the default: withdrawal, lost to follow-up,
non-compliance; other endings such as adverse events count as not dropping out) or ``any`` (every
discontinuation), as ``core.history.endings`` defines them. The run
prints the column matching it used and the rows set aside with their reasons (``core.cli.history_input``).
Errors are one line, never a traceback: exit 1 when refused (too little data, no patient to use), 2 for input
that cannot be used.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from core.cli.common import audit, error_line
from core.cli.history_input import HistoryRefused, add_history_arguments, load_history
from core.cli.pooled_input import comparison_registry, options_of, pooled_command
from core.cli.pooled_input import model_in_use as _model_in_use
from core.history.endings import DEFAULT_OUTCOME, DEFINITIONS
from core.history.reader import files_sha256
from core.model.bundle import ModelIntegrityError
from core.model.registry import REGISTRY_FILE, Registry, RegistryError
from core.paths import BUNDLED_MODEL_DIR, MODELS_DIR, TRAINING_DATA_PATH
from core.reading.errors import SchemaError
from core.settings import SettingsError, load_settings
from core.training import tracking
from core.training.landmark_data import TrainingRefused
from core.training.summary_lines import summary_lines
from core.training.trial_training import TrainingRun, TrainingSource, train_history
from core.training.trial_versions import register_versions, write_version

log = logging.getLogger(__name__)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train a dropout model: on a trial's history, or the bundled one.")
    parser.add_argument(
        "--history",
        type=Path,
        action="append",
        help="a trial history: a folder of tables or SDTM, or a workbook; give it again for each earlier trial "
        "to train one time-to-dropout model on them all, each trial measured by the model trained on the others",
    )
    parser.add_argument("--out", type=Path, default=None, help="models folder (registry) or a plain output folder")
    parser.add_argument("--trial", default=None, help="the trial's name for the model card (default: the file name)")
    parser.add_argument(
        "--promote",
        action="store_true",
        help="put the recommended version in use at once (never when the recommendation is to keep the model in use)",
    )
    parser.add_argument(
        "--outcome",
        choices=sorted(DEFINITIONS),
        default=DEFAULT_OUTCOME.name,
        help="what counts as dropout: retention dropouts only (dropout, the default) or any discontinuation (any)",
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats (default: 3 under 1,000 patients, else 1)")
    add_history_arguments(parser)
    parser.add_argument("--data", type=Path, default=TRAINING_DATA_PATH, help="synthetic training file (no --history)")
    return parser.parse_args(argv)


def _progress(fraction: float, words: str) -> None:
    print(f"[{fraction:4.0%}] {words}", flush=True)


def _train_history(args: argparse.Namespace) -> TrainingRun:
    settings = load_settings()
    history, files = load_history(args, settings.max_upload_mb)
    source = TrainingSource(args.trial or args.history.stem, tuple(sorted(files)), files_sha256(files))
    in_use = _model_in_use(comparison_registry(args, settings))
    return train_history(history, source, options_of(args, settings), in_use, _progress)


def _save(run: TrainingRun, args: argparse.Namespace) -> list[str]:
    """Register both versions (or write them into a plain folder); returns what was done, in lines."""
    settings = load_settings()
    root = settings.models_dir if args.out is None else args.out
    if not (root / REGISTRY_FILE).exists():
        lines = []
        root.mkdir(parents=True, exist_ok=True)
        for family in run.models:
            staging = Path(tempfile.mkdtemp(dir=root, prefix=".training-"))
            card = write_version(run, family, staging)
            folder = root / card["model_version"]
            if folder.exists():
                shutil.rmtree(folder)  # the same inputs give the same version: replace it whole
            staging.rename(folder)
            lines.append(f"wrote {card['model_version']} to {folder}")
        return lines
    registry = Registry(root, settings.model_sha256)
    names = register_versions(run, registry)
    recommended = names[run.recommendation["family"]]
    lines = [f"registered {name} ({family})" for family, name in names.items()]
    audit("model_trained", versions=list(names.values()), trial=run.source.trial)
    trained = [v for v in registry.versions() if v.name in names.values()]
    tracked, warnings = tracking.log_versions(tracking.tracking_uri(settings), trained)
    lines += [f"logged to MLflow: {run.model_name} version {run.model_version}" for run in tracked] + warnings
    keep = bool(run.recommendation.get("keep_in_use"))
    if args.promote and keep:
        lines.append(
            "not promoted: the recommendation is to keep the model in use (--promote follows it); "
            f"to use the best candidate anyway: python -m core.cli.models promote {recommended}"
        )
    elif args.promote:
        previous = registry.promote(recommended, "command line")
        audit("model_promoted", version=recommended, replaced=previous, by="command line")
        lines.append(
            f"{recommended} is now in use (replacing {previous}); undo with: python -m core.cli.models rollback"
        )
    else:
        lines.append(
            f"nothing changed in use; to use the best candidate anyway: python -m core.cli.models promote {recommended}"
        )
    return lines


def _train_bundled(args: argparse.Namespace) -> int:
    from core.training.bundled_model import train  # the synthetic path needs none of the trial code, and the reverse

    card = train(args.data, BUNDLED_MODEL_DIR if args.out is None else args.out)
    if args.out is None:
        Registry(MODELS_DIR).replace_bundled(card["model_version"], card["model_sha256"])
    test = card["metrics"]["test"]
    print(
        f"model {card['model_version']}: test ROC AUC {test['roc_auc']['value']} "
        f"(oracle {test.get('oracle_roc_auc', {}).get('value')}), ECE {test['ece']['value']}, "
        f"default threshold {card['decision']['default_threshold']}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.history is None:
        return _train_bundled(args)
    try:
        if len(args.history) > 1:
            lines = pooled_command(args)
        else:
            args.history = args.history[0]
            run = _train_history(args)
            lines = summary_lines(run) + _save(run, args)
    except (TrainingRefused, HistoryRefused) as exc:
        print(f"not trained: {error_line(exc)}", file=sys.stderr)
        return 1
    except (SchemaError, SettingsError, RegistryError, ModelIntegrityError, OSError) as exc:
        print("error: " + error_line(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # the command line never shows a traceback; the message says what stopped
        print(f"error: training stopped unexpectedly ({type(exc).__name__}: {error_line(exc)})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cancelled: nothing was written; the model in use is unchanged", file=sys.stderr)
        return 130
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
