"""The weekly hazard (time to dropout) model: training with nested cross-validation, and scoring with horizons.

* Training: a simulated trial of 2,500 patients planned for a year (``core.history.simulated``, 364 days, visits
  every 14 days): person-period rows built from weekly snapshots, nested site-grouped 5-fold cross-validation of
  both families (``core.training.hazard_cv``), the per-landmark and 4-week figures (50 resamples), and the final
  models.
* Scoring: a simulated 100,000-patient history as of its 200th day, read as a cohort file is (every patient in the
  trial that day, validated, featured): the chance of leaving before the planned end and within 4, 8 and 12
  weeks from the final LightGBM model (``core.model.time_model``; the snapshot and validation counted, best of 3).

Targets: training < 120 s; scoring 100,000 patients with horizons < 5 s.

``--tiny``: 300 patients trained with 2 folds and 10 resamples; 2,000 patients scored; targets not judged.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench._common import best_of, machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.history.as_of import as_of_snapshot  # noqa: E402
from core.history.simulated import HistoryPlan, simulate_history  # noqa: E402
from core.model.features import build_features  # noqa: E402
from core.reading.validation import validate_frame  # noqa: E402
from core.training.candidates import LIGHTGBM  # noqa: E402
from core.training.hazard_cv import fit_chosen, informative, nested  # noqa: E402
from core.training.hazard_evaluation import evaluate  # noqa: E402
from core.training.person_period import person_periods  # noqa: E402


def _train(n_patients: int, n_folds: int, n_boot: int) -> tuple[list[object], object]:
    history = simulate_history(HistoryPlan(n_patients=n_patients, planned_days=364), seed=1)
    started = time.perf_counter()
    periods = person_periods(history, "sim")
    folds, _ = nested(periods, n_folds=n_folds)
    figures = evaluate(periods, folds, LIGHTGBM, horizons=(4,), n_boot=n_boot)
    model = fit_chosen(periods, np.arange(len(periods)), informative(periods), seed=0, families=(LIGHTGBM,))[LIGHTGBM]
    seconds = time.perf_counter() - started
    headline = figures["per_landmark"]["roc_auc"]["value"]
    four = figures["per_horizon"]["4"]["time_dependent_auc"]["value"]
    row = [f"train {n_patients:,} patients ({len(periods):,} weekly rows)", f"{seconds:.1f}", headline, four]
    return row, model


def _score(model: object, n_patients: int) -> tuple[list[object], float]:
    history = simulate_history(HistoryPlan(n_patients=n_patients, planned_days=364, cutoff_day=200), seed=2)
    survival = model.model  # type: ignore[attr-defined]
    contract = history.contract.cohort
    scored = {}

    def score() -> object:
        cells = as_of_snapshot(history, history.data_cutoff())
        valid = validate_frame(cells, {n: n for n in contract.names if n in cells}, contract, "bench").valid
        levels = {"gender": ["Male", "Female", "Other"], "treatment_group": ["Active", "Placebo"]}
        X = build_features(valid, survival.feature_names, levels).to_numpy(dtype=float)
        scored["n"] = len(X)
        return survival.probability(X), [survival.chance_within(X, weeks) for weeks in (4, 8, 12)]

    seconds = best_of(score, 3)
    return [f"score {n_patients:,} patients ({scored['n']:,} in the trial)", f"{seconds:.2f}", "-", "-"], seconds


def main() -> None:
    args = parse_args(__doc__)
    tiny = args.tiny
    tiny_note(tiny)
    print(machine_note())
    trained, model = _train(300 if tiny else 2500, 2 if tiny else 5, 10 if tiny else 50)
    scored, score_seconds = _score(model, 2000 if tiny else 100_000)
    train_seconds = float(str(trained[1]))
    trained.append(verdict(train_seconds, None if tiny else 120))
    scored.append(verdict(score_seconds, None if tiny else 5))
    print_table(["case", "seconds", "per-landmark ROC AUC", "4-week time-dependent AUC", "target"], [trained, scored])


if __name__ == "__main__":
    main()
