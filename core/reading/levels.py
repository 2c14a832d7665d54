"""A category cell as written -> one of the field's levels, or "combined" when it names two of them.

"Phase 2", "II", "phase ii", "P2" and "PHASE-2" all read as Phase II. "Phase I/II", "I-II" and
"Phase 2/3" name two levels at once: such a cell is reported as combined rather than read as one of
them (squeezing out the separator would turn "I/II" into "III").
"""

from __future__ import annotations

import re

from core.reading.contract import Field, normalise_level

COMBINED = "\x00combined"  # the reading of a cell that names two or more levels (never a level's name)
BLANK = "\x00blank"  # the reading of a cell with nothing but spaces
_TOKEN = re.compile(r"[a-z0-9.]+")
_SEPARATOR = re.compile(r"[/\\&+,;–—-]|\b(?:and|or|to)\b", re.IGNORECASE)


class LevelReader:
    """Reads cells of one category field, with the spellings its contract lists."""

    def __init__(self, spec: Field) -> None:
        self.lookup = spec.level_lookup()
        self.prefixes = tuple(sorted((normalise_level(p) for p in spec.level_prefixes), key=len, reverse=True))
        if self.prefixes:  # "Phase II" is looked up as "ii": the levels' own names lose the prefix too
            for level in spec.levels:
                self.lookup.setdefault(self._without_prefix(normalise_level(level)), level)
        # A prefixed level ("Phase I II") is combined even when only a space separates the two numerals.
        self.space_separates = bool(self.prefixes)

    def _without_prefix(self, token: str) -> str:
        for prefix in self.prefixes:
            if token == prefix:
                return ""
            if token.startswith(prefix) and token[len(prefix) :] in self.lookup:
                return token[len(prefix) :]
        return token

    def read(self, cell: str) -> str | None:
        """The level ``cell`` names, ``COMBINED``, ``BLANK``, or None when it names none."""
        if not str(cell).strip():
            return BLANK
        tokens = [t.strip(".") for t in _TOKEN.findall(str(cell).lower())]
        if self.prefixes:
            tokens = [self._without_prefix(t) for t in tokens]
        tokens = [t for t in tokens if t]
        if len(tokens) > 1 and (self.space_separates or _SEPARATOR.search(str(cell))):
            levels = {self.lookup.get(t) for t in tokens}
            if None not in levels:  # "Phase II/IIb" names one phase twice: that phase
                return COMBINED if len(levels) > 1 else levels.pop()
        return self.lookup.get("".join(tokens))
