"""The fair test of calls: does the random hold-out find the true effect where the observational estimate cannot?

Simulated trials (``core.outreach.simulation``: 4,000 patients, 20 weekly scorings, calls to the riskiest
flagged patients within 160 a week, an attempted call preventing 30% of would-be dropouts) in which
coordinators also call the would-be dropouts they sense (``hidden_lean`` 1.5: what the risk score cannot
see), and a share of each week's flagged patients is held out at random (10% and 25%). For each trial:
``estimate_randomised`` (200 bootstrap replicates) and the observational ``estimate_effectiveness``.

Prints, per share held out: how often the randomised 95% interval held the truth (coverage), the median
estimate of each method against the true 30%, the median interval width, and the median of the weeks more
the interval needs to reach ±5 points. Target: coverage ≥ 85% and the randomised median within 6 points of
the truth at 25% held out.

``--tiny``: 2 trials of 800 patients and 8 weeks, one share; the target is not judged.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.outreach.effectiveness import estimate_effectiveness  # noqa: E402
from core.outreach.holdout_effect import estimate_randomised  # noqa: E402
from core.outreach.opportunities import build_opportunities  # noqa: E402
from core.outreach.simulation import OutreachWorld, simulate_outreach  # noqa: E402

TRUTH = 0.30
TRIALS = 30
SHARES = (0.10, 0.25)


def _row(share: float, trials: int, tiny: bool) -> list[str]:
    size = {"patients": 800, "weeks": 8, "capacity": 40} if tiny else {}
    world = OutreachWorld(true_effect=TRUTH, holdout_share=share, hidden_lean=1.5, **size)  # type: ignore[arg-type]
    randomised, observed = [], []
    for seed in range(trials):
        trial = simulate_outreach(world, seed)
        opportunities = build_opportunities(trial.scorings, trial.contacts)
        weeks = range(1, world.weeks + 1)
        randomised.append(estimate_randomised(opportunities, trial.held_out, weeks, replicates=200, seed=seed))
        observed.append(estimate_effectiveness(opportunities, replicates=50, seed=seed))
    measured = [r for r in randomised if r.measured]
    covered = sum(r.interval[0] <= TRUTH <= r.interval[1] for r in measured) / max(len(measured), 1)
    middle = statistics.median(r.effectiveness for r in measured) if measured else float("nan")
    seen = [o.effectiveness for o in observed if o.measured]
    more = [w for r in measured if (w := r.weeks_to_narrow()) is not None]
    judged = None if tiny or share < 0.25 else (covered >= 0.85 and abs(middle - TRUTH) < 0.06)
    return [
        f"{share:.0%}",
        f"{len(measured)}/{trials}",
        f"{covered:.0%}",
        f"{middle:.1%}",
        f"{statistics.median(seen):.1%}" if seen else "-",
        f"{statistics.median(r.interval[1] - r.interval[0] for r in measured):.2f}" if measured else "-",
        f"{statistics.median(more):,.0f}" if more else "-",
        "-" if judged is None else verdict(0.0 if judged else 1.0, 0.5),
    ]


def main() -> None:
    tiny = parse_args(__doc__).tiny
    print(machine_note())
    tiny_note(tiny)
    shares, trials = ((0.25,), 2) if tiny else (SHARES, TRIALS)
    print(f"true effect {TRUTH:.0%}; {trials} simulated trials per share\n")
    print_table(
        [
            "held out",
            "measured",
            "coverage (95%)",
            "randomised median",
            "observational median",
            "median width",
            "weeks more to ±5 pts",
            "result",
        ],
        [_row(share, trials, tiny) for share in shares],
    )


if __name__ == "__main__":
    main()
