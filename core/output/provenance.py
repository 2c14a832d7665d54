"""What produced an export: the provenance every download and the command line carry, and its file name.

The CSV's first line is its header, so provenance goes to the Excel "About this export" sheet, the
command line's ``_about.json`` sidecar, the audit trail, and the file name.
"""

from __future__ import annotations

from datetime import datetime

from core.decisions.policy import SINGLE, Policy
from core.model.bundle import ModelBundle


def export_metadata(
    bundle: ModelBundle, policy: Policy, now: datetime, source: str, rows: str
) -> list[tuple[str, str]]:
    """What produced an export, for its "About this export" sheet or sidecar: data, model, policy, time (UTC)."""
    costs = policy.costs
    return [
        ("Exported at (UTC)", now.strftime("%Y-%m-%d %H:%M:%S")),
        ("Patients from", source),
        ("Rows in this export", rows),
        ("Model version", bundle.version),
        ("Model SHA-256", bundle.sha256),
        ("Model trained on", "synthetic data" if bundle.synthetic else "real trial data"),
        ("Decision threshold", f"{policy.threshold:.2f}"),
        ("Staff capacity", "no limit" if policy.capacity is None else f"{policy.capacity:,} patients"),
        ("Outreach plan", policy.describe()),
        ("Cost per contact ($)", f"{costs.intervention_cost:,.2f}"),
        ("Cost per dropout ($)", f"{costs.dropout_cost:,.2f}"),
        ("Contact effectiveness", f"{costs.effectiveness:.1%}"),
    ]


def export_file_name(stem: str, policy: Policy, now: datetime, extension: str) -> str:
    """e.g. flagged_patients_2026-11-27_threshold-0.10_capacity-50.csv"""
    capacity = "" if policy.capacity is None else f"_capacity-{policy.capacity}"
    plan = "" if policy.plan == SINGLE else f"_{policy.plan}"
    return f"{stem}_{now:%Y-%m-%d}_threshold-{policy.threshold:.2f}{capacity}{plan}.{extension}"
