"""The bundled generic model on the real trials: what it gives a trial with no model of its own.

CDISC Pilot 01 (``data/cdiscpilot01``) and CTN-0030 (``data/ctn0030``), under the default outcome (retention
dropouts) and under "any discontinuation": the bundled model in use (``models/``) scored on every landmark row
exactly as a training compares the model in use (``core.training.real_trials``), beside the
trial's own logistic regression (nested site-grouped 5-fold cross-validation, 3 repeats below 1,000 patients) and
the six-fact baseline, cross-validated the same way: ROC AUC by landmark day (mean of each day's, 95% interval
resampling whole sites), then each day's. These are the figures ``python -m core.cli.train --history data/X``
prints for those three rows; the bundled card's ``real_trial_figures`` and the README state them.

``--tiny``: CDISC Pilot 01, default outcome only, 2 folds, one repeat, 20 resamples. No targets.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import machine_note, parse_args, tiny_note  # noqa: E402
from core.formatting import interval  # noqa: E402
from core.history.endings import DEFAULT_OUTCOME  # noqa: E402
from core.model.registry import Registry  # noqa: E402
from core.paths import MODELS_DIR  # noqa: E402
from core.training.real_trials import OUTCOMES, REAL_TRIALS, trial_figures  # noqa: E402


def _print(name: str, outcome: str, version: str, figures: dict) -> None:
    print(f"{name}, outcome {outcome} (the model in use, {version}):")
    for label, found in figures.items():
        if isinstance(found, str):
            print(f"  {label}: {found}")
            continue
        days = ", ".join(f"day {d} {v:.2f}" for d, v in found["by_landmark"].items())
        print(f"  {label}: {interval(found['per_landmark_roc_auc'], 2)} | {days}")


def main() -> int:
    args = parse_args(__doc__)
    tiny_note(args.tiny)
    print(machine_note())
    bundle = Registry(MODELS_DIR).load()
    if args.tiny:
        name = "CDISC Pilot 01"
        _print(
            name, "dropout", bundle.version, trial_figures(bundle, name, REAL_TRIALS[name], DEFAULT_OUTCOME, 2, 1, 20)
        )
        return 0
    for name, folder in REAL_TRIALS.items():
        for outcome in OUTCOMES:
            _print(name, outcome.name, bundle.version, trial_figures(bundle, name, folder, outcome))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
