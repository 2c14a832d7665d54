"""One slider step on the Thresholds page for 1,000,000 labelled patients, in Python, without Streamlit.

Input: ``bench._common.cohort(1_000_000, labelled=True)`` (simulated, with observed dropouts),
validated with ``core.schema.validate_frame`` and scored with ``core.score.score_frame`` (the
bundled model, as ``core.cohort.score_upload`` does; no CSV round trip). The page's source is "Your
cohort, with its observed outcomes": the rows with a known outcome.

One-off build, as ``app/threshold_data.py``'s ``_build`` does it (best of 3, or one run if it takes
over 10 s): ``ThresholdCurves``,
the age groups (``frame.assign(age_group=...)``), one ``SubgroupCurves`` each for gender, age group,
arm and site, and ``core.metrics.cohort_summary`` (ROC AUC, Brier score and calibration error with
bootstrap intervals, for a labelled cohort).

One step, as the fragment in ``pages/thresholds.py`` computes it after the slider moves:
``cost_table``, ``curves.at``, ``per_thousand``, ``break_even_risk``, ``rates``, ``curves.cost_curve``,
``rate_curves``, ``decision_curve``, ``gains``, ``SubgroupCurves.at`` for every group and ``band_plan``
over every patient. Steps run at the slider's thresholds 0.01 to 0.99 in a shuffled order (seeded),
several rounds; the figure is the median step (also p90 and max), timed with ``time.perf_counter``.
Also timed, with no target: the same step plus what the fragment builds for display without
Streamlit (``app.threshold_views`` tables and the ``app.cost_charts`` plotly figures), the same
with the figures built without ``app.charts.LAYOUT``'s ``template`` (a what-if: about half of a figure's
time is plotly copying that template), and the step's parts one by one.

Target: one step < 50 ms (median).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench._common import cohort, machine_note, print_table, timed, verdict  # noqa: E402
from core.config import DEFAULT_COSTS, OUTCOME_COLUMN, SITE_COLUMN, CostSettings  # noqa: E402
from core.decision import THRESHOLD_GRID, ThresholdCurves, band_plan, break_even_risk  # noqa: E402
from core.evaluation import (  # noqa: E402
    SubgroupCurves,
    age_groups,
    cost_table,
    decision_curve,
    gains,
    per_thousand,
    rate_curves,
    rates,
)
from core.metrics import cohort_summary  # noqa: E402
from core.model import load_bundle  # noqa: E402
from core.schema import map_columns, validate_frame  # noqa: E402
from core.score import score_frame  # noqa: E402

N = 1_000_000
ROUNDS = 3  # passes over the 99 thresholds 0.01..0.99
STEP_TARGET = 0.050  # seconds
SUBGROUPS = {"Gender": "gender", "Age group": "age_group", "Arm": "treatment_group", "Site": SITE_COLUMN}  # as app/threshold_data.py


@dataclass
class Built:
    """What ``app.threshold_data._build`` returns, minus the Streamlit wrapper."""

    curves: ThresholdCurves
    subgroups: dict[str, SubgroupCurves]
    probability: np.ndarray


def observed_cohort(n: int) -> pd.DataFrame:
    """Simulate, validate and score ``n`` labelled patients; keep those with an observed outcome."""
    seconds, frame = timed(lambda: cohort(n, labelled=True))
    print(f"simulate {n:,} patients: {seconds:.1f} s")
    bundle = load_bundle()
    seconds, valid = timed(lambda: validate_frame(frame, map_columns(list(frame.columns))).valid)
    print(f"validate: {seconds:.1f} s ({len(valid):,} valid rows)")
    seconds, scored = timed(lambda: score_frame(valid, bundle, flag=False))
    print(f"score with the bundled model (LightGBM): {seconds:.1f} s -> probabilities from the model, not random")
    return scored[scored[OUTCOME_COLUMN].notna()]  # the COHORT_OBSERVED source


def build(frame: pd.DataFrame, clock: dict[str, float] | None = None) -> Built:
    """``_build(COHORT_OBSERVED, frame, labelled=True)``; ``clock`` collects seconds per part."""
    clock = {} if clock is None else clock
    start = time.perf_counter()
    probability = frame["probability"].to_numpy(dtype=float)
    outcome = frame[OUTCOME_COLUMN].to_numpy(dtype=float)
    curves = ThresholdCurves(probability, outcome)
    clock["ThresholdCurves"] = time.perf_counter() - start
    start = time.perf_counter()
    columns = frame.assign(age_group=age_groups(frame["age"]))
    clock["age groups (assign)"] = time.perf_counter() - start
    subgroups = {}
    for label, column in SUBGROUPS.items():
        if column in columns:
            start = time.perf_counter()
            subgroups[label] = SubgroupCurves(curves, columns[column], outcome)
            clock[f"SubgroupCurves {label}"] = time.perf_counter() - start
    start = time.perf_counter()
    cohort_summary(outcome, probability)
    clock["cohort_summary (AUC, Brier, calibration, bootstrap)"] = time.perf_counter() - start
    return Built(curves, subgroups, probability)


def step(data: Built, threshold: float, costs: CostSettings = DEFAULT_COSTS, capacity: int | None = None) -> object:
    """The numbers the fragment computes for one slider position (pages/thresholds.py, in its order)."""
    curves = data.curves
    table = cost_table(curves, threshold, costs, capacity)
    chosen = curves.at(threshold, costs, capacity)
    flagged = int(curves.flagged_count(threshold)) if chosen.capacity_binds else 0
    scaled = per_thousand(table, curves.n)
    break_even = break_even_risk(costs)
    chosen_rates = rates(chosen, curves.n)
    curve = curves.cost_curve(costs, capacity=capacity)
    pr = rate_curves(curves, capacity=capacity)
    dc = decision_curve(curves)
    gain = gains(curves)
    top20 = gain["share_of_dropouts"][20]
    groups = [view.at(threshold, capacity) for view in data.subgroups.values()]
    plan = band_plan(data.probability)
    plan_cost = sum(r["cost"] for r in plan)
    return table, flagged, scaled, break_even, chosen_rates, curve, pr, dc, top20, groups, plan_cost


def step_with_display(data: Built, threshold: float, costs: CostSettings = DEFAULT_COSTS,
                      capacity: int | None = None) -> object:
    """``step`` plus the display tables and plotly figures the fragment hands to Streamlit."""
    from app import cost_charts, threshold_views  # plotly and pandas only; no Streamlit import

    curves = data.curves
    table = cost_table(curves, threshold, costs, capacity)
    chosen = curves.at(threshold, costs, capacity)
    shown = threshold_views.cost_table_display(table, per_thousand(table, curves.n), False).set_index("")
    words = threshold_views.rates_in_words(rates(chosen, curves.n))
    curve = curves.cost_curve(costs, capacity=capacity)
    figures = [
        cost_charts.cost_curve_figure(curve, threshold, table.attrs["thresholds"]["cost_optimal"]),
        cost_charts.precision_recall_threshold_figure(rate_curves(curves, capacity=capacity), threshold),
        cost_charts.confusion_figure(chosen, False),
        cost_charts.decision_curve_figure(decision_curve(curves), threshold),
    ]
    gain = gains(curves)
    figures.append(cost_charts.gains_figure(gain))
    groups = [threshold_views.subgroup_display(view.at(threshold, capacity), False) for view in data.subgroups.values()]
    plan = band_plan(data.probability)
    return shown, words, figures, groups, plan


def without_template(fn: Callable[[], list[float]]) -> list[float]:
    """Run ``fn`` with ``template`` taken out of app.charts.LAYOUT (a what-if for the figures; restored after)."""
    from app.charts import LAYOUT

    template = LAYOUT.pop("template", None)
    try:
        return fn()
    finally:
        if template is not None:
            LAYOUT["template"] = template


def parts(data: Built, threshold: float, costs: CostSettings = DEFAULT_COSTS) -> dict[str, Callable[[], object]]:
    """Each piece of ``step`` on its own, for the breakdown."""
    curves = data.curves
    table = cost_table(curves, threshold, costs)
    pieces: dict[str, Callable[[], object]] = {
        "cost_table": lambda: cost_table(curves, threshold, costs),
        "per_thousand": lambda: per_thousand(table, curves.n),
        "curves.at + rates": lambda: rates(curves.at(threshold, costs), curves.n),
        "cost_curve": lambda: curves.cost_curve(costs),
        "rate_curves": lambda: rate_curves(curves),
        "decision_curve": lambda: decision_curve(curves),
        "gains": lambda: gains(curves),
    }
    for label, view in data.subgroups.items():
        pieces[f"SubgroupCurves.at {label} ({len(view.groups)} groups)"] = lambda view=view: view.at(threshold)
    pieces["band_plan (every patient)"] = lambda: band_plan(data.probability)
    return pieces


def step_times(fn: Callable[[float], object], thresholds: list[float]) -> list[float]:
    return [timed(lambda t=t: fn(t))[0] for t in thresholds]


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f} ms"


def main() -> None:
    print(machine_note())
    print(f"Thresholds page, one slider step, {N:,} labelled patients (no Streamlit)\n")

    observed = observed_cohort(N)
    print(f"patients with an observed outcome: {len(observed):,}; mean probability "
          f"{observed['probability'].mean():.3f}; observed dropout rate {observed[OUTCOME_COLUMN].mean():.3f}\n")

    builds = []
    for _ in range(3):
        clock: dict[str, float] = {}
        total, data = timed(lambda clock=clock: build(observed, clock))
        builds.append((total, clock))
        if total > 10:  # a slow build is timed once: repeats would add minutes and change little
            break
    build_total, build_clock = min(builds, key=lambda b: b[0])

    rng = np.random.default_rng(20261127)
    grid = [float(t) for t in THRESHOLD_GRID[1:-1]]  # 0.01..0.99, the slider's inner steps
    thresholds = [t for _ in range(ROUNDS) for t in rng.permutation(grid).tolist()]
    step(data, 0.5)  # warm-up: first calls import and allocate
    steps = step_times(lambda t: step(data, t), thresholds)
    capped = step_times(lambda t: step(data, t, capacity=50_000), thresholds)
    step_with_display(data, 0.5)
    shown = step_times(lambda t: step_with_display(data, t), thresholds[:99])
    untemplated = without_template(lambda: step_times(lambda t: step_with_display(data, t), thresholds[:99]))

    def summary(what: str, times: list[float], target: float | None) -> list[str]:
        median = statistics.median(times)
        p90 = float(np.percentile(times, 90))
        return [what, len(times), _ms(median), _ms(p90), _ms(max(times)),
                f"< {target * 1e3:g} ms" if target else "-", verdict(median, target)]

    print("One slider step (median over shuffled thresholds 0.01-0.99)")
    print_table(["what", "steps", "median", "p90", "max", "target", "result"], [
        summary("step: numbers the fragment computes", steps, STEP_TARGET),
        summary("step, staff capacity 50,000", capped, None),
        summary("step + display tables + 5 plotly figures", shown, None),
        summary("  the same, figures without the plotly_white template", untemplated, None),
    ])

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

    print(f"\nOne-off build per cohort (app/threshold_data.py _build; best of {len(builds)}): {_ms(build_total)}")
    print_table(["part", "time"], [[what, _ms(s)] for what, s in build_clock.items()])
    sizes = ", ".join(f"{label} {len(view.groups)}" for label, view in data.subgroups.items())
    print(f"\n(groups: {sizes}; sanity: cost-optimal threshold {data.curves.optimal_threshold():.2f})")


if __name__ == "__main__":
    main()
