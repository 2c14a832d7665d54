"""When would a trial's own model have overtaken the model learned elsewhere?

    python -m core.cli.overtake --history FOLDER_OR_WORKBOOK [--against VERSION] [--outcome dropout|any]
                                [--shares 0.25 0.5 0.75] [--boot N] [-o overtaking.json]
                                [--columns matching.toml] [--day-first | --month-first]

``--against``: a registered model version learned elsewhere (a pooled version trained on a sponsor's earlier
trials with ``python -m core.cli.train --history B --history C``, or the bundled one); default the model in
use. A version that trained on this trial's patients is refused: its figures would flatter it. At each share
of enrolment, the trial's own time-to-dropout model is trained on the history as it stood then and both are
measured on the patients enrolled later (``core.replay.overtaking``). Errors are one line: exit 1 when
refused, 2 for input that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.cli.common import error_line
from core.cli.history_input import HistoryRefused, add_history_arguments, load_history
from core.history.endings import DEFAULT_OUTCOME, DEFINITIONS, OutcomeDefinition
from core.model.bundle import ModelIntegrityError
from core.model.registry import Registry, RegistryError
from core.reading.contract import ID_COLUMN
from core.reading.errors import SchemaError
from core.replay.overtaking import SHARES, in_words, overtaking
from core.settings import SettingsError, load_settings
from core.training.training_patients import seen_in_training


class Refused(ValueError):
    pass


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="When the trial's own model overtakes a model learned elsewhere.")
    parser.add_argument("--history", type=Path, required=True, help="the trial's history (folder or workbook)")
    parser.add_argument("--against", default=None, help="a registered version learned elsewhere (default: in use)")
    parser.add_argument("--outcome", choices=sorted(DEFINITIONS), default=DEFAULT_OUTCOME.name)
    parser.add_argument("--shares", type=float, nargs="+", default=list(SHARES), help="shares of enrolment")
    parser.add_argument("--boot", type=int, default=100, help="resamples of whole patients for intervals")
    parser.add_argument("-o", "--output", type=Path, default=None, help="write the figures here (JSON)")
    add_history_arguments(parser)
    args = parser.parse_args(argv)
    if not all(0 < share < 1 for share in args.shares):
        parser.error("--shares must lie between 0 and 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        settings = load_settings()
        history, _ = load_history(args, settings.max_upload_mb)
        reference = Registry(settings.models_dir, settings.model_sha256).load(args.against)
        seen = seen_in_training(reference.card, history.subjects[ID_COLUMN].astype(str).to_numpy())
        if seen is not None and seen.any():
            raise Refused(
                f"{reference.version} trained on {int(seen.sum()):,} of this trial's patients; compare a version "
                "learned elsewhere (--against)"
            )
        outcome = OutcomeDefinition(args.outcome)
        moments = overtaking(history, reference, settings.bands, outcome, tuple(args.shares), n_boot=args.boot)
        lines = in_words(moments, f"{reference.version} (learned elsewhere)")
        if args.output:
            figures = [
                {
                    "share": m.share,
                    "date": str(m.date.date()),
                    **m.counts,
                    "own": m.own,
                    "reference": m.reference,
                    "difference": m.difference,
                    "overtaken": m.overtaken,
                    "refused": m.refused,
                }
                for m in moments
            ]
            args.output.write_text(json.dumps({"against": reference.version, "moments": figures}, indent=1))
    except (Refused, HistoryRefused) as exc:
        print(f"not compared: {error_line(exc)}", file=sys.stderr)
        return 1
    except (SchemaError, SettingsError, ModelIntegrityError, RegistryError, OSError) as exc:
        print("error: " + error_line(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # the command line never shows a traceback; the message says what stopped
        print(f"error: the comparison stopped unexpectedly ({type(exc).__name__}: {error_line(exc)})", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
