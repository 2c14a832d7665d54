"""Shared helpers for the benchmark scripts: synthetic cohorts as CSV bytes, timing, tables.

Not a benchmark itself (``make bench`` runs only ``bench/bench_*.py``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import pandas as pd

from core.training.synthetic_world import TrialPlan, simulate

T = TypeVar("T")
PHASES = ("Phase I", "Phase II", "Phase III")
TINY_HELP = (
    "run the same code on very small sizes in a few seconds (a check that the benchmark still works, "
    "used by tests/bench): figures print as usual, targets are not judged"
)


def parse_args(description: str | None = None, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line every bench script takes, parsed the same way in each.

    ``--tiny``: very small sizes, same code path, no targets judged. ``--child ARG...`` (hidden) marks
    one of the script's own measuring subprocesses; ``child_command`` builds that command line.
    """
    parser = argparse.ArgumentParser(description=(description or "").split("\n\n")[0] or None)
    parser.add_argument("--tiny", action="store_true", help=TINY_HELP)
    parser.add_argument("--child", nargs="+", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def child_command(script: str, *args: str, tiny: bool) -> list[str]:
    """The command line that runs ``script`` as its own measuring subprocess (``--child ARGS``)."""
    return [sys.executable, script, *(["--tiny"] if tiny else []), "--child", *args]


def tiny_note(tiny: bool) -> None:
    """Say so when the sizes are the tiny ones (their figures say nothing about the targets)."""
    if tiny:
        print("TINY MODE: very small sizes, a check that this benchmark runs; targets are not judged\n")


def cohort(n: int, seed: int = 20261127, labelled: bool = False) -> pd.DataFrame:
    """``n`` freshly simulated patients with unique ids, split over three trials (one per phase).

    Columns are those of data/demo_cohort.csv (contract columns and site_id); ``labelled`` keeps
    the observed ``dropout`` column too.
    """
    plans = tuple(TrialPlan(f"TRX-9{i}0", phase, 8, n // 3 + (1 if i < n % 3 else 0)) for i, phase in enumerate(PHASES))
    frame = simulate(plans, seed, "B")
    drop = ["true_risk", "trial_id"] + ([] if labelled else ["dropout"])
    return frame.drop(columns=drop)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as the UTF-8 CSV bytes an upload would carry (written in memory)."""
    return frame.to_csv(index=False).encode("utf-8")


def machine_note() -> str:
    """Cores, load average and Python: timings depend on what else the machine is doing."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"[{os.cpu_count()} cores, load average {load}, Python {platform.python_version()}]"


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds one call takes (perf_counter) and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def best_of(fn: Callable[[], object], repeats: int) -> float:
    """Best wall time (seconds) of ``repeats`` calls."""
    return min(timed(fn)[0] for _ in range(repeats))


def per_call(fn: Callable[[], object], loops: int, repeats: int = 5) -> float:
    """Seconds per call: ``loops`` calls in a row, the median of ``repeats`` such runs."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        runs.append((time.perf_counter() - start) / loops)
    return statistics.median(runs)


def verdict(value: float, target: float | None) -> str:
    """ "OK" when ``value`` is under ``target``, "MISS" otherwise, "-" without a target."""
    if target is None:
        return "-"
    return "OK" if value < target else "MISS"


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a plain fixed-width table (first column left-aligned, the rest right-aligned)."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
