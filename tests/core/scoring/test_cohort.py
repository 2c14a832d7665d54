"""core.cohort: a scored upload, reasons on demand, filters, per-site summary and the flagged export.

Every expected value comes from core.cli.score or plain pandas on the same rows, never from a stored number.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import core.scoring.cohort as cohort_module
from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import Policy
from core.outreach.call_list import call_list
from core.reading.contract import CONTRACT
from core.reading.errors import SchemaError
from core.reading.headers import map_columns
from core.scoring.cohort import (
    score_upload,
    site_summary,
    summarise,
)
from core.scoring.scores import reason_columns
from tests.conftest import csv_bytes
from tests.core.conftest import BAD_ROWS, EXPORT_FRONT, EXTRA, _expected, _mask, _messy_frame

# ---------------------------------------------------------------- score_upload


def test_score_upload_accounts_for_every_row(loaded):
    result = loaded.result
    assert result.n_read == 303
    assert len(loaded.scored) == 300
    assert result.n_invalid_rows == 3
    assert result.n_read == len(loaded.scored) + result.n_invalid_rows
    assert set(result.problems["patient_id"]) == set(BAD_ROWS)
    assert not set(loaded.scored["patient_id"]) & set(BAD_ROWS)


def test_score_upload_scores_like_core_score(loaded, messy_bytes, bundle):
    expected = _expected(messy_bytes, bundle)
    assert loaded.scored["patient_id"].tolist() == expected["patient_id"].tolist()
    np.testing.assert_allclose(loaded.probability, expected["probability"].to_numpy())
    assert loaded.scored["risk_band"].tolist() == expected["risk_band"].tolist()
    assert "flagged" not in loaded.scored  # flags depend on the settings in force


def test_score_upload_keys_on_the_sha256_of_the_bytes(loaded, messy_bytes, bundle):
    assert loaded.sha256 == hashlib.sha256(messy_bytes).hexdigest()
    assert loaded.filename == "week48.csv"
    changed = score_upload(messy_bytes.replace(b"Nurse 3", b"Nurse 9", 1), "week48.csv", bundle, FACTORY_BANDS)
    assert changed.sha256 != loaded.sha256


def test_score_upload_keeps_extra_columns_in_file_order(loaded):
    assert loaded.result.extra_columns == EXTRA
    assert loaded.scored["Coordinator"].iloc[3] == "Nurse 3"


def test_score_upload_applies_a_hand_made_mapping(bundle):
    frame = _messy_frame().rename(columns={"age": "Years"})
    data = csv_bytes(frame)
    with pytest.raises(SchemaError, match="age"):
        score_upload(data, "renamed.csv", bundle, FACTORY_BANDS)
    mapping = {**map_columns(list(frame.columns), CONTRACT), "age": "Years"}
    by_hand = score_upload(data, "renamed.csv", bundle, FACTORY_BANDS, mapping)
    assert by_hand.result.mapping["age"] == "Years"
    assert len(by_hand.scored) == 300
    np.testing.assert_allclose(by_hand.probability, bundle.predict(by_hand.result.valid))


def test_score_upload_raises_schema_error_for_an_unusable_file(bundle):
    with pytest.raises(SchemaError, match="empty"):
        score_upload(b"", "empty.csv", bundle, FACTORY_BANDS)


def test_score_upload_renames_extra_columns_named_like_scores(bundle, messy_bytes):
    """Last week's scored file uploaded again: its old scores must not clash with the fresh ones."""
    frame = _messy_frame().assign(probability="0.5", risk_band="Low", flagged="True", contact="x", reason_1="old")
    cohort = score_upload(csv_bytes(frame), "rescored.csv", bundle, FACTORY_BANDS)
    assert cohort.probability.shape == (300,)
    np.testing.assert_allclose(cohort.probability, _expected(messy_bytes, bundle)["probability"].to_numpy())
    renamed = [
        "probability (from file)",
        "risk_band (from file)",
        "flagged (from file)",
        "contact (from file)",
        "reason_1 (from file)",
    ]
    assert cohort.result.extra_columns == EXTRA + renamed
    policy = Policy(0.2, None, FACTORY_COSTS, FACTORY_BANDS)
    export = call_list(
        cohort,
        Policy.at(0.2, None).flagged(cohort.probability),
        Policy.at(0.2, None).flagged(cohort.probability),
        policy,
        bundle,
    )
    assert export.columns.tolist() == EXPORT_FRONT + EXTRA + renamed
    assert (export["probability (from file)"] == "0.5").all()


