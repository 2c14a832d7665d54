"""Rewrite README.md's generated blocks from the model card and the input contract: ``python -m core.cli.report``."""

from __future__ import annotations

import json

from core.output.readme import readme_with_card, readme_with_contract
from core.paths import MODEL_CARD_PATH, README_PATH
from core.reading.contract import CONTRACT


def main() -> None:
    card = json.loads(MODEL_CARD_PATH.read_text())
    readme = readme_with_contract(readme_with_card(README_PATH.read_text(), card), CONTRACT)
    README_PATH.write_text(readme)
    print(f"README.md updated from {MODEL_CARD_PATH.name} and the input contract")


if __name__ == "__main__":
    main()
