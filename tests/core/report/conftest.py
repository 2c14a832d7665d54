"""Reports of the demo cohort (no outcomes) and of CDISC Pilot 01 as of its busiest day (outcomes known later)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import Policy
from core.history.as_of import default_as_of
from core.history.reader import history_files, read_history
from core.paths import DEMO_COHORT_PATH, ROOT
from core.report.content import WeekReport, build_week_report
from core.scoring.cohort import ScoredCohort, score_upload
from core.scoring.trial_as_of import score_history

FIXED_CLOCK = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
THRESHOLD, CAPACITY = 0.4, 30
CDISC = ROOT / "data" / "cdiscpilot01"


@pytest.fixture(scope="session")
def demo_cohort(bundle) -> ScoredCohort:
    return score_upload(DEMO_COHORT_PATH.read_bytes(), DEMO_COHORT_PATH.name, bundle, FACTORY_BANDS)


@pytest.fixture(scope="session")
def policy() -> Policy:
    return Policy(THRESHOLD, CAPACITY, FACTORY_COSTS, FACTORY_BANDS)


@pytest.fixture(scope="session")
def demo_report(demo_cohort, policy, bundle) -> WeekReport:
    return build_week_report(
        demo_cohort, policy, bundle, trial="Demo trial", made_by="Ana Lopez", made_at=FIXED_CLOCK, n_boot=50
    )


@pytest.fixture(scope="session")
def cdisc_cohort(bundle) -> ScoredCohort:
    files = history_files(CDISC)
    history = read_history(files)
    as_of, _ = default_as_of(history)
    return score_history(history, files, "cdiscpilot01", as_of, bundle, FACTORY_BANDS)


@pytest.fixture(scope="session")
def cdisc_report(cdisc_cohort, bundle) -> WeekReport:
    policy = Policy(0.4, 20, FACTORY_COSTS, FACTORY_BANDS)
    as_of = default_as_of(read_history(history_files(CDISC)))[0].date()
    return build_week_report(
        cdisc_cohort,
        policy,
        bundle,
        trial="CDISC Pilot 01",
        made_by="cleo",
        made_at=FIXED_CLOCK,
        as_of=as_of,
        n_boot=50,
    )
