"""Train the bundled model on the synthetic history and rewrite models/: ``python -m core.train``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from core.model.training import train
from core.paths import MODELS_DIR, TRAINING_DATA_PATH


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the dropout model and write models/.")
    parser.add_argument("--data", type=Path, default=TRAINING_DATA_PATH)
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    card = train(args.data, args.out)
    test = card["metrics"]["test"]
    print(
        f"model {card['model_version']}: test ROC AUC {test['roc_auc']['value']} "
        f"(oracle {test.get('oracle_roc_auc', {}).get('value')}), ECE {test['ece']['value']}, "
        f"default threshold {card['decision']['default_threshold']}"
    )


if __name__ == "__main__":
    main()
