"""Does outreach work? Time to build the outreach opportunities and estimate the effect, about 20,000 flags.

A simulated trial (``core.outreach.simulation``: 6,000 patients, 20 weekly scorings, calls to
the riskiest flagged patients within a capacity of 240 a week, a true effect of 30%) is put into a
SQLite store in a temporary folder (not timed), then, best of 3 each:

* from store: ``opportunities_from_store`` (one query for every score row, the outreach log, the build);
* build: ``build_opportunities`` on the same records already in memory (the build alone);
* estimate: ``estimate_effectiveness`` with its 1,000-replicate patient bootstrap (and, for the record,
  200 replicates, to show what the bootstrap costs).

Peak memory is this process's ``ru_maxrss`` after the runs (the simulation included).
Target: opportunities from the store plus the estimate < 5 s (the section is worked out when a page opens).

``--tiny``: 600 patients, 6 weeks, 24 calls a week, one run each; the target is not judged.
"""

from __future__ import annotations

import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import best_of, machine_note, parse_args, print_table, timed, tiny_note, verdict  # noqa: E402
from core.outreach.effectiveness import estimate_effectiveness  # noqa: E402
from core.outreach.opportunities import build_opportunities, opportunities_from_store  # noqa: E402
from core.outreach.simulation import OutreachWorld, record_in_store, simulate_outreach  # noqa: E402
from core.store import Store  # noqa: E402

WORLD = OutreachWorld(patients=6_000, weeks=20, capacity=240, true_effect=0.30)
TARGET_S = 5.0
REPEATS = 3
TINY_WORLD = OutreachWorld(patients=600, weeks=6, capacity=24, true_effect=0.30)


def main() -> None:
    tiny = parse_args(__doc__).tiny
    world, repeats, target = (TINY_WORLD, 1, None) if tiny else (WORLD, REPEATS, TARGET_S)
    print(machine_note())
    tiny_note(tiny)
    simulated = simulate_outreach(world, seed=1)
    with tempfile.TemporaryDirectory(prefix="bench-effect-") as folder:
        with Store.open(f"sqlite:///{folder}/bench.sqlite3") as store:
            stored, _ = timed(lambda: record_in_store(simulated, store))
            from_store = best_of(lambda: opportunities_from_store(store), repeats)
            opportunities = opportunities_from_store(store)
    build = best_of(lambda: build_opportunities(simulated.scorings, simulated.contacts), repeats)
    estimate_s = best_of(lambda: estimate_effectiveness(opportunities), repeats)
    fewer_s = best_of(lambda: estimate_effectiveness(opportunities, replicates=200), repeats)
    estimate = estimate_effectiveness(opportunities)
    quick = estimate_effectiveness(opportunities, replicates=200)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    flags = len(opportunities)
    print(
        f"{len(simulated.scorings):,} score rows in {simulated.scorings['upload_id'].nunique()} uploads, "
        f"{len(simulated.contacts):,} contacts; {flags:,} flags ({estimate.contacted_flags:,} contacted, "
        f"{estimate.not_contacted_flags:,} not, {estimate.unknown_outcome_flags:,} outcome unknown); "
        f"put in the store in {stored:.1f} s (not counted)\n"
    )
    total = from_store + estimate_s
    print_table(
        ["what", "seconds", "target", "result"],
        [
            ["opportunities_from_store (SQLite)", f"{from_store:.3f}", "-", "-"],
            ["build_opportunities (records in memory)", f"{build:.3f}", "-", "-"],
            ["estimate_effectiveness, 1,000 replicates", f"{estimate_s:.3f}", "-", "-"],
            ["estimate_effectiveness, 200 replicates", f"{fewer_s:.3f}", "-", "-"],
            [
                "from store + estimate (1,000)",
                f"{total:.3f}",
                f"< {target:g} s" if target else "-",
                verdict(total, target),
            ],
        ],
    )
    low, high = estimate.interval
    quick_low, quick_high = quick.interval
    print(
        f"\nMeasured effectiveness {estimate.effectiveness:.1%} (95% interval {low:.1%} to {high:.1%}; "
        f"with 200 replicates {quick_low:.1%} to {quick_high:.1%}; true {world.true_effect:.0%}); "
        f"unadjusted {estimate.naive_effectiveness:.1%}. Peak memory {peak_mb:,.0f} MB."
    )


if __name__ == "__main__":
    main()
