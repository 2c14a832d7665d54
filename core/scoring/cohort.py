"""A scored cohort: validation result, scores, reasons computed on demand, filters and summaries."""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.decisions.bands import RiskBand
from core.decisions.curves import ThresholdCurves
from core.decisions.policy import Policy
from core.formatting import things
from core.model import card_words
from core.model.bundle import ModelBundle
from core.model.drift import drift_report
from core.model.time_model import HORIZONS, horizon_column
from core.reading.blanks import missing_inputs
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN, SITE_COLUMN
from core.reading.errors import MissingColumnsError
from core.reading.validation import SOURCE_ROW, ValidationResult, load_cohort, validate_frame
from core.scoring.call_order import BY_END, OrderRefused, check_order, order_choices
from core.scoring.scores import REASON_COLUMNS, SCORE_COLUMNS, reason_columns, score_frame

CONTACT_COLUMNS = ["contact", "contact_cost"]
RECENT_CONTACT_DAYS = 28  # a contact this recent counts as "contacted" for the not-contacted filter
NOT_RECORDED = "not_recorded"  # the inputs a patient's row left blank (the model scored without them)
# Names the scores add; a column of the file with one of them (say, last week's scored file uploaded
# again) is carried under another name instead of clashing with the fresh scores.
RESERVED_COLUMNS = frozenset(
    {*SCORE_COLUMNS, *REASON_COLUMNS, *CONTACT_COLUMNS, NOT_RECORDED, *(horizon_column(w) for w in HORIZONS)}
)


@dataclass
class ScoredCohort:
    """One uploaded file after validation and scoring. Reasons are filled in only for rows that need them."""

    filename: str
    sha256: str  # of the uploaded bytes: the cache key
    result: ValidationResult
    scored: pd.DataFrame  # valid rows + probability, risk_band
    reasons: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REASON_COLUMNS))
    drift: pd.DataFrame | None = None  # core.drift.drift_report against the model's training reference
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def probability(self) -> np.ndarray:
        return self.scored["probability"].to_numpy()

    def position_of(self, patient_id: str) -> int | None:
        """The row of the patient with this identifier, if the cohort has one."""
        found = np.flatnonzero(self.scored[ID_COLUMN].to_numpy() == str(patient_id).strip())
        return int(found[0]) if len(found) else None

    @functools.cached_property
    def curves(self) -> ThresholdCurves:
        """Expected-count curves of this cohort, sorted once (flags at any threshold are then a look-up)."""
        return ThresholdCurves(self.probability)

    def phase_note(self, bundle: ModelBundle) -> str | None:
        """Said once when the model reads the trial phase and some patients' phase is one it does not know
        (Phase IV, 2/3, N/A) or none: they are scored with the phase as a gap, never refused for it."""
        if "trial_phase" not in bundle.feature_names or "trial_phase" not in self.scored:
            return None
        gaps = int(self.scored["trial_phase"].isna().sum())
        if not gaps:
            return None
        return (
            f"the trial phase of {things(gaps, 'patient')} is not one the model knows (Phase I, II or III) or was not "
            "given, so it was not used for them: their risk is estimated without it"
        )

    def reasons_for(self, bundle: ModelBundle, index: pd.Index) -> pd.DataFrame:
        """reason_1..3 for these rows, explaining only the ones not explained before."""
        with self._lock:  # a download runs in another thread and may fill the cache at the same time
            missing = index.difference(self.reasons.index)
            if len(missing):
                new = reason_columns(self.result.valid.loc[missing], bundle)
                self.reasons = new if self.reasons.empty else pd.concat([self.reasons, new])
        return self.reasons.loc[index]


def score_upload(
    data: bytes,
    filename: str,
    bundle: ModelBundle,
    bands: tuple[RiskBand, ...],
    mapping: dict[str, str] | None = None,
    *,
    max_upload_mb: float | None = None,
    as_of: pd.Timestamp | None = None,
    day_first: bool | None = None,
) -> ScoredCohort:
    """Validate and score uploaded bytes (raises core.reading.errors.SchemaError for an unusable file).

    ``as_of`` and ``day_first`` matter only for a file that gives dates instead of day counts.
    """
    try:
        loaded = load_cohort(
            data, filename, bundle.contract, mapping, max_upload_mb=max_upload_mb, as_of=as_of, day_first=day_first
        )
    except MissingColumnsError as exc:
        words = card_words.switch_back_words(bundle.card)
        if words and set(exc.missing) & set(bundle.inputs):  # an input the model in use reads: say which model
            raise MissingColumnsError(f"{exc} {words}", exc.missing) from None
        raise
    return score_result(loaded, filename, hashlib.sha256(data).hexdigest(), bundle, bands)


