"""Write the synthetic training history and demo cohort: ``python -m core.cli.synth [--seed N]``."""

from __future__ import annotations

import argparse

from core.paths import DEMO_COHORT_PATH, TRAINING_DATA_PATH
from core.training.synthetic_world import DEMO_TRIAL, TRAINING_TRIALS, simulate


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic training history and demo cohort.")
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    history = simulate(TRAINING_TRIALS, args.seed, "H")
    history.to_csv(TRAINING_DATA_PATH, index=False)
    demo = simulate(DEMO_TRIAL, args.seed + 1, "D", intercept=history.attrs["intercept"])
    demo.drop(columns=["true_risk", "dropout", "trial_id"]).to_csv(DEMO_COHORT_PATH, index=False)
    print(
        f"wrote {len(history):,} labelled patients (dropout rate {history['dropout'].mean():.1%}) to {TRAINING_DATA_PATH}\n"
        f"wrote {len(demo):,} unlabelled demo patients to {DEMO_COHORT_PATH}"
    )


if __name__ == "__main__":
    main()
