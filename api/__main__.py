"""Run the API: ``python -m api`` (uvicorn on 127.0.0.1, port RRADAR_API_PORT, default 8000).

python -m api                     serve (put it behind the same reverse proxy as the app for TLS)
python -m api --openapi FILE      write the OpenAPI document (the committed api/openapi.json) and stop
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.config import load_config
from api.factory import create_app
from core.settings import SettingsError, load_settings

HOST = "127.0.0.1"  # only this machine: a reverse proxy in front gives TLS and the outside address
OPENAPI_PATH = Path(__file__).resolve().parent / "openapi.json"


def openapi_text() -> str:
    """The OpenAPI document as committed: the app's schema, keys sorted, two-space indents."""
    from core.settings import Settings

    schema = create_app(Settings.factory()).openapi()
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="Serve the Trial Retention Radar API.")
    parser.add_argument("--openapi", type=Path, help="write the OpenAPI document to this file and stop")
    args = parser.parse_args(argv)
    if args.openapi:
        args.openapi.write_text(openapi_text())
        print(f"wrote {args.openapi}")
        return 0
    try:
        settings, config = load_settings(), load_config()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    import uvicorn  # only when serving

    uvicorn.run(create_app(settings, config), host=HOST, port=config.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
