"""Scoring throughput: CSV file bytes -> validated rows -> scored frame (no reasons).

For 10k, 100k and 1M patients simulated with ``core.training.synthetic_world.simulate`` (columns of the demo cohort,
unique ids, written as CSV bytes in memory), a fresh subprocess per size receives the bytes on
stdin, loads the model, and times with ``time.perf_counter``:

* end to end: ``core.reading.validation.load_cohort`` then ``core.scoring.scores.score_frame`` (best of N runs);
* a breakdown from separate runs, alternating with those (best of N per stage): read/parse (``read_table``), validate
  (``map_columns`` + ``validate_frame``), features (``ModelBundle.features``), predict
  (``ModelBundle.predict_features``), and bands+frame (the rest of ``score_frame``: band lookup and
  assembling the output frame = score_frame - features - predict).

Memory: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` in that subprocess, so sizes do not
contaminate each other: "base" is the high-water mark after imports and loading the model (before
the input arrives), "peak" the high-water mark after the first load + score run; "input" is the
size of the CSV bytes.

Target: 100k rows in under 2 s end to end.

``--tiny``: 2,000 rows, one run; targets not judged, and rows failing validation are an error.
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


from bench._common import (  # noqa: E402
    child_command,
    cohort,
    csv_bytes,
    machine_note,
    parse_args,
    print_table,
    tiny_note,
    verdict,
)
from core.decisions.bands import FACTORY_BANDS  # noqa: E402
from core.model.bundle import ModelBundle, load_bundle  # noqa: E402
from core.paths import MODEL_CARD_PATH, MODEL_PATH  # noqa: E402
from core.reading.contract import CONTRACT  # noqa: E402
from core.reading.headers import map_columns  # noqa: E402
from core.reading.tables import read_table  # noqa: E402
from core.reading.validation import load_cohort, validate_frame  # noqa: E402
from core.scoring.scores import score_frame  # noqa: E402

SIZES = {10_000: 5, 100_000: 5, 1_000_000: 2}  # rows -> repeats
TARGETS = {100_000: 2.0}  # rows -> seconds end to end
TINY_SIZES = {2_000: 1}


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _breakdown(data: bytes, bundle: ModelBundle) -> tuple[list[float], int]:
    """One run stage by stage: seconds for read, validate, features, predict, score_frame; valid rows."""
    clock = [time.perf_counter()]
    frame = read_table(data, "upload.csv")
    clock.append(time.perf_counter())
    valid = validate_frame(frame, map_columns(list(frame.columns), CONTRACT), CONTRACT, "the file").valid
    clock.append(time.perf_counter())
    features = bundle.features(valid)
    clock.append(time.perf_counter())
    bundle.predict_features(features)
    clock.append(time.perf_counter())
    score_frame(valid, bundle, FACTORY_BANDS, bundle.default_threshold)
    clock.append(time.perf_counter())
    return [end - start for start, end in zip(clock, clock[1:], strict=False)], len(valid)


def child(repeats: int) -> None:
    """Run in the subprocess: score the CSV bytes on stdin, print one JSON line of figures."""
    bundle = load_bundle(MODEL_PATH, MODEL_CARD_PATH)
    base, peak, totals = _maxrss_mb(), 0.0, []  # base: interpreter, libraries and model
    data = sys.stdin.buffer.read()
    runs = []
    for _ in range(repeats):  # end-to-end and stage-by-stage runs alternate
        start = time.perf_counter()
        score_frame(load_cohort(data, "upload.csv", CONTRACT).valid, bundle, FACTORY_BANDS, bundle.default_threshold)
        totals.append(time.perf_counter() - start)
        peak = peak or _maxrss_mb()  # high-water mark after the first run
        runs.append(_breakdown(data, bundle))
    stages = ("read", "validate", "features", "predict", "score_frame")
    figures = {key: min(run[0][i] for run in runs) for i, key in enumerate(stages)}
    print(json.dumps(figures | {"total": min(totals), "valid_rows": runs[-1][1], "base_mb": base, "peak_mb": peak}))


def spawn(repeats: int, tiny: bool) -> subprocess.Popen[bytes]:
    """Start a measuring subprocess; it waits for CSV bytes on stdin."""
    command = child_command(__file__, str(repeats), tiny=tiny)
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def measure(proc: subprocess.Popen[bytes], rows: int) -> dict[str, float]:
    """Send ``rows`` simulated patients as CSV bytes to a waiting subprocess; return its figures."""
    data = csv_bytes(cohort(rows))
    out, err = proc.communicate(data)
    if proc.returncode:
        raise RuntimeError(f"benchmark subprocess failed for {rows:,} rows:\n{err.decode()}")
    return json.loads(out.decode().strip().splitlines()[-1]) | {"input_mb": len(data) / 2**20}


def main() -> None:
    args = parse_args(__doc__)
    if args.child:
        child(int(args.child[0]))
        return
    sizes, targets = (TINY_SIZES, {}) if args.tiny else (SIZES, TARGETS)
    print(machine_note())
    tiny_note(args.tiny)
    print("Scoring throughput: CSV bytes -> load_cohort -> score_frame (no reasons); best of N, seconds")
    print("Memory: ru_maxrss of a fresh subprocess per size (base = interpreter, libraries, model)\n")
    # Every subprocess starts before any data is generated: Linux carries the parent's RSS high-water
    # mark into a child's ru_maxrss (fork/vfork + exec), so a child spawned later would inherit it.
    procs = {rows: spawn(repeats, args.tiny) for rows, repeats in sizes.items()}
    table = []
    for rows, proc in procs.items():
        repeats = sizes[rows]
        f = measure(proc, rows)
        target = targets.get(rows)
        if f["valid_rows"] != rows:
            print(f"warning: only {f['valid_rows']:,} of {rows:,} rows passed validation")
            if args.tiny:
                raise SystemExit("simulated rows failed validation: the benchmark no longer measures what it says")
        table.append(
            [
                f"{rows:,}",
                repeats,
                f"{f['total']:.3f}",
                f"{rows / f['total']:,.0f}",
                f"{f['read']:.3f}",
                f"{f['validate']:.3f}",
                f"{f['features']:.3f}",
                f"{f['predict']:.3f}",
                f"{f['score_frame'] - f['features'] - f['predict']:.3f}",
                f"{f['input_mb']:,.1f}",
                f"{f['base_mb']:,.0f}",
                f"{f['peak_mb']:,.0f}",
                f"< {target:g} s" if target else "-",
                verdict(f["total"], target),
            ]
        )
    header = "rows N total_s rows/s read validate features predict bands+frame input_MB base_MB peak_MB target result"
    print_table(header.split(), table)


if __name__ == "__main__":
    main()