# ---------------------------------------------------------------- reasons on demand


def test_reasons_for_equal_core_score_reasons(fresh, bundle):
    index = fresh.scored.index[[5, 0, 42, 7]]
    reasons = fresh.reasons_for(bundle, index)
    expected = reason_columns(fresh.result.valid.loc[index], bundle)
    pd.testing.assert_frame_equal(reasons, expected)
    assert reasons.index.tolist() == index.tolist()  # in the order asked for


def test_reasons_for_explains_only_rows_not_explained_before(fresh, bundle, monkeypatch):
    explained: list[list[int]] = []

    def counting(valid, bundle_, features=None):
        explained.append(valid.index.tolist())
        return reason_columns(valid, bundle_, features)

    monkeypatch.setattr(cohort_module, "reason_columns", counting)
    index = fresh.scored.index
    fresh.reasons_for(bundle, index[:10])
    assert explained == [list(range(10))] and len(fresh.reasons) == 10
    fresh.reasons_for(bundle, index[5:15])
    assert explained[1] == list(range(10, 15)) and len(fresh.reasons) == 15
    again = fresh.reasons_for(bundle, index[[14, 0, 3]])
    assert len(explained) == 2  # nothing new to explain
    assert again.index.tolist() == [14, 0, 3]
    assert sorted(fresh.reasons.index) == list(range(15))


def test_reasons_for_no_rows_explains_nothing(fresh, bundle):
    assert fresh.reasons_for(bundle, fresh.scored.index[:0]).empty
    assert fresh.reasons.empty


# ---------------------------------------------------------------- flags and summary


@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.6])
def test_the_policy_flags_without_capacity_is_p_at_or_above_threshold(loaded, threshold):
    mask = Policy.at(threshold, None).flagged(loaded.probability)
    np.testing.assert_array_equal(mask, loaded.probability >= threshold)
    assert 0 < mask.sum() < len(mask)


def test_the_policy_with_capacity_keeps_the_highest_risk_patients(loaded):
    p = loaded.probability
    uncapped = int((p >= 0.1).sum())
    mask = Policy.at(0.1, 25).flagged(p)
    assert mask.sum() == 25 < uncapped
    assert p[mask].min() >= p[~mask].max()
    assert Policy.at(0.1, 10 * len(p)).flagged(p).sum() == uncapped
    assert Policy.at(0.1, 0).flagged(p).sum() == 0


def test_summarise_counts_patients_expected_dropouts_and_flags(loaded):
    p = loaded.probability
    summary = summarise(p, Policy.at(0.3, None))
    assert summary.patients == 300
    assert summary.expected_dropouts == pytest.approx(float(p.sum()))
    assert summary.flagged == int((p >= 0.3).sum())
    assert not summary.capacity_binds


def test_summarise_with_a_capacity_that_binds_and_one_that_does_not(loaded):
    p = loaded.probability
    flagged = int((p >= 0.2).sum())
    tight = summarise(p, Policy.at(0.2, flagged - 7))
    assert tight.flagged == flagged - 7 and tight.capacity_binds
    loose = summarise(p, Policy.at(0.2, flagged + 7))
    assert loose.flagged == flagged and not loose.capacity_binds
    assert tight.expected_dropouts == pytest.approx(float(p.sum()))


# ---------------------------------------------------------------- filters


def test_no_filter_keeps_every_row(loaded):
    assert _mask(loaded).all()


@pytest.mark.parametrize(
    "field,column,values",
    [
        ("bands", "risk_band", ("Critical", "Medium")),
        ("arms", "treatment_group", ("Placebo",)),
        ("phases", "trial_phase", ("Phase II",)),
    ],
)
def test_each_category_filter_keeps_only_its_values(loaded, field, column, values):
    mask = _mask(loaded, **{field: values})
    expected = loaded.scored[column].astype(str).isin(values).to_numpy()
    np.testing.assert_array_equal(mask, expected)
    assert 0 < mask.sum() < len(mask)


