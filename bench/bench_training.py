"""Training from a trial history, and scoring a trial with the models it makes.

Training cases, each in a fresh subprocess that waits for a go signal (sizes neither share memory nor run at once):

* CDISC Pilot 01 (``data/cdiscpilot01``, 254 patients, landmark days 28 to 168): the app's default options
  (site-grouped 5-fold, 3 repeats below 1,000 patients, 200 resamples, learning curve);
* simulated 2,500 patients with 5 landmark days (``core.history.simulated``, planned 168 days): the same options
  (one repeat at this size).

Each reports the whole ``train_history`` run once (seconds, ``time.perf_counter``), the time of each stage as the
progress lines name them, the cross-validated ROC AUC of the chosen model, and ``ru_maxrss`` (base after the
imports, peak after the training).

Scoring: a simulated 100,000-patient history as of its 200th day (about 60,000 patients in the study) scored with the
bundled model and with the two versions trained on the 2,500-patient trial (``core.scoring.trial_as_of.score_history``,
best of 3, reasons in words included).

Targets: 2,500 patients trained < 120 s; scoring 100,000 patients < 5 s with any version.

``--tiny``: CDISC Pilot 01 and 300 simulated patients trained with 2 folds, one repeat and 20 resamples (learning
curve kept), then 2,000 simulated patients scored once; targets not judged.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from bench._common import child_command, machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.history.reader import history_files, read_history  # noqa: E402
from core.history.sdtm import CDISC_PILOT_DIR  # noqa: E402
from core.history.simulated import HistoryPlan, simulate_history  # noqa: E402
from core.model.bundle import load_bundle  # noqa: E402
from core.model.registry import Registry  # noqa: E402
from core.paths import MODEL_CARD_FILE, MODEL_FILE, MODELS_DIR  # noqa: E402
from core.scoring.trial_as_of import score_history  # noqa: E402
from core.settings import load_settings  # noqa: E402
from core.training.trial_training import TrainingOptions, TrainingSource, train_history  # noqa: E402
from core.training.trial_versions import write_version  # noqa: E402

TRAINING = {  # name -> (plan or None for CDISC Pilot 01, seconds target); the last one is also scored with
    "CDISC Pilot 01": (None, None),
    "simulated 2,500": (HistoryPlan(2_500, planned_days=168), 120.0),
}
SCORED = HistoryPlan(100_000, planned_days=336)
SCORING_TARGET = 5.0
SCORING_REPEATS = 3
Cases = dict[str, tuple[HistoryPlan | None, float | None]]
TINY_TRAINING: Cases = {"CDISC Pilot 01": (None, None), "simulated 300": (HistoryPlan(300, planned_days=168), None)}
TINY_SCORED = HistoryPlan(2_000, planned_days=336)
TINY_OPTIONS = TrainingOptions(n_folds=2, repeats=1, n_boot=20)


def _sizes(tiny: bool) -> tuple[Cases, HistoryPlan, TrainingOptions]:
    """The training cases, the scored history and the training options of this mode."""
    return (TINY_TRAINING, TINY_SCORED, TINY_OPTIONS) if tiny else (TRAINING, SCORED, TrainingOptions())


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _history(plan: HistoryPlan | None):
    if plan is None:
        return read_history(history_files(CDISC_PILOT_DIR))
    return simulate_history(plan)


def _train(name: str, plan: HistoryPlan | None, options: TrainingOptions):
    """One training with the stage times taken from its progress lines."""
    history = _history(plan)
    stages: dict[str, float] = {}
    last = [time.perf_counter(), "Reading the landmark rows"]

    def progress(fraction: float, words: str) -> None:
        stage = words.split(":")[0]
        now = time.perf_counter()
        stages[last[1]] = stages.get(last[1], 0.0) + now - last[0]
        last[:] = [now, stage]

    source = TrainingSource(name, ("bench",), "0" * 64, synthetic=plan is not None)
    start = time.perf_counter()
    run = train_history(history, source, options, Registry(MODELS_DIR).load(), progress)
    return run, time.perf_counter() - start, stages, history


def child_training(name: str, tiny: bool) -> None:
    training, _, options = _sizes(tiny)
    plan, _ = training[name]
    base = _maxrss_mb()
    sys.stdin.readline()
    run, seconds, stages, history = _train(name, plan, options)
    chosen = run.recommendation["family"]
    figures = {
        "seconds": seconds,
        "stages": stages,
        "patients": len(history.subjects),
        "rows": len(run.data.y),
        "landmarks": len(set(run.data.landmark_days.tolist())),
        "chosen": chosen,
        "roc_auc": run.results[chosen]["summary"]["roc_auc"]["value"],
        "base_mb": base,
        "peak_mb": _maxrss_mb(),
    }
    print(json.dumps(figures))


def child_scoring(tiny: bool) -> None:
    training, scored_plan, options = _sizes(tiny)
    sys.stdin.readline()
    settings = load_settings()
    name = list(training)[-1]  # the simulated trial
    run, _, _, _ = _train(name, training[name][0], options)
    history = simulate_history(scored_plan)
    as_of = pd.Timestamp(scored_plan.start) + pd.Timedelta(days=200)
    bundles = {"bundled": Registry(MODELS_DIR).load()}
    with tempfile.TemporaryDirectory() as folder:
        for family in run.models:
            target = Path(folder) / family
            write_version(run, family, target)
            bundles[family] = load_bundle(target / MODEL_FILE, target / MODEL_CARD_FILE)
    figures = {}
    for label, bundle in bundles.items():
        runs = []
        for _ in range(1 if tiny else SCORING_REPEATS):
            start = time.perf_counter()
            scored = score_history(history, {}, "bench", as_of, bundle, settings.bands)
            runs.append(time.perf_counter() - start)
        figures[label] = {"seconds": min(runs), "patients": len(scored.scored)}
    print(json.dumps(figures))


def _run_child(args: list[str], tiny: bool) -> dict:
    proc = subprocess.Popen(
        child_command(__file__, *args, tiny=tiny),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = proc.communicate(b"go\n")
    if proc.returncode:
        raise RuntimeError(f"benchmark subprocess failed for {args}:\n{err.decode()}")
    return json.loads(out.decode().strip().splitlines()[-1])


def main() -> None:
    args = parse_args(__doc__)
    if args.child:
        child_scoring(args.tiny) if args.child[0] == "scoring" else child_training(args.child[0], args.tiny)
        return
    training, scored_plan, _ = _sizes(args.tiny)
    scoring_target = None if args.tiny else SCORING_TARGET
    print(machine_note())
    tiny_note(args.tiny)
    options = "tiny options" if args.tiny else "default options"
    print(f"Training from a trial history ({options}), once per case; memory is ru_maxrss of a fresh subprocess\n")
    rows = []
    for name, (_, target) in training.items():
        target = None if args.tiny else target
        f = _run_child([name], args.tiny)
        stages = ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in f["stages"].items())
        rows.append(
            [
                name,
                f"{f['patients']:,}",
                f["landmarks"],
                f"{f['rows']:,}",
                f"{f['seconds']:.1f}",
                f"< {target:g} s" if target else "-",
                verdict(f["seconds"], target),
                f"{f['chosen']} {f['roc_auc']:.3f}",
                f"{f['base_mb']:,.0f}",
                f"{f['peak_mb']:,.0f}",
            ]
        )
        print(f"{name} stages (s): {stages}")
    print()
    print_table("case patients landmarks rows seconds target result chosen_auc base_MB peak_MB".split(), rows)
    repeats = 1 if args.tiny else SCORING_REPEATS
    print(
        f"\nScoring a simulated {scored_plan.n_patients:,}-patient history as of day 200 "
        f"(best of {repeats}, reasons included)\n"
    )
    scoring = _run_child(["scoring"], args.tiny)
    print_table(
        "version patients seconds target result".split(),
        [
            [
                label,
                f"{f['patients']:,}",
                f"{f['seconds']:.2f}",
                f"< {scoring_target:g} s" if scoring_target else "-",
                verdict(f["seconds"], scoring_target),
            ]
            for label, f in scoring.items()
        ],
    )


if __name__ == "__main__":
    main()
