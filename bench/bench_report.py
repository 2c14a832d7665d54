"""The week's report: file sizes and the time to make it (core.report: build_week_report, then HTML or PDF).

Three cohorts: the demo (500 patients, no outcomes: no figures, so no plotly script), CDISC Pilot 01 as of its
busiest day (59 patients with outcomes known later: the evaluation figures, plotly embedded once), and
100,000 simulated patients with outcomes (evaluation with 200 resamples of whole patients, SHAP on a
sample of 5,000). Threshold 0.3; the call list is capped at a staff capacity of 1,000 (the 100,000-patient
report lists 1,000 patients). Time: ``time.perf_counter`` of one build and one render, scoring not included
(it is printed apart). Sizes in MB (10^6 bytes).

Targets: the demo's HTML < 5 MB; the 100,000-patient report < 20 MB and < 30 s, as HTML and as PDF.

``--tiny``: 2,000 simulated patients instead of 100,000; targets not judged.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import cohort, csv_bytes, machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.decisions.bands import FACTORY_BANDS  # noqa: E402
from core.decisions.costs import FACTORY_COSTS  # noqa: E402
from core.decisions.policy import Policy  # noqa: E402
from core.history.as_of import default_as_of  # noqa: E402
from core.history.reader import history_files, read_history  # noqa: E402
from core.model.bundle import load_bundle  # noqa: E402
from core.paths import DEMO_COHORT_PATH, MODEL_CARD_PATH, MODEL_PATH  # noqa: E402
from core.report.content import build_week_report  # noqa: E402
from core.report.formats import report_bytes  # noqa: E402
from core.scoring.cohort import ScoredCohort, score_upload  # noqa: E402
from core.scoring.trial_as_of import score_history  # noqa: E402

THRESHOLD, CAPACITY = 0.3, 1000
MB = 1e6
TARGET_MB = {("demo", ".html"): 5.0, ("large", ".html"): 20.0, ("large", ".pdf"): 20.0}
TARGET_S = {("large", ".html"): 30.0, ("large", ".pdf"): 30.0}


def _cdisc(bundle) -> ScoredCohort:
    files = history_files(ROOT / "data" / "cdiscpilot01")
    history = read_history(files)
    as_of, _ = default_as_of(history)
    return score_history(history, files, "cdiscpilot01", as_of, bundle, FACTORY_BANDS)


def _measure(name: str, scored: ScoredCohort, bundle, tiny: bool) -> list[list[object]]:
    policy = Policy(THRESHOLD, CAPACITY, FACTORY_COSTS, FACTORY_BANDS)
    rows = []
    for suffix in (".html", ".pdf"):
        start = time.perf_counter()
        report = build_week_report(
            scored, policy, bundle, trial=name, made_by="bench", made_at=datetime.now(UTC), reference=0.5
        )
        built = time.perf_counter() - start
        data = report_bytes(report, suffix)
        seconds = time.perf_counter() - start
        size = len(data) / MB
        size_target = None if tiny else TARGET_MB.get((name, suffix))
        time_target = None if tiny else TARGET_S.get((name, suffix))
        rows.append(
            [
                f"{name} ({len(scored.scored):,} patients) {suffix}",
                f"{len(report.call_list):,}",
                "yes" if report.evaluation is not None else "no",
                f"{size:.3f}",
                verdict(size, size_target),
                f"{built:.1f}",
                f"{seconds:.1f}",
                verdict(seconds, time_target),
            ]
        )
    return rows


def main() -> None:
    args = parse_args(__doc__)
    tiny_note(args.tiny)
    print(machine_note())
    bundle = load_bundle(MODEL_PATH, MODEL_CARD_PATH)
    n = 2_000 if args.tiny else 100_000
    demo = score_upload(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, bundle, FACTORY_BANDS)
    start = time.perf_counter()
    large = score_upload(csv_bytes(cohort(n, labelled=True)), "simulated.csv", bundle, FACTORY_BANDS)
    print(f"scoring {n:,} simulated patients (not in the times below): {time.perf_counter() - start:.1f} s\n")
    rows = _measure("demo", demo, bundle, args.tiny)
    rows += _measure("cdisc", _cdisc(bundle), bundle, args.tiny)
    rows += _measure("large", large, bundle, args.tiny)
    print_table(["report", "listed", "evaluation", "MB", "size", "build s", "total s", "time"], rows)
    print(
        f"\nthreshold {THRESHOLD}, staff capacity {CAPACITY:,} (the call list's length at most); size target: demo HTML"
    )
    print("< 5 MB, the large report < 20 MB; time target: the large report < 30 s (build + render)")


if __name__ == "__main__":
    main()
