"""Does outreach work? The like-for-like answer from the weeks whose flagged patients were partly held out at random.

Input: the outreach opportunities (``core.outreach.opportunities``: one row per flag with contacted and
dropped_out) of the weeks with a hold-out draw, and which flags were held out (``core.outreach.holdout``).

**What is measured**: the same figure as the observational estimate (``core.outreach.effectiveness``), the
share of would-be dropouts a call this week prevents among the patients called, against no call this week.

**Method.** Within a week, chance alone decided who was held out, so the held-out patients show how
often the listed patients would have dropped out had nobody been called. Not every listed patient is
called (capacity, coordinators' choice), so the held-out group stands for the called and the uncalled
together: per week, with L listed and H held-out flags,

    without calls, the called would have had  L × (held-out rate of the not-called) − listed not-called dropouts
    with the calls, they had                  listed called dropouts − L × (held-out rate of the called)

(the second terms are zero when, as the hold-out asks, no held-out patient is called). This is the
instrumental-variable (Wald) estimate of the effect on the patients the list got called, summed over weeks:

    effectiveness = 1 − dropouts with the calls / dropouts without them
    difference    = dropouts prevented per call

It needs no model of whom coordinators call, and stays unbiased when they know more than the risk score.
Weeks where the list or the held-out group is empty give nothing and are left out.

**Interval.** 95% percentile bootstrap over whole patients (a patient flagged in several weeks is one
cluster), as for the observational estimate. **How long.** An interval narrows with the square root of
the data: at the current weekly counts, ``weeks_to_narrow`` says how many more weeks of draws (with
outcomes known) would bring its half-width to a stated figure, such as ±5 points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.formatting import count
from core.outreach.effect_bootstrap import cell_totals
from core.outreach.effectiveness import CONFIDENCE, REPLICATES
from core.stats.resampling import percentile_interval

MIN_HELD_OUT = 20  # held-out patients with a known outcome before a figure is given
MIN_CALLED = 20
TARGET_HALF_WIDTH = 0.05  # the interval is "usefully narrow" at ±5 points
_LISTED_CALLED, _LISTED_NOT, _HELD_CALLED, _HELD_NOT = range(4)


@dataclass(frozen=True)
class RandomisedEstimate:
    """The effect of outreach measured from the random hold-out, or why it cannot be yet (``refusal``)."""

    effectiveness: float  # 1 - dropouts with the calls / without them, among the called; NaN when refused
    interval: tuple[float, float]
    difference: float  # dropouts prevented per call
    difference_interval: tuple[float, float]
    rate_called: float  # dropout rate of the called listed patients
    rate_called_without: float  # their rate had they not been called, from the held-out patients
    held_out_patients: int  # with a known outcome
    held_out_flags: int
    held_out_called_flags: int  # held out yet called: the hold-out was not kept
    listed_flags: int
    called_flags: int
    unknown_outcome_flags: int
    weeks: int  # weeks with a draw and known outcomes on both sides
    refusal: str | None = None
    replicates: int = 0
    confidence: float = CONFIDENCE

    @property
    def measured(self) -> bool:
        return self.refusal is None

    def weeks_to_narrow(self, half_width: float = TARGET_HALF_WIDTH) -> int | None:
        """More weeks of draws, at the current weekly counts, until the interval is ±``half_width`` (None: unknown)."""
        low, high = self.interval
        if not self.measured or not (math.isfinite(low) and math.isfinite(high)) or self.weeks == 0:
            return None
        now = (high - low) / 2
        return max(0, math.ceil(self.weeks * (now / half_width) ** 2 - self.weeks - 1e-9))


def _totals(flags: np.ndarray, dropouts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dropouts of the called without and with the calls, the calls the list brought, and usable weeks.

    ``flags`` and ``dropouts`` are shaped [..., week, 4] (listed called, listed not, held called, held not).
    """
    listed = flags[..., _LISTED_CALLED] + flags[..., _LISTED_NOT]
    held = flags[..., _HELD_CALLED] + flags[..., _HELD_NOT]
    usable = (listed > 0) & (held > 0)
    ratio = np.where(usable, listed / np.where(usable, held, 1), 0.0)
    without = (ratio * dropouts[..., _HELD_NOT] - np.where(usable, dropouts[..., _LISTED_NOT], 0)).sum(-1)
    with_calls = (np.where(usable, dropouts[..., _LISTED_CALLED], 0) - ratio * dropouts[..., _HELD_CALLED]).sum(-1)
    calls = (np.where(usable, flags[..., _LISTED_CALLED], 0) - ratio * flags[..., _HELD_CALLED]).sum(-1)
    return without, with_calls, calls, usable