def score_snapshot(
    cells: pd.DataFrame, label: str, digest: str, bundle: ModelBundle, bands: tuple[RiskBand, ...]
) -> ScoredCohort:
    """Validate and score a snapshot built from a trial history (cells of text named by the contract)."""
    mapping = {name: name for name in bundle.contract.names if name in cells.columns}
    return score_result(validate_frame(cells, mapping, bundle.contract, label), label, digest, bundle, bands)


def score_result(
    loaded: ValidationResult, label: str, digest: str, bundle: ModelBundle, bands: tuple[RiskBand, ...]
) -> ScoredCohort:
    """Score validated rows: the one path an uploaded file and a trial history's snapshot both take."""
    result = _rename_reserved_extras(loaded)
    scored = score_frame(result.valid, bundle, bands)  # flags depend on the threshold and capacity in force
    reference = bundle.card.get("input_reference")
    drift = drift_report(reference, result.valid) if reference and len(result.valid) else None
    return ScoredCohort(label, digest, result, scored, drift=drift)


def _rename_reserved_extras(result: ValidationResult) -> ValidationResult:
    """Extra columns named like a score column become "<name> (from file)"."""
    renamed = {c: f"{c} (from file)" for c in result.extra_columns if c in RESERVED_COLUMNS}
    if not renamed:
        return result
    return replace(
        result,
        valid=result.valid.rename(columns=renamed),
        extra_columns=[renamed.get(c, c) for c in result.extra_columns],
    )


STORED_COLUMNS = [ID_COLUMN, SITE_COLUMN, "probability", "risk_band", "days_in_trial", OUTCOME_COLUMN]


def stored_scores(cohort: ScoredCohort, flagged: np.ndarray) -> pd.DataFrame:
    """One row per judged patient as the store keeps a week: identifier, site, risk, band, flag, days in trial, outcome
    (the app's weekly memory and the API store a week from here)."""
    present = [c for c in STORED_COLUMNS if c in cohort.scored]
    rows = cohort.scored[present].assign(flagged=np.asarray(flagged, dtype=bool))
    valid = cohort.result.valid  # the outcome a file gives (completed or withdrew) is an input, not a score
    if OUTCOME_COLUMN not in rows and OUTCOME_COLUMN in valid:
        rows[OUTCOME_COLUMN] = valid.loc[rows.index, OUTCOME_COLUMN]
    judged = rows["probability"].notna()  # a patient the model may not judge yet (too early) has no risk to keep
    return rows[judged].reset_index(drop=True)


@dataclass(frozen=True)
class CohortSummary:
    patients: int
    expected_dropouts: float  # sum of probabilities
    flagged: int
    capacity_binds: bool


def summarise(probability: np.ndarray | ThresholdCurves, policy: Policy) -> CohortSummary:
    """Patients, expected dropouts (sum of p) and how many the policy flags (and whether its capacity binds)."""
    curves = probability if isinstance(probability, ThresholdCurves) else ThresholdCurves(probability)
    at_threshold = int(curves.flagged_count(policy.threshold))
    flagged = policy.flagged_count(curves)
    return CohortSummary(curves.n, curves.total_positive, flagged, flagged < at_threshold)


@dataclass(frozen=True)
class CohortFilter:
    """What the user chose to look at; empty tuples mean 'all'."""

    bands: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    arms: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    probability_range: tuple[float, float] = (0.0, 1.0)
    flagged_only: bool = False
    not_contacted_only: bool = False  # no contact recorded lately (filter_mask's ``contacted``)

    def describe(self) -> str:
        """The filters in force in plain words ("" when none narrows the list)."""
        parts = [
            f"{label} {', '.join(values)}"
            for label, values in (
                ("band", self.bands),
                ("site", self.sites),
                ("arm", self.arms),
                ("phase", self.phases),
            )
            if values
        ]
        low, high = self.probability_range
        if (low, high) != (0.0, 1.0):
            parts.append(f"chance of dropping out {low:.1%} to {high:.1%}")
        if self.not_contacted_only:
            parts.append(f"not contacted in the last {RECENT_CONTACT_DAYS} days")
        return "; ".join(parts)


PatientKey = tuple[str, str]  # (site, patient id): the store keys contacts by both; two sites may share an id


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def patient_keys(frame: pd.DataFrame) -> list[PatientKey]:
    """Each row's (site, patient id), a blank site as "" (also when the frame has no site column)."""
    sites = frame[SITE_COLUMN] if SITE_COLUMN in frame else pd.Series(None, index=frame.index, dtype=object)
    return [(_text(s), str(p)) for s, p in zip(sites, frame[ID_COLUMN], strict=True)]


def in_keys(frame: pd.DataFrame, keys: frozenset[PatientKey]) -> np.ndarray:
    """Which rows' patients are among ``keys``: by site and patient id; by patient id alone when the frame has
    no site column (nothing else to tell two sites' patients apart by)."""
    if SITE_COLUMN in frame:
        return np.array([k in keys for k in patient_keys(frame)], dtype=bool)
    return frame[ID_COLUMN].astype(str).isin({p for _, p in keys}).to_numpy()


