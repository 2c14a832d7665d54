"""The bundled generic model: a time-to-dropout version pooled over several simulated trials.

The synthetic world (``core.history.simulated``) has trials of each phase with that phase's visit interval and
planned length, and attrition that peaks in the first weeks. The model is trained as a sponsor's pooled model
is (``core.training.pooled_training``): every trial's weekly rows, each trial measured by the model trained on
the others. Seeds are fixed, so the same code writes the same model (data/README.md lists the trials).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from core.history.as_of import GENERIC_ARMS, as_of_snapshot
from core.history.simulated import HistoryPlan, simulate_history
from core.history.trial_history import TrialHistory
from core.model.bundle import load_bundle
from core.paths import MODEL_CARD_FILE, MODEL_FILE
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN, SITE_COLUMN
from core.training.pooled_training import PooledRun, train_pooled
from core.training.pooled_versions import write_pooled_version
from core.training.real_trials import real_trial_figures
from core.training.trial_training import TrainingOptions, TrainingSource

EARLY_DROPOUT = 0.03  # extra weekly chance of withdrawing on day 1, halving every 3 weeks
BASE_LOG_ODDS = -6.0  # after a visit, for a patient with nothing against them (overall attrition 23-40%)
ARMS = ("Active", "Placebo")
# name, phase, patients, sites, seed, arms
SIMULATED_TRIALS = (
    ("SIM-I-1", "Phase I", 400, 6, 2101, ARMS),
    ("SIM-I-2", "Phase I", 400, 6, 2102, ("Active", "Control")),
    ("SIM-II-1", "Phase II", 500, 8, 2201, ARMS),
    ("SIM-II-2", "Phase II", 500, 8, 2202, ("Active", "Control")),
    ("SIM-III-1", "Phase III", 600, 10, 2301, ARMS),
    ("SIM-III-2", "Phase III", 600, 10, 2302, ("Active", "Control", "Placebo")),
)
BUNDLED_OPTIONS = TrainingOptions(n_folds=5, repeats=1, n_boot=100, learning_curve=False)
VERSION_PREFIX = "2.0"


def simulated_trials(scale: float = 1.0) -> list[tuple[TrainingSource, TrialHistory]]:
    """The bundled model's trials (``scale`` shrinks them for quick checks), each with its plan's seed."""
    out = []
    for name, phase, patients, sites, seed, arms in SIMULATED_TRIALS:
        plan = HistoryPlan.for_phase(
            phase,
            max(120, int(patients * scale)),
            n_sites=sites,
            arms=arms,
            early_dropout=EARLY_DROPOUT,
            base_log_odds=BASE_LOG_ODDS,
            id_prefix=name,
        )
        source = TrainingSource(name, (f"simulated {phase}, seed {seed}",), f"{seed:064d}", synthetic=True)
        out.append((source, simulate_history(plan, seed=seed)))
    return out


def train_bundled(
    out_dir: Path,
    options: TrainingOptions = BUNDLED_OPTIONS,
    scale: float = 1.0,
    progress: Callable[[str], None] = lambda _: None,
    measure_real: bool = True,
) -> dict[str, Any]:
    """Train the bundled model on the simulated trials and write its version into ``out_dir``; returns its card
    (with its figures on the real trials in data/, ``real_trial_figures``, unless ``measure_real`` is off)."""
    run: PooledRun = train_pooled(simulated_trials(scale), options, None, progress)
    out_dir = Path(out_dir)
    for stale in out_dir.glob("*"):  # the old version's files (a held-out split file among them) go
        if stale.is_file():
            stale.unlink()
    card = write_pooled_version(run, out_dir, options.costs, None)
    card["model_version"] = f"{VERSION_PREFIX}+{card['model_sha256'][:8]}"
    card["intended_use"] = (
        "A starting point for a trial with no history of its own: rank enrolled patients by their chance of "
        "leaving, to plan retention outreach. Not for eligibility, randomisation, treatment or any clinical "
        "decision about a patient."
    )
    card["limitations"] = (
        "Learned from simulated trials only (data/README.md); its figures on real trials are in "
        "real_trial_figures. Measure it on your own trial before relying on it."
    )
    if measure_real:
        progress("Measuring it on the real trials in data/")
        (out_dir / MODEL_CARD_FILE).write_text(json.dumps(card, indent=2) + "\n")
        card["real_trial_figures"] = real_trial_figures(load_bundle(out_dir / MODEL_FILE, out_dir / MODEL_CARD_FILE))
    (out_dir / MODEL_CARD_FILE).write_text(json.dumps(card, indent=2) + "\n")
    return card


# The demo cohort: two running trials (Phase II and III) seen on their data cut-off, 250 patients each.
DEMO_TRIALS = (("TRX-401", "Phase II", 4, 1), ("TRX-402", "Phase III", 4, 2))
DEMO_PATIENTS = 250
DEMO_CUTOFF_DAY = 300


def demo_cohort(seed: int) -> pd.DataFrame:
    """A snapshot of simulated running trials on their cut-off, as a weekly export would give it (no outcome)."""
    parts = []
    for name, phase, sites, offset in DEMO_TRIALS:
        plan = HistoryPlan.for_phase(
            phase,
            2 * DEMO_PATIENTS,
            n_sites=sites,
            arms=GENERIC_ARMS,
            early_dropout=EARLY_DROPOUT,
            base_log_odds=BASE_LOG_ODDS,
            cutoff_day=DEMO_CUTOFF_DAY,
            id_prefix=f"D{name[-3:]}",
        )
        history = simulate_history(plan, seed=seed + offset)
        snapshot = as_of_snapshot(history, history.data_cutoff())
        snapshot = snapshot.sample(DEMO_PATIENTS, random_state=seed + offset).sort_values(ID_COLUMN)
        number = snapshot[SITE_COLUMN].str[1:].astype(int) + 1
        parts.append(snapshot.assign(**{SITE_COLUMN: [f"{name}-S{n:02d}" for n in number]}))
    cohort = pd.concat(parts, ignore_index=True).drop(columns=[OUTCOME_COLUMN], errors="ignore")
    gap = pd.to_numeric(cohort["last_gap_in_intervals"], errors="coerce").round(2)
    missed = pd.to_numeric(cohort["visits_missed"], errors="coerce").astype("Int64")
    return cohort.assign(last_gap_in_intervals=gap, visits_missed=missed)
