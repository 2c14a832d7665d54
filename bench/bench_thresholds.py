"""One slider step on the Thresholds page for 1,000,000 labelled patients, in Python, without Streamlit.

Input: ``bench._common.cohort(1_000_000, labelled=True)`` (simulated, with observed dropouts),
validated with ``core.reading.validation.validate_frame`` and scored with ``core.scoring.scores.score_frame`` (the
bundled model, as ``core.scoring.cohort.score_upload`` does; no CSV round trip). The page's source is "Your
cohort, with its observed outcomes": the rows with a known outcome.

One-off build per source, the call ``app/services/threshold_data.py`` makes (best of 3, or one run if it
takes over 10 s): ``core.scoring.evaluation.build_evaluation`` with metrics (``ThresholdCurves``, one
``SubgroupCurves`` each for gender, age group, arm and site, the band plan, and
``core.stats.metrics.cohort_summary``: ROC AUC, Brier score and calibration error with bootstrap intervals).

One step, the call the fragment in ``pages/thresholds.py`` makes after the slider moves:
``core.scoring.evaluation.evaluate_threshold`` (cost table, rates, cost and rate curves, decision curve,
gains, every subgroup). Steps run at the slider's thresholds 0.01 to 0.99 in a shuffled order
(seeded), several rounds; the figure is the median step (also p90 and max), timed with
``time.perf_counter``. Also timed, with no target: the same step plus what the fragment builds for
display without Streamlit (``app.views.thresholds`` tables and the five plotly figures), and the
step's parts one by one.

Target: one step < 50 ms (median).

``--tiny``: 5,000 patients, one pass over the thresholds (5 steps with the display), one build;
targets not judged.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench._common import cohort, machine_note, parse_args, print_table, timed, tiny_note, verdict  # noqa: E402
from core.decisions.bands import FACTORY_BANDS  # noqa: E402
from core.decisions.costs import FACTORY_COSTS, CostSettings  # noqa: E402
from core.decisions.curves import THRESHOLD_GRID  # noqa: E402
from core.decisions.policy import Policy  # noqa: E402
from core.model.bundle import load_bundle  # noqa: E402
from core.paths import MODEL_CARD_PATH, MODEL_PATH  # noqa: E402
from core.reading.contract import CONTRACT, OUTCOME_COLUMN  # noqa: E402
from core.reading.headers import map_columns  # noqa: E402
from core.reading.validation import validate_frame  # noqa: E402
from core.scoring.evaluation import (  # noqa: E402
    EvaluationData,
    ThresholdView,
    build_evaluation,
    cost_table,
    decision_curve,
    evaluate_threshold,
    gains,
    per_thousand,
    rate_curves,
    rates,
)
from core.scoring.scores import score_frame  # noqa: E402

N = 1_000_000
ROUNDS = 3  # passes over the 99 thresholds 0.01..0.99
DISPLAY_STEPS = 99  # steps timed with the display tables and figures
STEP_TARGET = 0.050  # seconds
TINY_N, TINY_ROUNDS, TINY_DISPLAY_STEPS = 5_000, 1, 5


def observed_cohort(n: int) -> pd.DataFrame:
    """Simulate, validate and score ``n`` labelled patients; keep those with an observed outcome."""
    seconds, frame = timed(lambda: cohort(n, labelled=True))
    print(f"simulate {n:,} patients: {seconds:.1f} s")
    bundle = load_bundle(MODEL_PATH, MODEL_CARD_PATH)
    seconds, valid = timed(
        lambda: validate_frame(frame, map_columns(list(frame.columns), CONTRACT), CONTRACT, "the file").valid
    )
    print(f"validate: {seconds:.1f} s ({len(valid):,} valid rows)")
    seconds, scored = timed(lambda: score_frame(valid, bundle, FACTORY_BANDS))
    print(f"score with the bundled model (LightGBM): {seconds:.1f} s -> probabilities from the model, not random")
    return scored[scored[OUTCOME_COLUMN].notna()]  # the COHORT_OBSERVED source


def build(frame: pd.DataFrame) -> EvaluationData:
    """What app/services/threshold_data.py builds for "Your cohort, with its observed outcomes" (the single plan)."""
    pricing = Policy(0.0, None, FACTORY_COSTS, FACTORY_BANDS)  # as its _pricing: threshold and costs are per step
    return build_evaluation("bench", frame, True, pricing, with_metrics=True)


def step(
    data: EvaluationData, threshold: float, costs: CostSettings = FACTORY_COSTS, capacity: int | None = None
) -> ThresholdView:
    """The numbers the fragment computes for one slider position."""
    return evaluate_threshold(data.curves, data.subgroups, threshold, costs, capacity, 0.5)


def step_with_display(
    data: EvaluationData, threshold: float, costs: CostSettings = FACTORY_COSTS, capacity: int | None = None
) -> object:
    """``step`` plus the display tables and all five plotly figures (the page draws the one chosen)."""
    from app.views import thresholds as threshold_views  # plotly and pandas; no page is run

    view = step(data, threshold, costs, capacity)
    shown = threshold_views.cost_table_display(view.table, view.per_thousand, False)
    words = threshold_views.rates_in_words(view.rates)
    groups = [threshold_views.subgroup_display(table, False) for table in view.subgroups.values()]
    figures = [threshold_views.figure(name, view, threshold, False) for name in threshold_views.PLOTS]
    return shown, words, figures, groups


def parts(
    data: EvaluationData, threshold: float, costs: CostSettings = FACTORY_COSTS
) -> dict[str, Callable[[], object]]:
    """Each piece of ``evaluate_threshold`` on its own, for the breakdown."""
    curves = data.curves
    table = cost_table(curves, threshold, costs, None, 0.5)
    pieces: dict[str, Callable[[], object]] = {
        "cost_table": lambda: cost_table(curves, threshold, costs, None, 0.5),
        "per_thousand": lambda: per_thousand(table, curves.n),
        "curves.at + rates": lambda: rates(curves.at(threshold, costs, None), curves.n),
        "cost_curve": lambda: curves.cost_curve(costs, None),
        "rate_curves": lambda: rate_curves(curves, None),
        "decision_curve": lambda: decision_curve(curves),
        "gains": lambda: gains(curves),
    }
    for label, view in data.subgroups.items():
        pieces[f"SubgroupCurves.at {label} ({len(view.groups)} groups)"] = lambda view=view: view.at(threshold, None)
    return pieces


def step_times(fn: Callable[[float], object], thresholds: list[float]) -> list[float]:
    return [timed(lambda t=t: fn(t))[0] for t in thresholds]


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f} ms"


def main() -> None:
    tiny = parse_args(__doc__).tiny
    n, rounds, display_steps = (TINY_N, TINY_ROUNDS, TINY_DISPLAY_STEPS) if tiny else (N, ROUNDS, DISPLAY_STEPS)
    step_target = None if tiny else STEP_TARGET
    print(machine_note())
    tiny_note(tiny)
    print(f"Thresholds page, one slider step, {n:,} labelled patients (no Streamlit)\n")

    observed = observed_cohort(n)
    print(
        f"patients with an observed outcome: {len(observed):,}; mean probability "
        f"{observed['probability'].mean():.3f}; observed dropout rate {observed[OUTCOME_COLUMN].mean():.3f}\n"
    )

    builds = []
    for _ in range(3):
        total, data = timed(lambda: build(observed))
        builds.append(total)
        if total > 10 or tiny:  # a slow build is timed once: repeats would add minutes and change little
            break
    build_total = min(builds)

    rng = np.random.default_rng(20261127)
    grid = [float(t) for t in THRESHOLD_GRID[1:-1]]  # 0.01..0.99, the slider's inner steps
    thresholds = [t for _ in range(rounds) for t in rng.permutation(grid).tolist()]
    step(data, 0.5)  # warm-up: first calls import and allocate
    steps = step_times(lambda t: step(data, t), thresholds)
    capped = step_times(lambda t: step(data, t, capacity=n // 20), thresholds)
    step_with_display(data, 0.5)
    shown = step_times(lambda t: step_with_display(data, t), thresholds[:display_steps])

    def summary(what: str, times: list[float], target: float | None) -> list[str]:
        median = statistics.median(times)
        p90 = float(np.percentile(times, 90))
        return [
            what,
            len(times),
            _ms(median),
            _ms(p90),
            _ms(max(times)),
            f"< {target * 1e3:g} ms" if target else "-",
            verdict(median, target),
        ]

    print("One slider step (median over shuffled thresholds 0.01-0.99)")
    print_table(
        ["what", "steps", "median", "p90", "max", "target", "result"],
        [
            summary("step: numbers the fragment computes", steps, step_target),
            summary(f"step, staff capacity {n // 20:,}", capped, None),
            summary("step + display tables + 5 plotly figures", shown, None),
        ],
    )

    print("\nParts of one step (threshold 0.30; median of 5 runs of 20 calls)")
    rows = []
    for what, fn in parts(data, 0.30).items():
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(20):
                fn()
            runs.append((time.perf_counter() - start) / 20)
        rows.append([what, _ms(statistics.median(runs))])
    print_table(["part", "time"], rows)

    print(
        f"\nOne-off build per source (core.scoring.evaluation.build_evaluation with metrics; best of {len(builds)}): "
        f"{_ms(build_total)}"
    )
    sizes = ", ".join(f"{label} {len(view.groups)}" for label, view in data.subgroups.items())
    print(
        f"\n(groups: {sizes}; sanity: cost-optimal threshold {data.curves.optimal_threshold(FACTORY_COSTS, None):.2f})"
    )


if __name__ == "__main__":
    main()
