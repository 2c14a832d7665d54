"""Model tests that need trained versions use the training tests' small simulated trial and its run."""

from tests.core.training.conftest import small_run, small_trial

__all__ = ["small_run", "small_trial"]
