"""What the week's report says, as plain values: every format (HTML, PDF) draws the same ``WeekReport``.

Patient identifiers appear only in ``call_list``; every other section is aggregated (counts, sums, curves).
The call list is the flagged patients (the threshold within the capacity, THE POLICY's one flag rule),
highest risk first (or by a time-to-dropout model's chance within N weeks, when asked), capped at ``LIST_LIMIT``
rows when no capacity caps it (the report says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from core.decisions.policy import Policy
from core.formatting import count, dollars, interval, percent, things
from core.model import card_words
from core.model.bundle import ModelBundle
from core.output.provenance import export_metadata
from core.outreach.call_list import WITHIN_HEADER, call_list
from core.outreach.changes import WeeklyChanges
from core.reading.contract import OUTCOME_COLUMN, SITE_COLUMN
from core.scoring.call_order import BY_END, order_words
from core.scoring.cohort import PatientKey, ScoredCohort, site_summary
from core.scoring.evaluation import COST_ROWS, cost_table
from core.scoring.outcomes import OutcomeEvaluation, evaluate_outcomes, evaluation_in_words, labelled_rows

LIST_LIMIT = 1000  # rows of the call list in a report when no staff capacity caps it
WITHIN_PREFIX = WITHIN_HEADER.split("{}")[0]  # the call list's "Chance of leaving within N weeks" columns
IDENTIFIERS_NOTE = (
    "This report holds patient identifiers in its call-list section only; every other section counts or "
    "averages patients. Keep and share it as patient data."
)
SETTINGS_SHOWN = (
    "Decision threshold",
    "Staff capacity",
    "Outreach plan",
    "Cost per contact ($)",
    "Cost per dropout ($)",
    "Contact effectiveness",
)


@dataclass(frozen=True)
class WeekReport:
    """One week's decision and what it rests on (see the module's docstring for where identifiers are)."""

    trial: str
    as_of: date
    made_by: str
    made_at: datetime
    input_name: str
    input_sha256: str
    model: list[str]  # sentences: version, origin, the validated figure
    landmarks: pd.DataFrame | None  # model -> ROC AUC per landmark day (cross-validated models)
    settings: list[tuple[str, str]]
    headline: list[str]
    cost_table: pd.DataFrame  # display text; first column the row's label
    cost_note: str
    call_list: pd.DataFrame  # display text: the only section with identifiers
    call_list_note: str
    sites: pd.DataFrame  # display text
    changes: list[str] | None  # None: no earlier week known
    evaluation: OutcomeEvaluation | None
    evaluation_words: list[str]

    @property
    def stamp(self) -> str:
        return (
            f"Made by {self.made_by} on {self.made_at:%Y-%m-%d %H:%M} UTC from {self.input_name} "
            f"(SHA-256 {self.input_sha256})."
        )


def _model_lines(bundle: ModelBundle) -> list[str]:
    card = bundle.card
    test = card_words.headline(card)
    lines = [
        f"Model version {bundle.version}, learned from {card_words.origin_words(card)}.",
        f"Its validated figure: {card_words.headline_name(card)} {interval(test['roc_auc'], 2)}, "
        f"{card_words.measured_on(card)}.",
    ]
    if bundle.synthetic:
        lines.append("Synthetic data: measure it again on a real trial before anyone relies on it.")
    return lines


def _landmarks(bundle: ModelBundle) -> pd.DataFrame | None:
    found = card_words.by_landmark(bundle.card)
    if not found:
        return None
    days = sorted({int(d) for figures in found.values() for d in figures})
    return pd.DataFrame(
        [
            {"Model": label, **{f"Day {d}": interval(f[str(d)]["roc_auc"], 2) if str(d) in f else "–" for d in days}}
            for label, f in found.items()
        ]
    )


def _costs(cohort: ScoredCohort, policy: Policy, observed: bool, reference: float) -> tuple[pd.DataFrame, str]:
    p = cohort.probability
    judged = ~np.isnan(p)
    outcome = cohort.scored[OUTCOME_COLUMN].to_numpy(dtype=float)[judged] if observed else None
    curves = policy.curves(p[judged], outcome)
    table = cost_table(curves, policy.threshold, policy.costs, policy.capacity, reference)
    at = table.attrs["thresholds"]
    names = {
        "chosen": f"Your threshold ({at['chosen']:.2f})",
        "cost_optimal": f"Lowest cost ({at['cost_optimal']:.2f})",
        "no_program": "No program",
    }
    money = {"intervention_cost", "dropout_cost", "total_cost", "savings"}
    shown = pd.DataFrame({"": [COST_ROWS[k] for k in table.index]})
    for column, name in names.items():
        shown[name] = [dollars(v) if k in money else count(v) for k, v in table[column].items()]
    kind = "observed outcomes" if observed else "expected from the model's estimates (sums of the chances)"
    return shown, f"Counts are {kind}. {policy.describe()} {policy.break_even_in_words()}"


def _call_list(
    cohort: ScoredCohort,
    flagged: np.ndarray,
    policy: Policy,
    bundle: ModelBundle,
    contacts: pd.DataFrame | None,
    held_out: frozenset[PatientKey],
    order_by: str = BY_END,
) -> tuple[pd.DataFrame, str]:
    total = int(flagged.sum())
    limit = LIST_LIMIT if policy.capacity is None else max(policy.capacity, 0)
    rows = flagged.copy()
    if total > limit:  # the first ``limit`` of the flagged in the list's order
        first = cohort.scored[order_by].to_numpy(dtype=float)[flagged]
        rows[np.flatnonzero(flagged)[np.argsort(-np.nan_to_num(first, nan=-1.0), kind="stable")[limit:]]] = False
    table = call_list(cohort, rows, flagged, policy, bundle, contacts, held_out, order_by)
    shown = pd.DataFrame({"Patient": table["Patient ID"].astype(str)})
    if "Site" in table:
        shown["Site"] = table["Site"].fillna("").astype(str)
    shown["Chance of dropping out"] = table["Chance of dropping out"].map(percent)
    for column in table.columns:  # a time-to-dropout model's chances, row by row from the same call list
        if str(column).startswith(WITHIN_PREFIX):
            shown[column] = table[column].map(percent)
    shown["Risk band"] = table["Risk band"].astype(str)
    shown["Contact"] = table["Contact"].fillna("").astype(str)
    reasons = [c for c in ("Reason 1", "Reason 2", "Reason 3") if c in table]
    words = table[reasons].fillna("").astype(str).itertuples(index=False)  # a row-wise agg of no rows is a frame
    shown["Reasons"] = ["; ".join(x for x in row if x) for row in words]
    if "Last contact date" in table:
        last = pd.to_datetime(table["Last contact date"]).dt.strftime("%Y-%m-%d").fillna("")
        outcome = table["Last contact outcome"].astype(object).fillna("").astype(str)
        shown["Last contact"] = (last + " " + outcome).str.strip().replace("", "none recorded")
    else:
        shown["Last contact"] = "not known"
    note = f"{things(total, 'patient')} flagged"
    if len(shown) < total:
        first = "highest-risk" if order_by == BY_END else "first in this order"
        note += f"; the {len(shown):,} {first} are listed here (a report lists at most {limit:,})"
    return shown, f"{note}, {order_words(order_by, bundle)}."


def _sites(cohort: ScoredCohort, flagged: np.ndarray) -> pd.DataFrame:
    judged = ~np.isnan(cohort.probability)
    table = site_summary(cohort.scored[judged], flagged[judged])
    return pd.DataFrame(
        {
            "Site": table["site"].astype(str),
            "Patients": table["patients"].map(count),
            "Expected dropouts": table["expected_dropouts"].map(lambda v: f"{v:,.1f}"),
            "Flagged": table["flagged"].map(count),
            "Mean chance": table["mean_risk"].map(percent),
        }
    )


def _changes(changes: WeeklyChanges | None) -> list[str] | None:
    if changes is None:
        return None
    c = changes.counts()
    return [
        f"{things(c['new'], 'new patient')} since last week; {things(c['left'], 'patient')} no longer listed.",
        f"Risk rose by 10 points or more for {things(c['risk_rose'], 'patient')}; "
        f"{things(c['newly_flagged'], 'patient')} newly flagged.",
    ]


def build_week_report(
    cohort: ScoredCohort,
    policy: Policy,
    bundle: ModelBundle,
    *,
    trial: str,
    made_by: str,
    made_at: datetime,
    as_of: date | None = None,
    reference: float = 0.5,
    last_contacts: pd.DataFrame | None = None,
    changes: WeeklyChanges | None = None,
    held_out: frozenset[PatientKey] = frozenset(),
    n_boot: int = 200,
    order_by: str = BY_END,
) -> WeekReport:
    """The week's report of a scored cohort under the policy in force (its evaluation when outcomes are known);
    its call list in the order ``order_by`` (``core.scoring.call_order``), flags unchanged."""
    flagged = policy.flagged(cohort.curves)
    evaluation = evaluate_outcomes(cohort, policy, bundle, n_boot=n_boot)
    judged = int((~np.isnan(cohort.probability)).sum())
    observed = evaluation is not None and len(labelled_rows(cohort)) == judged
    costs, cost_note = _costs(cohort, policy, observed, reference)
    listed, list_note = _call_list(cohort, flagged, policy, bundle, last_contacts, held_out, order_by)
    about = dict(export_metadata(bundle, policy, made_at, cohort.filename, ""))
    day = as_of or (cohort.result.as_of.date() if cohort.result.as_of is not None else made_at.date())
    headline = [
        f"{things(len(cohort.scored), 'patient')} scored, {things(int(flagged.sum()), 'patient')} flagged for a "
        "contact; "
        + (
            f"{things(cohort.result.n_invalid_rows, 'row')} of the file not scored (problems in the row)."
            if cohort.result.n_invalid_rows
            else "every row of the file was scored."
        ),
        f"Expected dropouts among the patients judged: {np.nansum(cohort.probability):,.1f}.",
    ]
    return WeekReport(
        trial=trial,
        as_of=day,
        made_by=made_by,
        made_at=made_at,
        input_name=cohort.filename,
        input_sha256=cohort.sha256,
        model=_model_lines(bundle),
        landmarks=_landmarks(bundle),
        settings=[(name, about[name]) for name in SETTINGS_SHOWN],
        headline=headline,
        cost_table=costs,
        cost_note=cost_note,
        call_list=listed,
        call_list_note=list_note,
        sites=_sites(cohort, flagged) if SITE_COLUMN in cohort.scored else pd.DataFrame(),
        changes=_changes(changes),
        evaluation=evaluation,
        evaluation_words=[]
        if evaluation is None
        else evaluation_in_words(evaluation, card_words.headline(bundle.card)["roc_auc"]),
    )
