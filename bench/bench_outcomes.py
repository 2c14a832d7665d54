"""What counts as dropout, and training at an interim cut-off: the figures they change.

Outcomes: CDISC Pilot 01 (``data/cdiscpilot01``) and CTN-0030 (``data/ctn0030``), each trained with the app's
options (site-grouped 5-fold, 3 repeats below 1,000 patients, 200 resamples; no learning curve) under the default
outcome (retention dropouts: ``core.history.endings``) and under "any discontinuation". For each: patients and
dropouts, the cross-validated ROC AUC by landmark day (mean of each day's, 95% interval resampling whole sites)
of LightGBM, logistic regression, the family chosen inside each fold and the simple baseline, then each day's.

Interim cut-off: CTN-0030 as an export half-way through enrolment would hold it (``core.history.interim``). The
dropout rate of the rows kept, plain and weighted for censoring, against the rate once every outcome is known;
a logistic regression trained at the cut with and without the weights, its mean estimate for the rows of the
patients still in the trial then against what later happened to them.

``--tiny``: CDISC Pilot 01 only, 2 folds, one repeat, 20 resamples; the interim cut as above. No targets.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench._common import machine_note, parse_args, tiny_note  # noqa: E402
from core.formatting import interval  # noqa: E402
from core.history.endings import ANY_DISCONTINUATION, DEFAULT_OUTCOME  # noqa: E402
from core.history.interim import history_cut_at  # noqa: E402
from core.history.reader import history_files, read_history  # noqa: E402
from core.history.sdtm import CDISC_PILOT_DIR  # noqa: E402
from core.model.predictors import sigmoid  # noqa: E402
from core.paths import DATA_DIR  # noqa: E402
from core.training.candidates import LOGISTIC  # noqa: E402
from core.training.cross_validation import Design, choose  # noqa: E402
from core.training.landmark_data import TrainingRefused, landmark_data  # noqa: E402
from core.training.trial_training import TrainingOptions, TrainingSource, train_history  # noqa: E402
from core.training.trial_versions import COMPARED, FAMILY_LABELS  # noqa: E402

TRIALS = {"CDISC Pilot 01": CDISC_PILOT_DIR, "CTN-0030": DATA_DIR / "ctn0030"}


def _outcome_figures(name: str, folder: Path, options: TrainingOptions) -> None:
    history = read_history(history_files(folder))
    for outcome in (DEFAULT_OUTCOME, ANY_DISCONTINUATION):
        chosen = TrainingOptions(
            options.n_folds, options.repeats, options.n_boot, learning_curve=False, outcome=outcome
        )
        try:
            run = train_history(history, TrainingSource(name, ("bench",), "0" * 64), chosen)
        except TrainingRefused as exc:
            print(f"{name}, outcome {outcome.name}: not trained ({exc})")
            continue
        patients = len(set(run.data.patients))
        print(
            f"{name}, outcome {outcome.name}: {patients} patients, {run.outcome['dropouts']} dropouts counted "
            f"({run.outcome['other_endings_not_counted']} other endings as not dropping out); folds by "
            f"{run.data.grouped_by}, {run.options.n_folds} x {run.repeats}"
        )
        for key, label in {**FAMILY_LABELS, **COMPARED}.items():
            if key in run.results:
                result = run.results[key]
                days = ", ".join(f"{d} {s['roc_auc']['value']:.3f}" for d, s in result["by_landmark"].items())
                figures = result["per_landmark"]
                print(
                    f"  {label}: ROC AUC {interval(figures['roc_auc'], 3)}, Brier {figures['brier']['value']:.3f} "
                    f"| by day {days}"
                )
        print(f"  recommendation: {run.recommendation['words']}")


def _interim() -> None:
    full = read_history(history_files(DATA_DIR / "ctn0030"))
    middle = full.subjects["enrolment_date"].sort_values().iloc[len(full.subjects) // 2]
    cut_history = history_cut_at(full, middle)
    whole, cut = landmark_data(full), landmark_data(cut_history)
    ongoing = cut_history.subjects.loc[cut_history.subjects["status"] == "ongoing", "patient_id"]
    later = np.isin(whole.patients, list(ongoing))
    print(
        f"\nCTN-0030 cut on {middle.date()}: {len(cut_history.subjects)} patients, {len(ongoing)} still in the trial; "
        f"dropout rate of the rows kept {cut.y.mean():.3f} plain, {np.average(cut.y, weights=cut.w):.3f} weighted; "
        f"{whole.y.mean():.3f} once every outcome is known"
    )
    names = [n for n in cut.feature_names if n in whole.feature_names]
    X, rows = cut.features[names].to_numpy(dtype=float), np.arange(len(cut.y))
    for label, weights in (("plain", None), ("weighted", cut.w)):
        design = Design(X, cut.y, cut.groups, names, {n: v for n, v in cut.levels.items() if n in names}, weights)
        pick = choose(design, rows, seed=0, families=(LOGISTIC,))[LOGISTIC]
        log_odds = design.fit(pick.candidate, rows).log_odds(whole.features[names].to_numpy(dtype=float)[later])
        estimate = sigmoid(pick.calibration.apply(log_odds))
        print(
            f"  logistic regression trained at the cut, {label}: mean estimate {estimate.mean():.3f} for the "
            f"{int(later.sum())} rows of patients still in the trial, observed later {whole.y[later].mean():.3f}"
        )


def main() -> int:
    args = parse_args(__doc__)
    tiny_note(args.tiny)
    print(machine_note())
    if args.tiny:
        _outcome_figures("CDISC Pilot 01", CDISC_PILOT_DIR, TrainingOptions(n_folds=2, repeats=1, n_boot=20))
    else:
        for name, folder in TRIALS.items():
            _outcome_figures(name, folder, TrainingOptions())
    _interim()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
