"""Replaying a trial week by week (``core.replay``): a simulated 2,500-patient trial followed for one year.

The history (``core.history.simulated``: 2,500 patients enrolled over six months, 168 planned days, cut at day
365) is replayed from its first week: every week the history is cut as it stood that day and the ongoing patients
are scored; every 4 weeks the trial model is retrained on the cut (today's trial training; the bundled model until
the cut can train one). Then the calls at 5% of the ongoing patients a week, the three rules at the same number of
calls (random calls over 20 draws) and the capacity curve (7 capacities). Prints the seconds spent training, the
whole replay's seconds against the target (wall clock, and this process's CPU time: on a machine shared with other
work the two differ), and the replay's headline figures.

Target: the whole replay < 300 s.

``--tiny``: 300 patients, 84 planned days, cut at day 150, 2 random draws; targets not judged.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from bench._common import machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.history.simulated import HistoryPlan, simulate_history  # noqa: E402
from core.replay.run import ReplayOptions, replay_trial  # noqa: E402
from core.replay.scorers import fallback_model, trial_trainer  # noqa: E402

PLAN = HistoryPlan(2_500, planned_days=168, enrolment_days=182, cutoff_day=365)
TINY_PLAN = HistoryPlan(300, planned_days=84, enrolment_days=100, cutoff_day=150)
TARGET_S = 300.0


def main() -> None:
    args = parse_args(__doc__)
    tiny_note(args.tiny)
    print(machine_note())
    plan = TINY_PLAN if args.tiny else PLAN
    history = simulate_history(plan, seed=20261207)
    first = pd.Timestamp(history.subjects["enrolment_date"].min()) + pd.Timedelta(days=7)
    trained = trial_trainer()
    training_seconds = [0.0]

    def timed_trainer(cut, day):
        began = time.perf_counter()
        try:
            return trained(cut, day)
        finally:
            training_seconds[0] += time.perf_counter() - began

    options = ReplayOptions(capacity_share=0.05, start=first, retrain_weeks=4, draws=2 if args.tiny else 20)
    began, cpu_began = time.perf_counter(), time.process_time()
    result = replay_trial(history, fallback_model(), options, timed_trainer)
    total, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    settings = result["settings"]
    print(
        f"{len(history.subjects):,} patients; {settings['weeks']} weeks from {settings['first_week']} to {settings['last_week']}"
    )
    print_table(
        ["stage", "seconds", "target", "result"],
        [
            ["training (every 4 weeks, on the cut)", f"{training_seconds[0]:.1f}", "", ""],
            [
                "whole replay (loop, counting, curve)",
                f"{total:.1f}",
                f"< {TARGET_S:.0f}",
                "-" if args.tiny else verdict(total, TARGET_S),
            ],
            ["  of it on this process's CPU (a busy machine shares it)", f"{cpu:.1f}", "", ""],
        ],
    )
    rows = [
        [
            "call list",
            result["dropouts"],
            result["reached_before_leaving"],
            result["median_weeks_of_warning"],
            result["calls"],
        ]
    ]
    for rule, figures in result["baselines"].items():
        rows.append(
            [
                rule,
                figures["dropouts"],
                figures["reached_before_leaving"],
                figures["median_weeks_of_warning"],
                figures["calls"],
            ]
        )
    print()
    print_table(
        ["at 5% of ongoing patients a week", "dropouts", "reached before leaving", "median weeks of warning", "calls"],
        rows,
    )


if __name__ == "__main__":
    main()
