"""Decision curves: building ``core.decisions.curves.ThresholdCurves`` and reading costs off it.

One million patients with probabilities drawn from Beta(2, 5) (mean about 0.29, near the 25%
dropout rate of the training data) and outcomes drawn as Bernoulli(p), seeded. Timed with
``time.perf_counter``:

* construction, labelled (outcomes known) and unlabelled (expected counts): best of 5;
* ``ThresholdCurves.at(threshold)``: 10,000 look-ups at random slider thresholds in a row, median of
  5 such runs, reported per look-up (also with a capacity cap);
* ``cost_curve`` and ``optimal_threshold`` over the 101-step ``THRESHOLD_GRID``: per call, median
  of 5 runs of 200 calls.

Targets: construction for 1,000,000 labelled patients < 1 s; one ``.at`` look-up < 1 ms.

``--tiny``: 10,000 patients and 500 look-ups in a row, targets not judged.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench._common import best_of, machine_note, parse_args, per_call, print_table, tiny_note, verdict  # noqa: E402
from core.decisions.costs import FACTORY_COSTS  # noqa: E402
from core.decisions.curves import THRESHOLD_GRID, ThresholdCurves  # noqa: E402

N = 1_000_000
LOOKUPS = 10_000
TINY_N, TINY_LOOKUPS = 10_000, 500


def _row(what: str, seconds: float, target: float | None, unit: str = "ms") -> list[str]:
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit]
    return [
        what,
        f"{seconds * scale:,.3f} {unit}",
        f"< {target * scale:g} {unit}" if target is not None else "-",
        verdict(seconds, target),
    ]


def main() -> None:
    tiny = parse_args(__doc__).tiny
    n, lookups = (TINY_N, TINY_LOOKUPS) if tiny else (N, LOOKUPS)
    build_target, at_target = (None, None) if tiny else (1.0, 1e-3)
    rng = np.random.default_rng(20261127)
    probability = rng.beta(2.0, 5.0, n)
    outcome = (rng.random(n) < probability).astype(int)
    print(machine_note())
    tiny_note(tiny)
    print(f"ThresholdCurves on {n:,} patients (mean p {probability.mean():.3f}, dropouts {outcome.sum():,})\n")

    build_labelled = best_of(lambda: ThresholdCurves(probability, outcome), 5)
    build_expected = best_of(lambda: ThresholdCurves(probability), 5)
    curves = ThresholdCurves(probability, outcome)

    thresholds = iter(np.tile(rng.choice(THRESHOLD_GRID, lookups), 5).tolist())
    at_one = per_call(lambda: curves.at(next(thresholds), FACTORY_COSTS, None), lookups)
    thresholds = iter(np.tile(rng.choice(THRESHOLD_GRID, lookups), 5).tolist())
    at_capped = per_call(lambda: curves.at(next(thresholds), FACTORY_COSTS, n // 20), lookups)
    cost_curve = per_call(lambda: curves.cost_curve(FACTORY_COSTS, None), 200)
    optimal = per_call(lambda: curves.optimal_threshold(FACTORY_COSTS, None), 200)

    rows = [
        _row(f"build, labelled ({n:,})", build_labelled, build_target),
        _row(f"build, expected counts ({n:,})", build_expected, None),
        _row(".at(threshold), per look-up", at_one, at_target, "us"),
        _row(".at(threshold, capacity), per look-up", at_capped, at_target, "us"),
        _row(f"cost_curve ({len(THRESHOLD_GRID)} thresholds)", cost_curve, None, "us"),
        _row(f"optimal_threshold ({len(THRESHOLD_GRID)} thresholds)", optimal, None, "us"),
    ]
    print_table(["what", "time", "target", "result"], rows)
    best = curves.optimal_threshold(FACTORY_COSTS, None)
    print(
        f"\n(sanity: optimal threshold {best:.2f}, flagged there {curves.at(best, FACTORY_COSTS, None).flagged:,.0f})"
    )


if __name__ == "__main__":
    main()
