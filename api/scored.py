"""A scored cohort as the API answers it: the model in use, the settings in force, one entry per patient (the
call list's rows: ``core.scoring.cohort.ranked_table``, highest risk first) and the rows with problems.

The settings in force are resolved as the app resolves a new session's (core.decision_settings): what the
request gives, else the team's saved settings, else the deployment's defaults; flags, contacts and prices come
from THE POLICY (core.decisions.policy), so the app, the command line and the API agree.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd
from starlette.responses import Response

from core import decision_settings
from core.decisions.costs import CostSettings
from core.decisions.policy import SINGLE, Policy
from core.model import card_words
from core.model.bundle import ModelBundle
from core.reading.contract import ID_COLUMN, SITE_COLUMN
from core.scoring.cohort import NOT_RECORDED, ScoredCohort, ranked_table, stored_scores
from core.scoring.scores import REASON_COLUMNS
from core.settings import Settings
from core.store import NewUpload, Store, settings_of

HORIZON_COLUMN = re.compile(r"^chance_within_\d+_weeks$")  # per-horizon chances, when the model gives them
NOT_RECORDED_SEPARATOR = ", "  # core.reading.blanks.missing_inputs joins the labels with it


def plain(value: Any) -> Any:
    """``value`` as JSON can hold it: numpy numbers as Python ones, NaN and infinities as null."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def policy_in_force(
    given: dict[str, Any], store: Store | None, settings: Settings, bundle: ModelBundle
) -> tuple[Policy, dict[str, Any]]:
    """The policy from the request's values (by name), else the team's saved settings, else defaults; with the
    settings as the answer states them (each with where it came from)."""
    costs = settings.costs
    defaults = {
        "threshold": bundle.default_threshold,
        "contact_cost": costs.intervention_cost,
        "dropout_cost": costs.dropout_cost,
        "effectiveness": costs.effectiveness,
        "capacity": None,
        "plan": SINGLE,
    }
    saved = {k: v.value for k, v in store.settings.latest().items()} if store is not None else {}
    asked = {k: v for k, v in given.items() if v is not None}
    resolution = decision_settings.resolve(asked, saved, defaults, bundle.version)
    values = resolution.values
    in_force = CostSettings(values["contact_cost"], values["dropout_cost"], values["effectiveness"])
    policy = Policy(values["threshold"], values["capacity"], in_force, settings.bands, values["plan"])
    stated = {name: values[name] for name in defaults}
    stated["sources"] = {name: resolution.sources[name] for name in defaults}
    return policy, stated


def model_in_use(bundle: ModelBundle) -> dict[str, Any]:
    card = bundle.card
    return plain(
        {
            "version": bundle.version,
            "origin": card_words.origin_words(card),
            "synthetic": card_words.is_synthetic(card),
            "headline": card_words.headline(card),
            "per_landmark": card_words.by_landmark(card),
        }
    )


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def patients(table: pd.DataFrame) -> list[dict[str, Any]]:
    """One entry per row of a ranked table (core.scoring.cohort.ranked_table), in its order."""
    horizons = [c for c in table.columns if HORIZON_COLUMN.match(str(c))]
    reasons = table[REASON_COLUMNS].fillna("").to_numpy()
    gaps = table[NOT_RECORDED].fillna("").astype(str).to_numpy()
    sites = table[SITE_COLUMN] if SITE_COLUMN in table else pd.Series(None, index=table.index, dtype=object)
    columns = zip(
        table[ID_COLUMN].astype(str),
        sites,
        table["probability"].to_numpy(dtype=float),
        table["risk_band"].astype(str),
        table["flagged"].to_numpy(dtype=bool),
        table["contact"],
        table["contact_cost"].to_numpy(dtype=float),
        strict=True,
    )
    out = []
    for i, (patient, site, p, band, flagged, contact, price) in enumerate(columns):
        entry = {
            "patient_id": patient,
            "site_id": _text(site),
            "probability": None if math.isnan(p) else float(p),
            "risk_band": band,
            "flagged": bool(flagged),
            "contact": _text(contact),
            "contact_cost": None if math.isnan(price) else float(price),
            "reasons": [str(r) for r in reasons[i] if r],
            "not_recorded": gaps[i].split(NOT_RECORDED_SEPARATOR) if gaps[i] else [],
        }
        out.append(entry)
    for column in horizons:
        for entry, value in zip(out, table[column].to_numpy(dtype=float), strict=True):
            entry[column] = None if math.isnan(value) else float(value)
    return out


def problems(cohort: ScoredCohort) -> list[dict[str, Any]]:
    """The rows with problems: row, patient, column (the file's own header), value and reason."""
    found = cohort.result.problems
    if found.empty:
        return []
    rows = found.astype(object).where(found.notna(), None)
    return [
        {
            "row": None if r["row"] is None else int(r["row"]),
            "patient_id": _text(r.get(ID_COLUMN)),
            "column": _text(r.get("column")),
            "value": _text(r.get("value")),
            "reason": str(r["reason"]),
        }
        for r in rows.to_dict("records")
    ]


def answer(
    cohort: ScoredCohort,
    policy: Policy,
    stated: dict[str, Any],
    bundle: ModelBundle,
    flagged_only: bool = False,
    as_of: pd.Timestamp | None = None,
) -> dict[str, Any]:
    """The reply to a scoring: model, settings, patients (highest risk first; only the flagged ones when asked);
    ``as_of`` the day it stands for (default: the one the file's dates were counted to, if any)."""
    flagged = policy.flagged(cohort.curves)
    rows = flagged if flagged_only else np.ones(len(flagged), dtype=bool)
    as_of = cohort.result.as_of if as_of is None else as_of
    return {
        "model": model_in_use(bundle),
        "settings": stated,
        "as_of": None if as_of is None else pd.Timestamp(as_of).date(),
        "patients_read": int(cohort.result.n_read),
        "flagged": int(flagged.sum()),
        "patients": patients(ranked_table(cohort, rows, flagged, policy, bundle)),
        "problems": problems(cohort),
    }


def keep_week(
    store: Store,
    cohort: ScoredCohort,
    policy: Policy,
    bundle: ModelBundle,
    trial: str,
    by: str,
    day: pd.Timestamp | None = None,
) -> dict[str, Any]:
    """Store this scoring as the trial's week, as the app's weekly memory does (once: the same file, model, day and
    trial found again is the same week); ``day``: a history's as-of day (default: the file's, else today)."""
    day = cohort.result.as_of if day is None else day
    as_of = None if day is None else pd.Timestamp(day).date()
    upload = store.uploads.find(cohort.sha256, bundle.sha256, as_of, trial)
    if upload is None:
        new = NewUpload(
            scored_by=by,
            source_file=cohort.filename,
            file_sha256=cohort.sha256,
            model_version=bundle.version,
            model_sha256=bundle.sha256,
            settings=settings_of(policy),
            rows_read=cohort.result.n_read,
            as_of=as_of,
            trial=trial,
        )
        upload = store.uploads.record(new, stored_scores(cohort, policy.flagged(cohort.curves)), cohort.result.valid)
    return {"trial": trial, "day": upload.week_day, "upload_id": upload.id}


def json_answer(reply: dict[str, Any]) -> Response:
    """A scoring's reply as JSON, written once. The route's response model documents it (and the contract tests
    check every answer against it); validating 10,000 patients again on the way out would cost more than scoring."""
    return Response(json.dumps(reply, default=str, allow_nan=False), media_type="application/json")
