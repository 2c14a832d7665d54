"""Replay a trial's history week by week: whom the weekly call list would have reached before they left, how
early, for how many calls, beside what coordinators do today at the same number of calls.

    python -m core.cli.replay --history FOLDER_OR_WORKBOOK [--capacity K | --capacity 5%] [--threshold T]
                              [--start YYYY-MM-DD] [--retrain-weeks N] [--called-weeks N] [--draws N]
                              [--outcome dropout|any] [--model landmark|time]
                              [--columns matching.toml] [--day-first | --month-first] -o replay.json|replay.html

Every week uses only what was known that day (``core.replay``). The JSON holds ``dropouts``,
``reached_before_leaving``, ``median_weeks_of_warning``, ``calls``, ``baselines`` (each rule with the same keys),
``by_site`` and ``capacity_curve``; ``.html`` writes a small self-contained page instead. Errors are one line,
never a traceback: exit 1 when the history holds nothing to replay, 2 for input that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from core.cli.common import error_line
from core.cli.history_input import HistoryRefused, add_history_arguments, load_history
from core.history.endings import DEFAULT_OUTCOME, DEFINITIONS, OutcomeDefinition
from core.model.bundle import ModelIntegrityError
from core.model.registry import Registry, RegistryError
from core.reading.errors import SchemaError
from core.replay.html_page import replay_html
from core.replay.run import ReplayOptions, ReplayRefused, replay_trial
from core.replay.scorers import fallback_model, time_trainer
from core.replay.words import headline
from core.settings import SettingsError, load_settings


def capacity_argument(text: str) -> tuple[int | None, float | None]:
    """``50`` (calls a week) or ``5%`` (of the week's ongoing patients); ArgumentTypeError otherwise."""
    try:
        if text.strip().endswith("%"):
            share = float(text.strip()[:-1]) / 100
            if not 0 < share <= 1:
                raise ValueError
            return None, share
        calls = int(text)
        if calls < 0:
            raise ValueError
        return calls, None
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--capacity is calls a week (50) or a share of patients (5%), not {text!r}"
        ) from None


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Replay a trial's history: what the weekly call list would have caught."
    )
    parser.add_argument(
        "--history", type=Path, required=True, help="a trial history: a folder of tables or SDTM, or a workbook"
    )
    parser.add_argument(
        "--capacity", type=capacity_argument, default=(None, None), help="calls a week (50) or a share (5%%)"
    )
    parser.add_argument(
        "--threshold", type=float, default=None, help="flag at or above this chance (default: the model's)"
    )
    parser.add_argument(
        "--start", type=date.fromisoformat, default=None, help="first week (default: when it could train)"
    )
    parser.add_argument("--retrain-weeks", type=int, default=4, help="retrain every N weeks (default 4)")
    parser.add_argument("--called-weeks", type=int, default=4, help="a called patient is not called again for N weeks")
    parser.add_argument("--draws", type=int, default=20, help="random-call draws averaged (default 20)")
    parser.add_argument(
        "--outcome",
        choices=sorted(DEFINITIONS),
        default=DEFAULT_OUTCOME.name,
        help="what counts as dropout, as for train: retention dropouts only (dropout, the default) or any "
        "discontinuation (any); the models learn it and the replay counts it",
    )
    parser.add_argument(
        "--model",
        choices=("landmark", "time"),
        default="landmark",
        help="what the trial retrains each time: the landmark models (landmark, the default; a patient is judged "
        "from the first landmark day) or the time-to-dropout model (time; every patient from day 1)",
    )
    add_history_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, required=True, help="replay.json, or replay.html for a page")
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    for name in ("retrain_weeks", "called_weeks", "draws"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be 1 or more")
    if args.output.suffix.lower() not in (".json", ".html"):
        parser.error("-o must end in .json or .html")
    return args


def _progress(fraction: float, words: str) -> None:
    print(f"[{fraction:4.0%}] {words}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        settings = load_settings()
        history, _ = load_history(args, settings.max_upload_mb)
        calls, share = args.capacity
        options = ReplayOptions(
            threshold=args.threshold,
            capacity=calls,
            capacity_share=share,
            start=pd.Timestamp(args.start) if args.start else None,
            retrain_weeks=args.retrain_weeks,
            called_weeks=args.called_weeks,
            draws=args.draws,
            costs=settings.costs,
            bands=settings.bands,
            outcome=OutcomeDefinition(args.outcome),
        )
        fallback = fallback_model(Registry(settings.models_dir, settings.model_sha256))
        trainer = time_trainer(settings.costs, options.outcome) if args.model == "time" else None
        result = replay_trial(history, fallback, options, trainer, progress=_progress)
        result["settings"]["model"] = args.model
        html = args.output.suffix.lower() == ".html"
        text = replay_html(result, args.history.name) if html else json.dumps(result, indent=2) + "\n"
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    except (HistoryRefused, ReplayRefused) as exc:
        print(f"not replayed: {error_line(exc)}", file=sys.stderr)
        return 1
    except (SchemaError, SettingsError, ModelIntegrityError, RegistryError, OSError, ValueError) as exc:
        print("error: " + error_line(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # the command line never shows a traceback; the message says what stopped
        print(f"error: the replay stopped unexpectedly ({type(exc).__name__}: {error_line(exc)})", file=sys.stderr)
        return 2
    print(headline(result))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
