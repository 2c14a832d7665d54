"""Landmark table speed and memory: a trial history in memory -> every landmark snapshot, and CDISC Pilot 01 from disk.

Cases, each in a fresh subprocess that waits for a go signal, so sizes neither share memory nor run at once:

* 2,500 patients / about 40,000 visits and 100,000 patients / about 2,000,000 visits, simulated with
  ``core.history.simulated.simulate_history`` inside the subprocess (not timed), then
  ``core.history.landmarks.landmark_snapshots`` (every 28 days up to the planned length) timed with
  ``time.perf_counter``, best of N;
* CDISC Pilot 01 (``data/cdiscpilot01``): ``core.history.sdtm.read_sdtm_folder`` from disk, then
  ``landmark_snapshots``; best of N for the two together, with each part's best.

Memory: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` in the subprocess: "base" after the imports,
"history" after the history is in memory, "peak" after the first landmark run.

Targets: 2,500 patients < 2 s; 100,000 patients < 30 s and < 2 GB.

``--tiny``: 200 and 1,000 simulated patients and CDISC Pilot 01, one run each; targets not judged.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import child_command, machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.history.landmarks import landmark_snapshots  # noqa: E402
from core.history.sdtm import CDISC_PILOT_DIR, read_sdtm_folder  # noqa: E402
from core.history.simulated import HistoryPlan, simulate_history  # noqa: E402

CASES = {  # name -> (plan or None for CDISC Pilot 01, repeats, seconds target, MB target)
    "simulated 2,500": (HistoryPlan(2_500), 5, 2.0, None),
    "simulated 100,000": (HistoryPlan(100_000, planned_days=532), 3, 30.0, 2048.0),
    "CDISC Pilot 01 from disk": (None, 5, None, None),
}
TINY_CASES = {
    "simulated 200": (HistoryPlan(200), 1, None, None),
    "simulated 1,000": (HistoryPlan(1_000, planned_days=532), 1, None, None),
    "CDISC Pilot 01 from disk": (None, 1, None, None),
}


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def child(name: str, tiny: bool) -> None:
    """Run in the subprocess: wait for the go line, measure one case, print one JSON line."""
    plan, repeats, _, _ = (TINY_CASES if tiny else CASES)[name]
    base = _maxrss_mb()
    sys.stdin.readline()
    figures: dict[str, float] = {}
    if plan is not None:
        history = simulate_history(plan)
        figures["history_mb"] = _maxrss_mb()
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            table = landmark_snapshots(history)
            runs.append(time.perf_counter() - start)
            figures.setdefault("peak_mb", _maxrss_mb())
        figures["total"] = min(runs)
    else:
        reads, cuts, totals = [], [], []
        for _ in range(repeats):
            start = time.perf_counter()
            history = read_sdtm_folder(CDISC_PILOT_DIR)
            middle = time.perf_counter()
            table = landmark_snapshots(history)
            end = time.perf_counter()
            reads.append(middle - start)
            cuts.append(end - middle)
            totals.append(end - start)
            figures.setdefault("peak_mb", _maxrss_mb())
        figures |= {"total": min(totals), "read": min(reads), "landmarks": min(cuts), "history_mb": float("nan")}
    figures |= {
        "base_mb": base,
        "patients": len(history.subjects),
        "visits": len(history.visits),
        "adverse_events": len(history.adverse_events),
        "landmarks": figures.get("landmarks", float("nan")),
        "n_landmarks": int(table["landmark_day"].nunique()),
        "rows": len(table),
    }
    print(json.dumps(figures))


def main() -> None:
    args = parse_args(__doc__)
    if args.child:
        child(args.child[0], args.tiny)
        return
    cases = TINY_CASES if args.tiny else CASES
    print(machine_note())
    tiny_note(args.tiny)
    print("Trial history -> landmark table (every 28 days up to the planned length); best of N, seconds")
    print("Memory: ru_maxrss of a fresh subprocess per case (base = interpreter and libraries)\n")
    procs = {
        name: subprocess.Popen(
            child_command(__file__, name, tiny=args.tiny),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in cases
    }
    rows = []
    for name, proc in procs.items():  # one at a time: each waits for its go line
        out, err = proc.communicate(b"go\n")
        if proc.returncode:
            raise RuntimeError(f"benchmark subprocess failed for {name}:\n{err.decode()}")
        f = json.loads(out.decode().strip().splitlines()[-1])
        _, repeats, seconds, megabytes = cases[name]
        parts = f" (read {f['read']:.3f} + landmarks {f['landmarks']:.3f})" if "read" in f else ""
        rows.append(
            [
                name,
                f"{f['patients']:,}",
                f"{f['visits']:,}",
                f"{f['adverse_events']:,}",
                f"{f['n_landmarks']}",
                f"{f['rows']:,}",
                repeats,
                f"{f['total']:.3f}{parts}",
                f"< {seconds:g} s" if seconds else "-",
                verdict(f["total"], seconds),
                f"{f['base_mb']:,.0f}",
                "-" if f["history_mb"] != f["history_mb"] else f"{f['history_mb']:,.0f}",
                f"{f['peak_mb']:,.0f}",
                f"< {megabytes:,.0f} MB" if megabytes else "-",
                verdict(f["peak_mb"], megabytes),
            ]
        )
    header = "case patients visits AEs landmarks rows N seconds target result base_MB history_MB peak_MB mem_target mem_result"
    print_table(header.split(), rows)


if __name__ == "__main__":
    main()
