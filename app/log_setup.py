"""The app's own log lines (modules under app/ and core/) go to the server's stderr at the configured level.

Streamlit sets up only its own loggers; without this, our warnings reach stderr through Python's
last-resort handler and anything below a warning is lost. Patient identifiers are never logged.
"""

from __future__ import annotations

import logging
import sys

OUR_LOGGERS = ("app", "core")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str) -> None:
    """Attach one stderr handler to our loggers (once per process) and set their level."""
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        if not any(getattr(h, "_radar", False) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter(_FORMAT))
            handler._radar = True  # type: ignore[attr-defined]  # marks our handler across reruns
            logger.addHandler(handler)
            logger.propagate = False
        logger.setLevel(level)
