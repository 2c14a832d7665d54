"""Numbers as people read them, written one way everywhere: pages, exports, the README and the command line.

Percentages carry one decimal, counts are whole numbers with thousands separators, dollars carry
separators (and cents only when there are cents, such as a $0.50 reminder).
A missing value reads as an en dash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MISSING = "–"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(share: float | None) -> str:
    """A share 0-1 as a percentage with one decimal: ``12.3%``."""
    return MISSING if _missing(share) else f"{float(share):.1%}"  # type: ignore[arg-type]


def count(value: float | None) -> str:
    """A count as a whole number: ``1,234`` (expected counts are rounded)."""
    return MISSING if _missing(value) else f"{round(float(value)):,}"  # type: ignore[arg-type]


def things(number: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: ``1 row``, ``2 rows``, ``1,234 patients``."""
    return f"{number:,} {noun if number == 1 else (plural or noun + 's')}"


def dollars(value: float | None) -> str:
    """Dollars with separators: ``$12,500``, ``$0``; cents only when there are some: ``$0.50``."""
    if _missing(value):
        return MISSING
    amount = float(value)  # type: ignore[arg-type]
    sign = "-" if amount < 0 else ""
    whole = abs(round(amount, 2) - round(amount)) < 0.005 or abs(amount) >= 100_000
    return f"{sign}${abs(amount):,.0f}" if whole else f"{sign}${abs(amount):,.2f}"


def interval(entry: Mapping[str, Any], digits: int = 3) -> str:
    """A metric with its 95% interval: ``0.796 (0.782–0.809)``."""
    low, high = entry["ci95"]
    return f"{entry['value']:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"