def _effect(without: np.ndarray, with_calls: np.ndarray, calls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(without > 0, 1 - with_calls / np.where(without > 0, without, 1), np.nan)
        difference = np.where(calls > 0, (without - with_calls) / np.where(calls > 0, calls, 1), np.nan)
    return relative, difference


def _refusal(held_patients: int, called: int, weeks: int, without: float, unknown: int) -> str | None:
    if weeks == 0 and held_patients == 0:
        return (
            "No week has a hold-out with known outcomes yet. A manager can switch on the fair test in the team "
            "settings; the figure comes once held-out patients' outcomes (the Dropped out column) are uploaded."
        )
    if held_patients < MIN_HELD_OUT or called < MIN_CALLED:
        waiting = f" ({count(unknown)} flags of those weeks still wait for an outcome)" if unknown else ""
        return (
            f"Too few patients with a known outcome for the fair test yet: {count(held_patients)} held out and "
            f"{count(called)} calls to listed patients; at least {MIN_HELD_OUT} of each are needed{waiting}."
        )
    if not without > 0:
        return "None of the held-out patients dropped out, so there is no dropout a call could have prevented yet."
    return None


def estimate_randomised(
    opportunities: pd.DataFrame,
    held_out: pd.DataFrame,
    drawn_uploads: Iterable[int],
    *,
    replicates: int = REPLICATES,
    seed: int = 20261207,
    confidence: float = CONFIDENCE,
) -> RandomisedEstimate:
    """The effect of outreach from the weeks with a hold-out draw (``drawn_uploads``), with a patient-bootstrap interval.

    ``opportunities``: patient_id, upload_id, contacted, dropped_out (``build_opportunities``); ``held_out``:
    upload_id, patient_id of every flag held out. Never raises for too little data: a ``refusal`` says why.
    """
    drawn = {int(u) for u in drawn_uploads}
    rows = opportunities[opportunities["upload_id"].astype(int).isin(drawn)]
    held_keys = set(zip(held_out["upload_id"].astype(int), held_out["patient_id"].astype(str), strict=True))
    is_held = np.array(
        [k in held_keys for k in zip(rows["upload_id"].astype(int), rows["patient_id"].astype(str), strict=True)],
        dtype=bool,
    )
    known = rows["dropped_out"].notna().to_numpy()
    unknown = int((~known).sum())
    rows, is_held = rows[known], is_held[known]
    called = rows["contacted"].to_numpy(dtype=bool)
    dropped = rows["dropped_out"].to_numpy(dtype=bool)
    patients = rows["patient_id"].astype(str).to_numpy()
    week, _ = pd.factorize(rows["upload_id"])
    n_weeks = int(week.max()) + 1 if len(week) else 0
    cells = week * 4 + np.where(is_held, 2, 0) + np.where(called, 0, 1)
    flags = np.bincount(cells, minlength=n_weeks * 4).reshape(n_weeks, 4).astype(float)
    dropouts = np.bincount(cells, weights=dropped.astype(float), minlength=n_weeks * 4).reshape(n_weeks, 4)
    without, with_calls, calls, usable = _totals(flags, dropouts)
    listed_called = called & ~is_held
    counts: dict[str, Any] = {
        "held_out_patients": len(np.unique(patients[is_held])),
        "held_out_flags": int(is_held.sum()),
        "held_out_called_flags": int((is_held & called).sum()),
        "listed_flags": int((~is_held).sum()),
        "called_flags": int(listed_called.sum()),
        "unknown_outcome_flags": unknown,
        "weeks": int(usable.sum()),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_called = float(dropped[listed_called].mean()) if listed_called.any() else float("nan")
        rate_without = float(without / calls) if calls > 0 else float("nan")
    refusal = _refusal(counts["held_out_patients"], counts["called_flags"], counts["weeks"], float(without), unknown)
    if refusal is not None:
        nothing = (float("nan"), float("nan"))
        return RandomisedEstimate(
            float("nan"), nothing, float("nan"), nothing, rate_called, rate_without, **counts, refusal=refusal,
            confidence=confidence,
        )  # fmt: skip
    relative, difference = (float(v) for v in _effect(without, with_calls, calls))
    boot_flags, boot_dropouts = cell_totals(
        patients, cells, n_weeks * 4, dropped, replicates, np.random.default_rng(seed)
    )
    boot = _totals(boot_flags.reshape(replicates, n_weeks, 4), boot_dropouts.reshape(replicates, n_weeks, 4))
    boot_relative, boot_difference = _effect(*boot[:3])
    return RandomisedEstimate(
        relative,
        percentile_interval(boot_relative, confidence),
        difference,
        percentile_interval(boot_difference, confidence),
        rate_called,
        rate_without,
        **counts,
        replicates=replicates,
        confidence=confidence,
    )
