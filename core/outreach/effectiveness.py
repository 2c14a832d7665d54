"""Does outreach work? The share of would-be dropouts a contact prevents, measured from the trial's own record.

Input: the outreach opportunities (``core.outreach.opportunities``): each time a patient was flagged,
their risk then, whether a contact was attempted soon after, and whether they later dropped out.
Flags whose outcome is not known yet are left out and counted.

**What is measured.** For a flagged patient, a contact attempted now against none now, with whatever
outreach usually follows either way: the figure a weekly decision (and the cost model, which prices each
scoring's flagged list) needs. Where patients not called this week are often called the next, this is
smaller than the effect of a call against never calling.

**Method: stratification, with weights.** Coordinators call the riskiest patients first, so contacted
patients would drop out more often even if contacts did nothing, and a plain comparison misleads (either
way: patients called every week also gather the effect of the other calls). Flags are compared within
cells: the same scoring (week) and the same risk group (quantiles of the risk at the time, ``risk_groups``,
about 20 flags of the scarcer kind per group, 2 to 10). The week matters as well as the risk: staff
capacity, and what a given risk means (time left to drop out, the model's calibration), change from week
to week. Each cell's not-contacted dropout rate is weighted by the cell's contacted flags: the rate the
contacted patients would have had without the contact, at their own mix of weeks and risks (the effect on
the contacted, which is what the cost model's effectiveness means). Stratification rather than
inverse-probability weighting with a propensity model: it is a table a coordinator can check in a
spreadsheet (per risk group: contacted, dropped out, not contacted, dropped out), it needs no model whose
form could be wrong, and it stays stable where calls are nearly certain or nearly absent (inverse weights
explode there). Contacted flags in cells without a not-contacted one are left out and counted: the record
has no comparable patients for them.

    effectiveness = 1 - rate_contacted / rate_not_contacted      (the cost model's "effectiveness")
    difference    = rate_not_contacted - rate_contacted           (dropouts prevented per contacted flag)

**Interval.** 95% percentile bootstrap over patients: a patient flagged in several weeks is one
cluster, drawn whole, so repeated flags of one patient do not pass for independent evidence. The risk
groups' cut points stay those of the data.

**Not clipped.** The figure is reported as measured (at most 1; below 0 when contacted patients dropped
out more often than comparable others). When the interval reaches 0 or below, the record shows no
measurable effect (``measurable`` is False).

**Refused** (``refusal`` says why, in plain words) with fewer than ``min_patients`` contacted or
not-contacted patients with a known outcome, when fewer than half the contacted flags have comparable
not-contacted ones (no overlap), or when comparable not-contacted patients never dropped out.

**Observational.** Nobody chose at random whom to call: contacted patients may differ in ways the risk
score does not capture (a coordinator who knows the patient, a site with more staff). The adjustment
removes the difference the risk score and the week see, not the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.formatting import count
from core.outreach.effect_bootstrap import cell_totals
from core.stats.resampling import percentile_interval

MAX_RISK_GROUPS = 10
MIN_PATIENTS = 30  # contacted and not-contacted patients with a known outcome, each
MIN_PER_CELL = 1  # flags of each kind a comparison cell needs to be used
MIN_OVERLAP = 0.5  # share of contacted flags that must have comparable not-contacted ones
REPLICATES = 1000
CONFIDENCE = 0.95


@dataclass(frozen=True)
class RiskGroup:
    """One risk group (over all scorings): its range of risk and the flags of each kind in it."""

    low: float
    high: float
    contacted: int
    contacted_dropouts: int
    not_contacted: int
    not_contacted_dropouts: int
    contacted_compared: int  # contacted flags with not-contacted ones of the same scoring and risk group


@dataclass(frozen=True)
class EffectEstimate:
    """The measured effect of outreach, or why it could not be measured (``refusal``)."""

    effectiveness: float  # 1 - rate_contacted / rate_not_contacted; NaN when refused
    interval: tuple[float, float]
    difference: float  # rate_not_contacted - rate_contacted: dropouts prevented per contacted flag
    difference_interval: tuple[float, float]
    rate_contacted: float  # dropout rate of the contacted flags that have comparable not-contacted ones
    rate_not_contacted: float  # comparable not-contacted flags' rate, weighted to the contacted's mix
    naive_effectiveness: float  # the plain comparison, unadjusted (for contrast only)
    contacted_patients: int  # with a known outcome
    not_contacted_patients: int
    contacted_flags: int  # flags (patient-scorings) with a known outcome
    not_contacted_flags: int
    unknown_outcome_flags: int  # left out: outcome not known yet
    outside_overlap_flags: int  # contacted flags left out: no not-contacted ones of their scoring and risk group
    groups: tuple[RiskGroup, ...] = ()
    refusal: str | None = None
    replicates: int = 0
    confidence: float = CONFIDENCE
    window_days: int | None = None  # the contact window the opportunities were built with, when known

    @property
    def measured(self) -> bool:
        return self.refusal is None

    @property
    def measurable(self) -> bool:
        """Measured, and the whole interval lies above 0: contacts made a difference the record can show."""
        return self.measured and self.interval[0] > 0


def risk_groups_for(contacted_flags: int, not_contacted_flags: int) -> int:
    """How many risk groups the data can fill: about 20 flags of the scarcer kind per group, 2 to 10."""
    return int(np.clip(min(contacted_flags, not_contacted_flags) // 20, 2, MAX_RISK_GROUPS))


def _risk_groups(probability: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Each flag's risk group (0 = lowest) from quantile cut points, and the cut points."""
    if not len(probability):
        return np.zeros(0, dtype=np.int64), np.array([])
    cuts = np.unique(np.quantile(probability, np.linspace(0, 1, groups + 1)[1:-1]))
    return np.searchsorted(cuts, probability, side="right"), cuts


