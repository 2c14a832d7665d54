"""Model versions from the command line: which exist, which is in use, promote, roll back.

    python -m core.cli.models list
    python -m core.cli.models promote VERSION
    python -m core.cli.models rollback

Every promotion and rollback is written to the audit trail with who made it ("command line" here;
the Train page records the signed-in person).
"""

from __future__ import annotations

import argparse
import sys

from core.cli.common import audit, error_line
from core.model import card_words
from core.model.bundle import ModelIntegrityError
from core.model.registry import Registry, RegistryError
from core.settings import SettingsError, load_settings

WHO = "command line"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="List, promote and roll back model versions.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every version, the one in use marked")
    promote = commands.add_parser("promote", help="put a version in use")
    promote.add_argument("version")
    commands.add_parser("rollback", help="go back to the version in use before the latest promotion")
    return parser.parse_args(argv)


def _list(registry: Registry) -> None:
    for version in registry.versions():
        card = version.card
        auc = card.get("metrics", {}).get("test", {}).get("roc_auc", {}).get("value")
        how = card.get("evaluation", {}).get("method", "held-out sites")
        mark = "*" if version.in_use else " "
        name = card_words.headline_name(card)
        figure = f"{name} {auc:.2f} ({how})" if isinstance(auc, float) else "no figures"
        print(f"{mark} {version.name}  {card.get('created_at', '')[:10]}  trained on {version.trained_on}  {figure}")
    print("(* = in use)")


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        settings = load_settings()
        registry = Registry(settings.models_dir, settings.model_sha256)
        if args.command == "list":
            _list(registry)
        elif args.command == "promote":
            chosen = next((v for v in registry.versions() if v.name == args.version), None)
            against = card_words.against_in_use(chosen.card) if chosen else ""
            if against:
                print(against)
            previous = registry.promote(args.version, WHO)
            audit("model_promoted", version=args.version, replaced=previous, by=WHO)
            print(f"{args.version} is now in use (it replaced {previous}). Restart the app or reload its page.")
        else:
            restored = registry.rollback(WHO)
            audit("model_rolled_back", version=restored, by=WHO)
            print(f"{restored} is in use again.")
    except (RegistryError, ModelIntegrityError, SettingsError, OSError) as exc:
        print("error: " + error_line(exc), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