def filter_mask(
    scored: pd.DataFrame, flagged: np.ndarray, chosen: CohortFilter, contacted: frozenset[PatientKey] | None = None
) -> np.ndarray:
    """Rows that pass every filter; ``contacted``: the (site, patient id) of patients with a recent contact
    (None: not known)."""
    mask = np.ones(len(scored), dtype=bool)
    for column, allowed in (
        ("risk_band", chosen.bands),
        (SITE_COLUMN, chosen.sites),
        ("treatment_group", chosen.arms),
        ("trial_phase", chosen.phases),
    ):
        if allowed and column in scored:
            mask &= scored[column].astype(str).isin(allowed).to_numpy()
    low, high = chosen.probability_range
    p = scored["probability"].to_numpy()
    # A patient the model may not judge has no chance to filter on: shown while the range is the whole scale.
    mask &= ((p >= low) & (p <= high)) | (np.isnan(p) & (low <= 0.0) & (high >= 1.0))
    if chosen.flagged_only:
        mask &= flagged
    if chosen.not_contacted_only and contacted is not None:
        mask &= ~in_keys(scored, contacted)
    return mask


def site_summary(scored: pd.DataFrame, flagged: np.ndarray) -> pd.DataFrame:
    """Per site: patients, expected dropouts (sum of p), flagged, mean risk; highest mean risk first."""
    sites = scored[SITE_COLUMN].astype(str) if SITE_COLUMN in scored else pd.Series("All patients", index=scored.index)
    frame = pd.DataFrame(
        {"site": sites.to_numpy(), "probability": scored["probability"].to_numpy(), "flagged": flagged}
    )
    table = frame.groupby("site", sort=False).agg(
        patients=("probability", "size"),
        expected_dropouts=("probability", "sum"),
        flagged=("flagged", "sum"),
        mean_risk=("probability", "mean"),
    )
    return table.sort_values("mean_risk", ascending=False).reset_index()


def _highest_first(probability: np.ndarray, positions: np.ndarray, limit: int | None) -> np.ndarray:
    """``positions`` ordered by ``probability`` (the chance before the end, or within N weeks), highest first (ties
    in file order), cut to ``limit``.

    Only the top ``limit`` are sorted: a million-row cohort shows its 1,000 riskiest in milliseconds.
    """
    probability = np.where(np.isnan(probability), -np.inf, probability)  # not judged (too early): last
    if limit is not None and len(positions) > limit:
        p = probability[positions]
        cut = np.partition(p, len(p) - limit)[len(p) - limit]  # the limit-th highest probability
        positions = positions[p >= cut]
    order = np.lexsort((positions, -probability[positions]))
    return positions[order][:limit]


def ranked_table(
    cohort: ScoredCohort,
    rows: np.ndarray,
    flagged: np.ndarray,
    policy: Policy,
    bundle: ModelBundle,
    limit: int | None = None,
    order_by: str = BY_END,
) -> pd.DataFrame:
    """The chosen rows, highest risk first: flag, contact and its price under the plan, reasons, then the inputs.

    ``order_by``: the scored column the rows are ordered by, highest first (``core.scoring.call_order``: the chance
    before the end, or a time-to-dropout model's chance within N weeks); flags, contacts and prices never change
    with it. OrderRefused for a column the model in use does not give.
    """
    check_order(order_by, bundle)
    if order_by not in cohort.scored:
        words = order_choices(bundle)[order_by]
        raise OrderRefused(f"this list was scored without the {words}: score it again under the model in use")
    positions = _highest_first(cohort.scored[order_by].to_numpy(dtype=float), np.flatnonzero(rows), limit)
    chosen = cohort.scored.iloc[positions]
    p = chosen["probability"].to_numpy()
    judged = ~np.isnan(p)  # a patient the model may not judge (too early) gets no flag, contact or price
    actions, prices = policy.contacts(np.nan_to_num(p), flagged[positions] & judged)  # blank when not flagged
    chosen = chosen.assign(flagged=flagged[positions] & judged, contact=actions, contact_cost=prices)
    reasons = cohort.reasons_for(bundle, chosen.index)
    gaps = missing_inputs(cohort.result.valid.loc[chosen.index], bundle.contract).rename(NOT_RECORDED)
    front = [c for c in (ID_COLUMN, SITE_COLUMN) if c in chosen]
    within = [c for c in chosen.columns if str(c).startswith("chance_within_")]
    score_cols = ["probability", *within, "risk_band", "flagged", *CONTACT_COLUMNS]
    rest = [c for c in chosen.columns if c not in front + score_cols + [SOURCE_ROW]]
    return pd.concat([chosen[front + score_cols], reasons, gaps, chosen[rest + [SOURCE_ROW]]], axis=1)
