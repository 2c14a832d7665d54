"""Sheet names Excel accepts: at most 31 characters, none of []:*?/\\, unique, not empty.

Excel also refuses a name that starts or ends with an apostrophe, the reserved name "History", and
two names that differ only in case. Length counts UTF-16 units, as Excel does (an emoji takes two).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_UNITS = 31
FALLBACK = "Sheet"
RESERVED = "history"
_SPACES = re.compile(" {2,}")
_FORBIDDEN = re.compile("[\\[\\]:*?/\\\\\\x00-\\x1f\\x7f-\\x9f\ud800-\udfff\ufffe\uffff]")


def excel_sheet_names(names: Iterable[str]) -> list[str]:
    """Each name made valid and unique (case-insensitively) in order; duplicates get " (2)", " (3)"..."""
    taken: set[str] = set()
    result = []
    for name in names:
        base = _clean(name)
        candidate, number = base, 1
        while candidate.casefold() in taken or candidate.casefold() == RESERVED:
            number += 1
            suffix = f" ({number})"
            candidate = _fit(base, MAX_UNITS - len(suffix)) + suffix
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _clean(name: str) -> str:
    """Forbidden characters as one space, trimmed to the limit, no apostrophe or space at either end."""
    return _fit(_SPACES.sub(" ", _FORBIDDEN.sub(" ", str(name))), MAX_UNITS) or FALLBACK


def _fit(text: str, units: int) -> str:
    while _utf16_units(text) > units:
        text = text[:-1]
    return text.strip(" '")


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