def _rates(flags: np.ndarray, dropouts: np.ndarray, min_per_cell: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dropout rates of the contacted and (weighted) not-contacted flags, and which strata were used.

    ``flags`` and ``dropouts`` are shaped [..., stratum, 2]: contacted, not contacted. A stratum is used
    when it holds at least ``min_per_cell`` flags of each kind; it weighs by its contacted flags.
    """
    n_c, n_n = flags[..., 0], flags[..., 1]
    used = (n_c >= max(min_per_cell, 1)) & (n_n >= max(min_per_cell, 1))
    weight = np.where(used, n_c, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_n = np.where(used, dropouts[..., 1] / np.where(used, n_n, 1), 0.0)
        contacted = np.where(used, dropouts[..., 0], 0.0).sum(-1) / weight.sum(-1)
        not_contacted = (weight * rate_n).sum(-1) / weight.sum(-1)
    return contacted, not_contacted, used


def _effect(contacted: np.ndarray, not_contacted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(not_contacted > 0, 1 - contacted / np.where(not_contacted > 0, not_contacted, 1), np.nan)
    return relative, not_contacted - contacted


def _naive(contacted: np.ndarray, dropped: np.ndarray) -> float:
    if not contacted.any() or contacted.all():
        return float("nan")
    rate_c, rate_n = dropped[contacted].mean(), dropped[~contacted].mean()
    return float(1 - rate_c / rate_n) if rate_n > 0 else float("nan")


def _what_is_missing(contacted_patients: int, not_contacted_patients: int, unknown_flags: int, least: int) -> str:
    """What would let the effect be measured, for the refusal: contacts, outcomes, or both."""
    steps = []
    if contacted_patients < least:
        steps.append("record each contact with a flagged patient in the outreach log")
    if unknown_flags:
        steps.append(
            f"upload files with the Dropped out column filled in as patients leave or complete "
            f"({count(unknown_flags)} flags are still waiting for an outcome)"
        )
    elif not steps or not_contacted_patients < least:
        steps.append("upload files with the Dropped out column filled in as patients leave or complete")
    text = " and ".join(steps)
    return text[0].upper() + text[1:] + "."  # not str.capitalize: it would lower "Dropped out"


def _refusal(
    contacted_patients: int, not_contacted_patients: int, unknown_flags: int, overlap: float, rate_n: float, least: int
) -> str | None:
    if contacted_patients < least or not_contacted_patients < least:
        return (
            f"Too few patients with a known outcome to say: {count(contacted_patients)} contacted and "
            f"{count(not_contacted_patients)} not contacted after being flagged; at least {least} of each are "
            f"needed. {_what_is_missing(contacted_patients, not_contacted_patients, unknown_flags, least)}"
        )
    if overlap < MIN_OVERLAP:
        return (
            f"Only {overlap:.0%} of the contacted flags have not-contacted patients of the same week and a "
            "similar risk to compare with: nearly everyone above some risk was called and nearly no one below "
            "it, so the record cannot tell what the calls changed."
        )
    if not rate_n > 0:
        return (
            "None of the comparable not-contacted patients dropped out, so there is no dropout a contact could "
            "have prevented to measure against."
        )
    return None


def estimate_effectiveness(
    opportunities: pd.DataFrame,
    *,
    risk_groups: int | None = None,
    replicates: int = REPLICATES,
    seed: int = 20261201,
    min_patients: int = MIN_PATIENTS,
    min_per_cell: int = MIN_PER_CELL,
    confidence: float = CONFIDENCE,
) -> EffectEstimate:
    """The share of would-be dropouts a contact prevents, adjusted for risk and week, with a patient-bootstrap interval.

    ``opportunities``: patient_id, scored_on, probability, contacted (bool) and dropped_out (nullable bool),
    one row per flag (``core.outreach.opportunities.build_opportunities``). ``risk_groups``: how many
    (default: ``risk_groups_for`` the data). Never raises for too little data: the estimate then carries a
    ``refusal`` in plain words.
    """
    needed = ("patient_id", "scored_on", "probability", "contacted", "dropped_out")
    missing = [c for c in needed if c not in opportunities]
    if missing:
        raise ValueError(f"the opportunities lack the column(s) {', '.join(missing)}")
    known_mask = opportunities["dropped_out"].notna().to_numpy()
    known = opportunities[known_mask]
    patients = known["patient_id"].astype(str).to_numpy()
    probability = known["probability"].to_numpy(dtype=float)
    contacted = known["contacted"].to_numpy(dtype=bool)
    dropped = known["dropped_out"].to_numpy(dtype=bool)
    counts: dict[str, Any] = {
        "contacted_patients": len(np.unique(patients[contacted])),
        "not_contacted_patients": len(np.unique(patients[~contacted])),
        "contacted_flags": int(contacted.sum()),
        "not_contacted_flags": int((~contacted).sum()),
        "unknown_outcome_flags": int((~known_mask).sum()),
        "window_days": opportunities.attrs.get("window_days"),
    }
    n_groups = risk_groups or risk_groups_for(counts["contacted_flags"], counts["not_contacted_flags"])
    group, cuts = _risk_groups(probability, n_groups)
    n_groups = len(cuts) + 1
    week, _ = pd.factorize(known["scored_on"])
    stratum = week * n_groups + group
    n_strata = (int(week.max()) + 1 if len(week) else 0) * n_groups
    cells = stratum * 2 + np.where(contacted, 0, 1)
    flags = np.bincount(cells, minlength=n_strata * 2).reshape(n_strata, 2).astype(float)
    dropouts = np.bincount(cells, weights=dropped.astype(float), minlength=n_strata * 2).reshape(n_strata, 2)
    rate_c, rate_n, used = (np.asarray(v) for v in _rates(flags, dropouts, min_per_cell))
    compared = np.where(used, flags[:, 0], 0.0)
    overlap = float(compared.sum() / flags[:, 0].sum()) if flags[:, 0].sum() else 0.0
    counts["outside_overlap_flags"] = int(flags[:, 0].sum() - compared.sum())
    groups = _group_table(probability, cuts, group, contacted, dropped, compared.reshape(-1, n_groups).sum(axis=0))
    naive = _naive(contacted, dropped)
    refusal = _refusal(
        counts["contacted_patients"],
        counts["not_contacted_patients"],
        counts["unknown_outcome_flags"],
        overlap,
        float(rate_n),
        min_patients,
    )
    if refusal is not None:
        nothing = (float("nan"), float("nan"))
        return EffectEstimate(
            float("nan"), nothing, float("nan"), nothing, float(rate_c), float(rate_n), naive, **counts,
            groups=groups, refusal=refusal, confidence=confidence,
        )  # fmt: skip
    relative, difference = (float(v) for v in _effect(rate_c, rate_n))
    boot_flags, boot_dropouts = cell_totals(
        patients, cells, n_strata * 2, dropped, replicates, np.random.default_rng(seed)
    )
    boot_c, boot_n, _ = _rates(
        boot_flags.reshape(replicates, n_strata, 2), boot_dropouts.reshape(replicates, n_strata, 2), min_per_cell
    )
    boot_relative, boot_difference = _effect(boot_c, boot_n)
    return EffectEstimate(
        relative,
        percentile_interval(boot_relative, confidence),
        difference,
        percentile_interval(boot_difference, confidence),
        float(rate_c),
        float(rate_n),
        naive,
        **counts,
        groups=groups,
        replicates=replicates,
        confidence=confidence,
    )


def _group_table(
    probability: np.ndarray,
    cuts: np.ndarray,
    group: np.ndarray,
    contacted: np.ndarray,
    dropped: np.ndarray,
    compared: np.ndarray,
) -> tuple[RiskGroup, ...]:
    """The risk groups over all scorings, for a table a coordinator can check."""
    edges = np.concatenate(
        [[probability.min() if len(probability) else 0.0], cuts, [probability.max() if len(probability) else 1.0]]
    )
    rows = []
    for g in range(len(cuts) + 1):
        here = group == g
        c, n = here & contacted, here & ~contacted
        rows.append(
            RiskGroup(
                float(edges[g]),
                float(edges[g + 1]),
                int(c.sum()),
                int(dropped[c].sum()),
                int(n.sum()),
                int(dropped[n].sum()),
                int(compared[g]),
            )
        )
    return tuple(rows)
