"""The store and the change list: a 100,000-patient week stored and read back on SQLite and PostgreSQL, and
last week's scores compared with this week's.

Each case runs in its own fresh subprocess (started before any data exists, as in bench_scoring.py),
which reports its peak memory (``ru_maxrss``): "base" after the imports, "peak" after the work.

* store: ``Store.uploads.record`` of one upload with 100,000 score rows (one transaction), best of 3
  (each run a new upload in the same database, so later runs also update indexes holding earlier weeks);
* read: ``Store.uploads.scores`` of that upload back into a frame, best of 3;
* trend: ``Store.uploads.patient_history`` of one patient over the 3 stored weeks, median of 200;
* open: ``Store.open`` of the existing, up-to-date database (connect + migration check), best of 3;
* changes: ``core.outreach.changes.weekly_changes`` for two 100,000-patient weeks (5% left, 5% new,
  risks moved at random), best of 5.

SQLite is a file in a temporary folder; PostgreSQL a throwaway cluster (``tests/core/store/postgres_cluster.py``)
with its durable defaults (fsync on). Scores are random (ids, sites, probabilities, bands, flags, days).

Targets: store < 5 s on each backend; the change list well under 1 s.

``--tiny``: 1,000 patients a week, one run of each (20 trend look-ups), both backends (a missing PostgreSQL is an
error, never a skip); targets not judged.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench._common import (  # noqa: E402
    best_of,
    child_command,
    machine_note,
    parse_args,
    print_table,
    timed,
    tiny_note,
    verdict,
)
from core.outreach.changes import weekly_changes  # noqa: E402
from core.store import NewUpload, Store  # noqa: E402

PATIENTS = 100_000
REPEATS = {"read": 3, "trend": 200, "open": 3, "changes": 5}
TARGETS = {"store": 5.0, "changes": 1.0}  # seconds
TINY_PATIENTS = 1_000
TINY_REPEATS = {"read": 1, "trend": 20, "open": 1, "changes": 1}
BANDS = np.array(["Low", "Medium", "High"])


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def week(n: int, seed: int) -> pd.DataFrame:
    """``n`` patients' scores; consecutive seeds share 95% of their patients."""
    rng = np.random.default_rng(seed)
    ids = np.arange(n) + seed * n // 20  # each week 5% leave and 5% join
    p = rng.random(n)
    return pd.DataFrame(
        {
            "patient_id": [f"TRX-{i:07d}" for i in ids],
            "site_id": rng.choice(np.array([f"Site {s:02d}" for s in range(40)], dtype=object), n),
            "probability": p,
            "risk_band": BANDS[np.digitize(p, [0.2, 0.5])],
            "flagged": p >= 0.3,
            "days_in_trial": rng.integers(1, 700, n),
        }
    )


def upload(n: int, seed: int) -> NewUpload:
    settings = {
        "threshold": 0.3,
        "intervention_cost": 500.0,
        "dropout_cost": 5000.0,
        "capacity": None,
        "plan": "single",
    }
    return NewUpload("bench", f"week{seed}.csv", "0" * 64, "bench", "1" * 64, settings, n)


