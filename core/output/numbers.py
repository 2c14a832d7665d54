"""Numbers as people read them, written one way everywhere: pages, exports, the README and the command line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def interval(entry: Mapping[str, Any], digits: int = 3) -> str:
    """A metric with its 95% interval: ``0.796 (0.782–0.809)``."""
    low, high = entry["ci95"]
    return f"{entry['value']:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"