def test_site_filter_keeps_only_the_chosen_sites(loaded):
    sites = sorted(loaded.scored["site_id"].unique())[:2]
    mask = _mask(loaded, sites=tuple(sites))
    assert set(loaded.scored.loc[mask, "site_id"]) == set(sites)
    assert mask.sum() == loaded.scored["site_id"].isin(sites).sum()
    assert not _mask(loaded, sites=("NO-SUCH-SITE",)).any()


def test_probability_range_is_inclusive(loaded):
    p = np.sort(loaded.probability)
    low, high = float(p[10]), float(p[200])
    mask = _mask(loaded, probability_range=(low, high))
    assert mask.sum() == int(((loaded.probability >= low) & (loaded.probability <= high)).sum())
    assert mask.sum() >= 191  # both ends included
    assert loaded.probability[mask].min() == low and loaded.probability[mask].max() == high


def test_flagged_only_keeps_the_flagged_rows(loaded):
    mask = _mask(loaded, threshold=0.25, flagged_only=True)
    np.testing.assert_array_equal(mask, loaded.probability >= 0.25)


def test_filters_combine_with_and(loaded):
    s = loaded.scored
    mask = _mask(
        loaded,
        threshold=0.2,
        bands=("Low", "Medium"),
        arms=("Active", "Placebo"),
        phases=("Phase II", "Phase III"),
        probability_range=(0.1, 0.5),
        flagged_only=True,
    )
    expected = (
        s["risk_band"].isin(["Low", "Medium"])
        & s["treatment_group"].astype(str).isin(["Active", "Placebo"])
        & s["trial_phase"].astype(str).isin(["Phase II", "Phase III"])
        & s["probability"].between(0.1, 0.5)
        & (s["probability"] >= 0.2)
    ).to_numpy()
    np.testing.assert_array_equal(mask, expected)
    assert 0 < mask.sum() < _mask(loaded, bands=("Low", "Medium")).sum()


# ---------------------------------------------------------------- per site


def test_site_summary_equals_a_direct_groupby(loaded):
    flagged = Policy.at(0.2, None).flagged(loaded.probability)
    table = site_summary(loaded.scored, flagged)
    frame = loaded.scored.assign(flagged=flagged)
    grouped = frame.groupby("site_id")
    expected = pd.DataFrame(
        {
            "patients": grouped.size(),
            "expected_dropouts": grouped["probability"].sum(),
            "flagged": grouped["flagged"].sum(),
            "mean_risk": grouped["probability"].mean(),
        }
    )
    assert table.columns.tolist() == ["site", "patients", "expected_dropouts", "flagged", "mean_risk"]
    assert len(table) == loaded.scored["site_id"].nunique() > 1
    got = table.set_index("site").loc[expected.index]
    assert got["patients"].tolist() == expected["patients"].tolist()
    assert got["flagged"].tolist() == expected["flagged"].tolist()
    np.testing.assert_allclose(got["expected_dropouts"], expected["expected_dropouts"])
    np.testing.assert_allclose(got["mean_risk"], expected["mean_risk"])
    assert table["patients"].sum() == 300 and table["flagged"].sum() == flagged.sum()


def test_site_summary_puts_the_highest_mean_risk_first(loaded):
    table = site_summary(loaded.scored, Policy.at(0.2, None).flagged(loaded.probability))
    assert table["mean_risk"].is_monotonic_decreasing
    worst = loaded.scored.groupby("site_id")["probability"].mean().idxmax()
    assert table["site"].iloc[0] == worst


def test_site_summary_without_a_site_column_is_one_row(loaded):
    scored = loaded.scored.drop(columns=["site_id"])
    flagged = Policy.at(0.3, None).flagged(loaded.probability)
    table = site_summary(scored, flagged)
    assert table["site"].tolist() == ["All patients"]
    assert table["patients"].tolist() == [300]
    assert table["flagged"].tolist() == [int(flagged.sum())]
    assert table["expected_dropouts"].iloc[0] == pytest.approx(float(loaded.probability.sum()))
    assert table["mean_risk"].iloc[0] == pytest.approx(float(loaded.probability.mean()))
