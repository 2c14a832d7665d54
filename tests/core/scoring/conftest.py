"""Scoring a trial as of a date uses the real CDISC Pilot 01 history the history tests read."""

from tests.core.history.conftest import cdisc

__all__ = ["cdisc"]
