"""The error a file that cannot be used at all raises; its message says what is wrong and what to do."""

from __future__ import annotations


class SchemaError(ValueError):
    """The file cannot be used at all; the message says what is wrong and what to do."""


class MissingColumnsError(SchemaError):
    """The file lacks required columns (``missing``: their field names)."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = list(missing)
