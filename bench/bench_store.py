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

from bench._common import best_of, machine_note, print_table, timed, verdict  # noqa: E402
from core.outreach.changes import weekly_changes  # noqa: E402
from core.store import NewUpload, Store  # noqa: E402

PATIENTS = 100_000
TARGETS = {"store": 5.0, "changes": 1.0}  # seconds
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


def store_case(url: str, n: int) -> dict[str, float]:
    base = _maxrss_mb()
    weeks = [week(n, seed) for seed in range(3)]
    store = Store.open(url)
    stored, ids = [], []
    for seed, scores in enumerate(weeks):
        seconds, recorded = timed(lambda s=seed, f=scores: store.uploads.record(upload(n, s), f))
        stored.append(seconds)
        ids.append(recorded.id)
    rows = len(store.uploads.scores(ids[-1]))
    read = best_of(lambda: store.uploads.scores(ids[-1]), 3)
    patient = str(weeks[1]["patient_id"].iloc[n // 2])  # in all three weeks
    trend = []
    for _ in range(200):
        start = time.perf_counter()
        store.uploads.patient_history(patient)
        trend.append(time.perf_counter() - start)
    store.close()
    opened = best_of(lambda: Store.open(url).close(), 3)
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


def changes_case(n: int) -> dict[str, float]:
    base = _maxrss_mb()
    last, now = week(n, 0), week(n, 1)
    counts = weekly_changes(last, now).counts()
    return {
        "changes": best_of(lambda: weekly_changes(last, now), 5),
        **counts,
        "base_mb": base,
        "peak_mb": _maxrss_mb(),
    }


def child() -> None:
    """Run in the subprocess: read the case from stdin, print one JSON line of figures."""
    order = json.loads(sys.stdin.readline())
    if order["case"] == "changes":
        figures = changes_case(order["rows"])
    else:
        figures = store_case(order["url"], order["rows"])
    print(json.dumps(figures))


def spawn() -> subprocess.Popen[str]:
    command = [sys.executable, __file__, "--child"]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(proc: subprocess.Popen[str], order: dict[str, object]) -> dict[str, float]:
    out, err = proc.communicate(json.dumps(order) + "\n")
    if proc.returncode:
        raise RuntimeError(f"benchmark subprocess failed for {order['case']}:\n{err}")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:] == ["--child"]:
        child()
        return
    from tests.core.store.postgres_cluster import ThrowawayCluster

    print(machine_note())
    print(f"Store and change list, {PATIENTS:,} patients a week; seconds (best of N) unless marked\n")
    procs = {case: spawn() for case in ("sqlite", "postgresql", "changes")}  # before any data exists
    cluster = ThrowawayCluster.start(durable=True)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            urls = {"sqlite": f"sqlite:///{folder}/bench.sqlite3", "postgresql": cluster.create_database("bench")}
            figures = {case: run(procs[case], {"case": case, "url": urls[case], "rows": PATIENTS}) for case in urls}
    finally:
        cluster.stop()
    changed = run(procs["changes"], {"case": "changes", "rows": PATIENTS})

    rows = []
    for case, f in figures.items():
        if f["rows_back"] != PATIENTS:
            print(f"warning: {case} gave back {f['rows_back']:,} of {PATIENTS:,} rows")
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
                f"< {TARGETS['store']:g} s",
                verdict(f["store"], TARGETS["store"]),
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
                f"< {TARGETS['changes']:g} s",
                verdict(changed["changes"], TARGETS["changes"]),
            ]
        ],
    )


if __name__ == "__main__":
    main()
