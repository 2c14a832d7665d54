"""core.output.provenance: what produced an export, and a file name that says it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.decisions.policy import TIERED, Policy
from core.output.provenance import export_file_name, export_metadata

NOW = datetime(2026, 11, 27, 14, 30, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "policy,text",
    [
        (Policy(0.1, None, FACTORY_COSTS, FACTORY_BANDS), "threshold-0.10"),
        (Policy(0.355, 40, FACTORY_COSTS, FACTORY_BANDS), "threshold-0.35_capacity-40"),
        (Policy(1.0, None, FACTORY_COSTS, FACTORY_BANDS, TIERED), "threshold-1.00_tiered"),
    ],
)
def test_export_file_name_carries_date_threshold_capacity_and_plan(policy, text):
    assert export_file_name("flagged_patients", policy, NOW, "xlsx") == f"flagged_patients_2026-11-27_{text}.xlsx"


def test_export_metadata_records_data_model_policy_and_time(bundle):
    policy = Policy(0.27, 40, CostSettings(750.0, 12500.0, 0.6), FACTORY_BANDS, TIERED)
    meta = dict(export_metadata(bundle, policy, NOW, "week48.csv", "12 flagged patients"))
    assert meta["Model version"] == bundle.version
    assert meta["Model SHA-256"] == bundle.sha256
    assert meta["Decision threshold"] == "0.27"
    assert meta["Cost per contact ($)"] == "750.00"
    assert meta["Cost per dropout ($)"] == "12,500.00"
    assert meta["Contact effectiveness"] == "60.0%"
    assert meta["Staff capacity"] == "40 patients"
    assert meta["Outreach plan"] == policy.describe() and "band" in meta["Outreach plan"]
    assert meta["Patients from"] == "week48.csv" and meta["Rows in this export"] == "12 flagged patients"
    assert meta["Exported at (UTC)"] == "2026-11-27 14:30:05"
    assert meta["Model trained on"] == ("synthetic data" if bundle.synthetic else "real trial data")


def test_export_metadata_says_when_there_is_no_capacity_limit(bundle):
    meta = dict(export_metadata(bundle, Policy(0.1, None, FACTORY_COSTS, FACTORY_BANDS), NOW, "f.csv", "1"))
    assert meta["Staff capacity"] == "no limit"
    assert meta["Contact effectiveness"] == "100.0%"
