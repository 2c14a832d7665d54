"""SHAP explanation throughput for 1k and 10k patients.

Patients are simulated with ``core.training.synthetic_world.simulate``, written as CSV bytes in memory and read back
with ``core.reading.validation.load_cohort`` (so they are typed exactly as in the app); features come from
``core.model.features.build_features``. Timed with ``time.perf_counter``, best of 5 runs:

* ``core.model.explain.explain_features``: SHAP contributions (log-odds) via ``shap.TreeExplainer``;
* ``core.scoring.scores.reason_columns``: the same SHAP call plus the top-3 reasons in words;
* for reference, LightGBM's own ``predict(pred_contrib=True)`` (TreeSHAP too: the same numbers, as
  tests/core/model/test_explain.py checks) and a plain ``predict``.

Building the TreeExplainer (first use per model bundle) is timed once, cold. The model's size
comes from models/bundled/model_card.json ("hyperparameters") and the booster itself.

Target: SHAP (explain_features) for 10k patients in under 2 s.

``--tiny``: 200 and 1,000 patients, one run each; targets not judged.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench._common import best_of, cohort, csv_bytes, machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.model.bundle import load_bundle  # noqa: E402
from core.model.explain import explain_features  # noqa: E402
from core.paths import MODEL_CARD_PATH, MODEL_PATH  # noqa: E402
from core.reading.contract import CONTRACT  # noqa: E402
from core.reading.validation import load_cohort  # noqa: E402
from core.scoring.scores import reason_columns  # noqa: E402

SIZES = (1_000, 10_000)
REPEATS = 5
TARGETS = {("explain_features", 10_000): 2.0}  # (what, patients) -> seconds
TINY_SIZES, TINY_REPEATS = (200, 1_000), 1


def model_size() -> str:
    """Tree count and leaves from the model card, cross-checked against the loaded booster."""
    params = json.loads(Path(MODEL_CARD_PATH).read_text())["hyperparameters"]
    booster = load_bundle(MODEL_PATH, MODEL_CARD_PATH).model.booster
    dump = booster.dump_model()["tree_info"]
    leaves = [tree["num_leaves"] for tree in dump]
    return (
        f"model card: trees={params.get('trees')}, num_leaves={params.get('num_leaves')}, "
        f"max_depth={params.get('max_depth')}, learning_rate={params.get('learning_rate')}\n"
        f"booster:    trees={booster.num_trees()}, leaves total={sum(leaves)}, "
        f"mean {np.mean(leaves):.1f} / max {max(leaves)} per tree"
    )


def main() -> None:
    tiny = parse_args(__doc__).tiny
    sizes, repeats, targets = (TINY_SIZES, TINY_REPEATS, {}) if tiny else (SIZES, REPEATS, TARGETS)
    print(machine_note())
    tiny_note(tiny)
    print(f"SHAP explanation throughput; best of {repeats} runs, seconds (per-row figures in ms)\n")
    print(model_size() + "\n")
    valid = load_cohort(csv_bytes(cohort(max(sizes))), "upload.csv", CONTRACT).valid
    start = time.perf_counter()
    bundle = load_bundle(MODEL_PATH, MODEL_CARD_PATH)  # builds the TreeExplainer too
    build_s = time.perf_counter() - start
    features_all = bundle.features(valid)
    print(f"Model bundle load incl. TreeExplainer build (once per process, cold): {build_s * 1000:.1f} ms\n")

    results: dict[int, dict[str, float]] = {}
    for n in sizes:
        part, features = valid.iloc[:n], features_all.iloc[:n]
        matrix = features[bundle.feature_names].to_numpy(dtype=float)
        results[n] = {
            "explain_features": best_of(lambda f=features: explain_features(bundle, f), repeats),
            "reason_columns": best_of(lambda v=part, f=features: reason_columns(v, bundle, f), repeats),
            "lgb pred_contrib": best_of(lambda m=matrix: bundle.model.booster.predict(m, pred_contrib=True), repeats),
            "lgb predict": best_of(lambda m=matrix: bundle.model.booster.predict(m), repeats),
        }
    rows = []
    for n, figures in results.items():
        for what, seconds in figures.items():
            target = targets.get((what, n))
            rows.append(
                [
                    what,
                    f"{n:,}",
                    f"{seconds:.3f}",
                    f"{seconds / n * 1000:.4f}",
                    f"{n / seconds:,.0f}",
                    f"< {target:g} s" if target else "-",
                    verdict(seconds, target),
                ]
            )
    print_table(["what", "patients", "seconds", "ms/row", "rows/s", "target", "result"], rows)
    print()
    for n, figures in results.items():
        words = figures["reason_columns"] - figures["explain_features"]
        print(f"reasons in words on top of SHAP, {n:,} patients: {words:.3f} s ({words / n * 1e6:.1f} us/row)")


if __name__ == "__main__":
    main()
