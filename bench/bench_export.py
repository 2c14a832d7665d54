"""Export speed and memory: a flagged-patient list as CSV (core.output.csv_file.csv_bytes) and as Excel
(core.output.excel.xlsx_bytes, with the percent, money and date formats the Cohort page asks for).

The list is simulated, 19 columns like a flagged-patient export with the user's extra columns: id,
site, probability, band, action, action cost, three reason sentences of about 40 characters, seven
input columns, an enrolment date, a free-text note (one in ten starts with "=", so every row is
checked and some prefixed) and a yes/no column. It is generated once per size in this process and
sent to the measuring subprocesses as Arrow IPC bytes on stdin.

Memory: each format and size runs in its own fresh subprocess, started before any data exists (on
Linux a child inherits its parent's RSS high-water mark through fork + exec). It reports
``resource.getrusage(RUSAGE_SELF).ru_maxrss``: "base" after the imports, "table" once the list is
in memory, "peak" after the runs (the list included). Time: ``time.perf_counter``, best of N.

Targets: Excel for 100,000 rows in under 5 s; 1,000,000 rows in under 60 s and 1.5 GB peak.

``--tiny``: 1,000 rows, one run per format; targets not judged.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import child_command, machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.output.csv_file import csv_bytes  # noqa: E402
from core.output.excel import Sheet, xlsx_bytes  # noqa: E402

SIZES = {10_000: 5, 100_000: 3, 1_000_000: 1}  # rows -> repeats
SECONDS = {("xlsx", 100_000): 5.0, ("xlsx", 1_000_000): 60.0}
PEAK_MB = {("xlsx", 1_000_000): 1536.0}
TINY_SIZES = {1_000: 1}
REASONS = (
    "Long gap since the last visit (45 days)",
    "Missed two of the last three visits",
    "Several adverse events reported so far",
    "Early in the trial: the first 30 days",
    "Fewer visits than expected by this day",
    "Older patient in a long Phase III trial",
    "Placebo arm: more patients leave here",
    "No visit yet since enrolment in the trial",
)
BANDS = (("High", "Coordinator call", 350.0), ("Medium", "Reminder text", 25.0), ("Low", "Routine follow-up", 0.0))


def flagged_list(rows: int, seed: int = 20261127) -> pd.DataFrame:
    """A simulated flagged-patient list of ``rows`` rows and 19 columns, highest risk first."""
    rng = np.random.default_rng(seed)
    band = rng.integers(0, len(BANDS), rows)

    def pick(options: tuple[str, ...] | list[str], size: int = rows) -> np.ndarray:
        return np.array(options, dtype=object)[rng.integers(0, len(options), size)]

    return pd.DataFrame(
        {
            "patient_id": pd.Series(np.arange(rows)).map("P-{:07d}".format),
            "site_id": pick([f"SITE-{i:03d}" for i in range(48)]),
            "probability": np.sort(rng.random(rows))[::-1].round(4),
            "band": np.array([b[0] for b in BANDS], dtype=object)[band],
            "recommended_action": np.array([b[1] for b in BANDS], dtype=object)[band],
            "action_cost_usd": np.array([b[2] for b in BANDS])[band],
            "reason_1": pick(REASONS),
            "reason_2": pick(REASONS),
            "reason_3": pick(REASONS),
            "age": rng.integers(18, 90, rows),
            "gender": pick(("Male", "Female", "Other")),
            "treatment_group": pick(("Active", "Control", "Placebo")),
            "trial_phase": pick(("Phase I", "Phase II", "Phase III")),
            "days_in_trial": rng.integers(1, 2000, rows),
            "visits_completed": rng.integers(0, 40, rows),
            "adverse_events": rng.integers(0, 6, rows),
            "enrolled_on": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), unit="D"),
            "coordinator_note": np.where(rng.random(rows) < 0.1, "=call back Monday", "spoke to the family"),
            "consented_to_calls": rng.random(rows) < 0.9,
        }
    ).astype({"site_id": "str", "band": "str", "recommended_action": "str", "gender": "str"})


def export(kind: str, frame: pd.DataFrame) -> bytes:
    if kind == "csv":
        return csv_bytes(frame)
    sheet = Sheet(
        "Flagged patients",
        frame,
        percent_columns=["probability"],
        money_columns=["action_cost_usd"],
        date_columns=["enrolled_on"],
        integer_columns=["age", "days_in_trial", "visits_completed", "adverse_events"],
    )
    return xlsx_bytes([sheet])


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def child(kind: str, repeats: int) -> None:
    """Run in the subprocess: read the list (Arrow IPC on stdin), export it, print one JSON line."""
    base = _maxrss_mb()
    frame = pa.ipc.open_stream(sys.stdin.buffer.read()).read_all().to_pandas()
    loaded = _maxrss_mb()
    times, size = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        size = len(export(kind, frame))
        times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "seconds": min(times),
                "base_mb": base,
                "table_mb": loaded,
                "peak_mb": _maxrss_mb(),
                "file_mb": size / 2**20,
            }
        )
    )


def spawn(kind: str, repeats: int, tiny: bool) -> subprocess.Popen[bytes]:
    command = child_command(__file__, kind, str(repeats), tiny=tiny)
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def measure(proc: subprocess.Popen[bytes], payload: bytes, what: str) -> dict[str, float]:
    out, err = proc.communicate(payload)
    if proc.returncode:
        raise RuntimeError(f"benchmark subprocess failed for {what}:\n{err.decode()}")
    return json.loads(out.decode().strip().splitlines()[-1])


def _arrow_bytes(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def main() -> None:
    args = parse_args(__doc__)
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    sizes, seconds_targets, peak_targets = (TINY_SIZES, {}, {}) if args.tiny else (SIZES, SECONDS, PEAK_MB)
    print(machine_note())
    tiny_note(args.tiny)
    print("Export of a simulated flagged-patient list (19 columns): CSV and Excel bytes in memory; best of N, seconds")
    print("Memory: ru_maxrss of a fresh subprocess per format and size (base = interpreter and libraries)\n")
    # Every subprocess starts before any data exists (see the module docstring).
    procs = {
        (kind, rows): spawn(kind, repeats, args.tiny) for rows, repeats in sizes.items() for kind in ("csv", "xlsx")
    }
    table = []
    for rows in sizes:
        payload = _arrow_bytes(flagged_list(rows))
        for kind in ("csv", "xlsx"):
            f = measure(procs[kind, rows], payload, f"{kind} {rows:,} rows")
            seconds, peak = seconds_targets.get((kind, rows)), peak_targets.get((kind, rows))
            targets = [f"< {seconds:g} s" if seconds else "", f"< {peak / 1024:g} GB" if peak else ""]
            results = [verdict(f["seconds"], seconds)] + ([verdict(f["peak_mb"], peak)] if peak else [])
            table.append(
                [
                    kind,
                    f"{rows:,}",
                    sizes[rows],
                    f"{f['seconds']:.2f}",
                    f"{rows / f['seconds']:,.0f}",
                    f"{f['file_mb']:,.1f}",
                    f"{f['base_mb']:,.0f}",
                    f"{f['table_mb']:,.0f}",
                    f"{f['peak_mb']:,.0f}",
                    ", ".join(t for t in targets if t) or "-",
                    " ".join(r for r in results if r != "-") or "-",
                ]
            )
    print_table("format rows N seconds rows/s file_MB base_MB table_MB peak_MB target result".split(), table)


if __name__ == "__main__":
    main()