def store_case(url: str, n: int, repeats: dict[str, int]) -> dict[str, float]:
    base = _maxrss_mb()
    weeks = [week(n, seed) for seed in range(3)]
    store = Store.open(url)
    stored, ids = [], []
    for seed, scores in enumerate(weeks):
        seconds, recorded = timed(lambda s=seed, f=scores: store.uploads.record(upload(n, s), f))
        stored.append(seconds)
        ids.append(recorded.id)
    rows = len(store.uploads.scores(ids[-1]))
    read = best_of(lambda: store.uploads.scores(ids[-1]), repeats["read"])
    patient = str(weeks[1]["patient_id"].iloc[n // 2])  # in all three weeks
    trend = []
    for _ in range(repeats["trend"]):
        start = time.perf_counter()
        store.uploads.patient_history(patient)
        trend.append(time.perf_counter() - start)
    store.close()
    opened = best_of(lambda: Store.open(url).close(), repeats["open"])
    return {
        "store": min(stored),
        "store_first": stored[0],
        "read": read,
        "rows_back": rows,
        "trend_ms": statistics.median(trend) * 1000,
        "open": opened,
        "base_mb": base,
        "peak_mb": _maxrss_mb(),
    }


def changes_case(n: int, repeats: dict[str, int]) -> dict[str, float]:
    base = _maxrss_mb()
    last, now = week(n, 0), week(n, 1)
    counts = weekly_changes(last, now).counts()
    return {
        "changes": best_of(lambda: weekly_changes(last, now), repeats["changes"]),
        **counts,
        "base_mb": base,
        "peak_mb": _maxrss_mb(),
    }


def child(tiny: bool) -> None:
    """Run in the subprocess: read the case from stdin, print one JSON line of figures."""
    order = json.loads(sys.stdin.readline())
    repeats = TINY_REPEATS if tiny else REPEATS
    if order["case"] == "changes":
        figures = changes_case(order["rows"], repeats)
    else:
        figures = store_case(order["url"], order["rows"], repeats)
    print(json.dumps(figures))


def spawn(tiny: bool) -> subprocess.Popen[str]:
    command = child_command(__file__, "case", tiny=tiny)
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(proc: subprocess.Popen[str], order: dict[str, object]) -> dict[str, float]:
    out, err = proc.communicate(json.dumps(order) + "\n")
    if proc.returncode:
        raise RuntimeError(f"benchmark subprocess failed for {order['case']}:\n{err}")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    args = parse_args(__doc__)
    if args.child:
        child(args.tiny)
        return
    from tests.core.store.postgres_cluster import ThrowawayCluster

    patients, targets = (TINY_PATIENTS, {}) if args.tiny else (PATIENTS, TARGETS)
    print(machine_note())
    tiny_note(args.tiny)
    print(f"Store and change list, {patients:,} patients a week; seconds (best of N) unless marked\n")
    procs = {case: spawn(args.tiny) for case in ("sqlite", "postgresql", "changes")}  # before any data exists
    cluster = ThrowawayCluster.start(durable=True)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            urls = {"sqlite": f"sqlite:///{folder}/bench.sqlite3", "postgresql": cluster.create_database("bench")}
            figures = {case: run(procs[case], {"case": case, "url": urls[case], "rows": patients}) for case in urls}
    finally:
        cluster.stop()
    changed = run(procs["changes"], {"case": "changes", "rows": patients})

    rows = []
    for case, f in figures.items():
        if f["rows_back"] != patients:
            print(f"warning: {case} gave back {f['rows_back']:,} of {patients:,} rows")
            if args.tiny:
                raise SystemExit(f"{case} gave back {f['rows_back']:,} of {patients:,} rows")
        rows.append(
            [
                case,
                f"{f['store']:.3f}",
                f"{f['store_first']:.3f}",
                f"{f['read']:.3f}",
                f"{f['trend_ms']:.2f}",
                f"{f['open']:.3f}",
                f"{f['base_mb']:,.0f}",
                f"{f['peak_mb']:,.0f}",
                f"< {targets['store']:g} s" if targets else "-",
                verdict(f["store"], targets.get("store")),
            ]
        )
    header = "backend store_s store_first_s read_s trend_ms open_s base_MB peak_MB target result"
    print_table(header.split(), rows)
    print()
    print_table(
        "what seconds new risk_rose newly_flagged left base_MB peak_MB target result".split(),
        [
            [
                "weekly_changes",
                f"{changed['changes']:.3f}",
                f"{changed['new']:,}",
                f"{changed['risk_rose']:,}",
                f"{changed['newly_flagged']:,}",
                f"{changed['left']:,}",
                f"{changed['base_mb']:,.0f}",
                f"{changed['peak_mb']:,.0f}",
                f"< {targets['changes']:g} s" if targets else "-",
                verdict(changed["changes"], targets.get("changes")),
            ]
        ],
    )


if __name__ == "__main__":
    main()
