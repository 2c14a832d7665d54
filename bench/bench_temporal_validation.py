"""Temporal validation on the real trials shipped in ``data/``: patients enrolled before the date about two-thirds
through enrolment train (the history as it stood the day before), those enrolled on or after it are tested at
their landmark days (``core.replay.temporal_validation``, 200 resamples of whole patients).

Prints, per trial: the date, the patients and dropouts on each side, the out-of-time ROC AUC with landmark days
pooled and at each landmark day, with 95% intervals, and the seconds taken. No target: these are measurements.

``--tiny``: CDISC Pilot 01 only, 20 resamples.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import machine_note, parse_args, print_table, tiny_note  # noqa: E402
from core.cli.history_input import history_files  # noqa: E402
from core.decisions.policy import Policy  # noqa: E402
from core.formatting import interval  # noqa: E402
from core.history.endings import ANY_DISCONTINUATION  # noqa: E402
from core.history.reader import read_history  # noqa: E402
from core.replay.temporal_validation import by_landmark_day, temporal_validation  # noqa: E402
from core.settings import load_settings  # noqa: E402

TRIALS = ("cdiscpilot01", "ctn0030")


def _row(name: str, n_boot: int) -> list[str]:
    history = read_history(history_files(ROOT / "data" / name))
    dates = history.subjects["enrolment_date"].sort_values(ignore_index=True)
    date = dates.iloc[len(dates) * 2 // 3]
    settings = load_settings()
    policy = Policy(0.0, None, settings.costs, settings.bands)
    start = time.perf_counter()
    validation = temporal_validation(  # any discontinuation: CDISC Pilot 01 has too few retention dropouts early on
        history, date, name, policy, settings.bands, n_boot=n_boot, own_threshold=True, outcome=ANY_DISCONTINUATION
    )
    days = by_landmark_day(validation, n_boot)
    seconds = time.perf_counter() - start
    c = validation.split.counts()
    return [
        name,
        str(date.date()),
        f"{c['trained_patients']:,} ({c['trained_dropouts']:,})",
        f"{c['tested_patients']:,} ({c['tested_dropouts']:,})",
        interval(validation.evaluation.metrics["roc_auc"]),
        "; ".join(f"day {d}: {interval(f['roc_auc'], 2)}" for d, f in days.items()),
        f"{seconds:.1f}",
    ]


def main() -> None:
    tiny = parse_args(__doc__).tiny
    print(machine_note())
    print("dropouts counted as any discontinuation (as the README's figures)")
    tiny_note(tiny)
    trials, n_boot = (TRIALS[:1], 20) if tiny else (TRIALS, 200)
    rows = [_row(name, n_boot) for name in trials]
    header = ["trial", "date", "trained (dropouts)", "tested (dropouts)", "ROC AUC pooled", "by landmark day", "s"]
    print_table(header, rows)


if __name__ == "__main__":
    main()
