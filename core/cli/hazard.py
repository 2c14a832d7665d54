"""Train and measure the time-to-dropout (weekly hazard) model from the command line.

    python -m core.cli.hazard --history A [--history B ...] [--horizons 4 8 12] [--folds 5] [--boot 100]
                              [--compare] [--figures figures.json] [--save DIR]

Each history is cross-validated on its own (nested, site-grouped); with several, the pooled rows are also
measured leaving one whole trial out. Prints, per trial and family, the per-landmark ROC AUC of "leaves
before the end" (the landmark models' headline) and, per horizon, the time-dependent AUC, Uno's C and the
integrated Brier score, each with its 95% interval. ``--compare`` also trains the landmark models on each
trial (``core.training.trial_training``, the same as ``core.cli.train``) and prints their headline beside,
with the paired difference on the same patients. ``--save`` writes the final models and their figures (a
card with the model file's SHA-256). Errors are one line: exit 1 when refused, 2 for input that cannot be used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from core.cli.common import error_line
from core.cli.history_input import HistoryRefused, add_history_arguments, load_history
from core.history.endings import DEFAULT_OUTCOME, DEFINITIONS, OutcomeDefinition
from core.history.trial_history import TrialHistory
from core.model.time_model import HORIZONS
from core.reading.errors import SchemaError
from core.settings import SettingsError, load_settings
from core.training.candidates import FAMILIES
from core.training.hazard_training import HazardRun, train_hazard, versus_landmark_model
from core.training.landmark_data import TrainingRefused


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train and measure the weekly hazard (time to dropout) model.")
    parser.add_argument("--history", type=Path, action="append", required=True, help="a trial history (repeatable)")
    parser.add_argument("--horizons", type=int, nargs="+", default=list(HORIZONS), help="weeks (default 4 8 12)")
    parser.add_argument("--folds", type=int, default=5, help="outer cross-validation folds (default 5)")
    parser.add_argument("--boot", type=int, default=100, help="resamples of whole patients for intervals")
    parser.add_argument("--compare", action="store_true", help="also train the landmark models and compare")
    parser.add_argument(
        "--outcome",
        choices=sorted(DEFINITIONS),
        default=DEFAULT_OUTCOME.name,
        help="what counts as dropout (default: retention dropouts; other endings are censored)",
    )
    parser.add_argument("--figures", type=Path, default=None, help="write every figure here (JSON)")
    parser.add_argument("--save", type=Path, default=None, help="write the final models and their card here")
    add_history_arguments(parser, problems=False)
    return parser.parse_args(argv)


def _figure(entry: dict[str, Any]) -> str:
    if not entry:
        return "n/a"
    low, high = entry["ci95"]
    return f"{entry['value']:.3f} ({low:.3f}-{high:.3f})"


def figure_lines(run: HazardRun) -> list[str]:
    lines = []
    for scope, families in run.figures.items():
        for family in FAMILIES:
            figures = families[family]
            lines.append(
                f"{scope} | {family} | per landmark ROC AUC {_figure(figures['per_landmark'].get('roc_auc', {}))}"
            )
            for horizon, time in figures["per_horizon"].items():
                if time:
                    lines.append(
                        f"    within {horizon} weeks: time-dependent AUC {_figure(time['time_dependent_auc'])}, "
                        f"Uno's C {_figure(time['uno_c'])}, integrated Brier {_figure(time['integrated_brier'])}"
                    )
    lines.append(f"recommended family: {run.recommended} ({run.patients:,} patients, {run.rows:,} weekly rows)")
    return lines


def _compare(
    name: str, history: TrialHistory, run: HazardRun, n_boot: int, outcome: OutcomeDefinition
) -> tuple[list[str], dict[str, Any]]:
    """The landmark models on the same trial, and the paired difference with the hazard model."""
    from core.training.trial_training import TrainingOptions, TrainingSource, train_history

    options = TrainingOptions(learning_curve=False, time_to_dropout=False, outcome=outcome)
    landmark = train_history(history, TrainingSource(name, (), "0" * 64), options)
    periods, folds = run.held_out[name]
    patients = np.char.add(f"{name}/", landmark.data.patients.astype(str))
    lines, out = [], {}
    for family in landmark.probability:
        result = landmark.results.get(family)
        if result is None:
            continue
        out[family] = result["per_landmark"]
        lines.append(f"{name} | landmark {family} | per landmark ROC AUC {_figure(result['per_landmark']['roc_auc'])}")
    for family in FAMILIES:
        for other in (run.recommended, "baseline"):
            rows = (patients, landmark.data.landmark_days, landmark.data.y, landmark.probability[other])
            difference = versus_landmark_model(periods, folds, family, rows, n_boot)
            if difference:
                out[f"hazard {family} minus landmark {other}"] = difference
                lines.append(f"{name} | hazard {family} minus landmark {other}: {_figure(difference)}")
    return lines, out


def _save(run: HazardRun, folder: Path, figures: dict[str, Any]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    model_file = folder / "hazard_model.joblib"
    joblib.dump(run.models, model_file)
    card = {
        "kind": "weekly hazard",
        "recommended_family": run.recommended,
        "features": run.features,
        "model_sha256": hashlib.sha256(model_file.read_bytes()).hexdigest(),
        "figures": figures,
    }
    (folder / "card.json").write_text(json.dumps(card, indent=1, default=float))
    return f"wrote the models and their card to {folder}"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        settings = load_settings()
        histories = []
        for path in args.history:
            history, _ = load_history(
                argparse.Namespace(**{**vars(args), "history": path, "problems": None}), settings.max_upload_mb
            )
            histories.append((path.stem, history))
        outcome = OutcomeDefinition(args.outcome)
        run = train_hazard(
            histories, tuple(args.horizons), args.folds, args.boot, outcome, progress=lambda w: print(w, flush=True)
        )
        lines, figures = figure_lines(run), dict(run.figures)
        if args.compare:
            for name, history in histories:
                more, compared = _compare(name, history, run, args.boot, outcome)
                lines += more
                figures[f"{name} landmark models"] = compared
        if args.figures:
            args.figures.write_text(json.dumps(figures, indent=1, default=float))
        if args.save:
            lines.append(_save(run, args.save, figures))
    except (TrainingRefused, HistoryRefused) as exc:
        print(f"not trained: {error_line(exc)}", file=sys.stderr)
        return 1
    except (SchemaError, SettingsError, OSError) as exc:
        print("error: " + error_line(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # the command line never shows a traceback; the message says what stopped
        print(f"error: training stopped unexpectedly ({type(exc).__name__}: {error_line(exc)})", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
