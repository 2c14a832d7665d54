"""core.outreach.call_list: the one table the app's exports and the command line write.

Every expected value comes from core.scoring.scores on the same rows, the policy's own bands and
costs, or plain pandas; never from a stored number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS, CostSettings
from core.decisions.policy import SINGLE, SINGLE_ACTION, TIERED, Policy
from core.outreach.call_list import HEADERS, call_list
from core.reading.contract import CONTRACT
from core.reading.validation import SOURCE_ROW, load_cohort
from core.scoring.cohort import ranked_table, score_upload
from core.scoring.scores import REASON_COLUMNS, reason_columns, score_frame
from tests.conftest import csv_bytes
from tests.core.conftest import EXPORT_FRONT, EXTRA, _mask, _messy_frame

COSTS = CostSettings(350.0, 8000.0, 0.6)


def _policy(threshold=0.3, capacity=None, plan=SINGLE) -> Policy:
    return Policy(threshold, capacity, COSTS, FACTORY_BANDS, plan)


def _list(cohort, bundle, policy: Policy, rows=None) -> pd.DataFrame:
    flagged = Policy.at(policy.threshold, policy.capacity).flagged(cohort.curves)
    return call_list(cohort, flagged if rows is None else rows, flagged, policy, bundle)


def test_ranked_table_is_highest_risk_first_with_flags_contacts_and_reasons(loaded, bundle):
    flagged = Policy.at(0.3, None).flagged(loaded.probability)
    rows = _mask(loaded, arms=("Active",))
    table = ranked_table(loaded, rows, flagged, _policy(plan=TIERED), bundle, limit=20)
    assert len(table) == 20
    assert table["probability"].is_monotonic_decreasing
    assert (table["treatment_group"] == "Active").all()
    assert table["probability"].iloc[0] == loaded.probability[rows].max()
    assert table["flagged"].tolist() == (table["probability"] >= 0.3).tolist()
    prices = {b.name: b.action_cost for b in FACTORY_BANDS}
    assert table["contact_cost"].tolist() == [prices[b] for b in table["risk_band"]]
    expected = reason_columns(loaded.result.valid.loc[table.index], bundle)
    pd.testing.assert_frame_equal(table[REASON_COLUMNS], expected)
    assert table.columns[:2].tolist() == ["patient_id", "site_id"] and table.columns[-1] == SOURCE_ROW


def test_the_list_holds_only_flagged_rows_highest_risk_first_with_readable_headers(loaded, messy_bytes, bundle):
    valid = load_cohort(messy_bytes, "week48.csv", CONTRACT).valid
    expected = score_frame(valid, bundle, FACTORY_BANDS, 0.3)
    table = _list(loaded, bundle, _policy())
    assert len(table) == int(expected["flagged"].sum()) > 0
    assert set(table["Patient ID"]) == set(expected.loc[expected["flagged"], "patient_id"])
    assert table["Chance of dropping out"].is_monotonic_decreasing
    assert table.columns.tolist() == EXPORT_FRONT + EXTRA
    assert (table["Flagged"] == "Yes").all()


def test_values_match_scoring_on_the_same_rows(loaded, messy_bytes, bundle):
    valid = load_cohort(messy_bytes, "week48.csv", CONTRACT).valid
    want = score_frame(valid, bundle, FACTORY_BANDS, 0.3, with_reasons=True).set_index("patient_id")
    table = _list(loaded, bundle, _policy()).set_index("Patient ID")
    want = want.loc[table.index]
    np.testing.assert_allclose(table["Chance of dropping out"], want["probability"].round(4))
    assert table["Risk band"].tolist() == want["risk_band"].tolist()
    assert table["Site"].tolist() == want["site_id"].tolist()
    assert table["Row in file"].tolist() == want["source_row"].tolist()
    for i, column in enumerate(REASON_COLUMNS):
        assert table[f"Reason {i + 1}"].tolist() == want[column].tolist(), column
    for column in EXTRA:
        assert table[column].tolist() == want[column].tolist(), column


@pytest.mark.parametrize("plan", [SINGLE, TIERED])
def test_the_contact_and_its_price_follow_the_plan_never_a_mix(loaded, bundle, plan):
    table = _list(loaded, bundle, _policy(threshold=0.1, plan=plan))
    bands = {b.name: b for b in FACTORY_BANDS}
    if plan == SINGLE:
        assert set(table["Contact"]) == {SINGLE_ACTION}
        assert set(table["Contact cost ($)"]) == {COSTS.intervention_cost}
    else:
        assert table["Contact"].tolist() == [bands[b].action for b in table["Risk band"]]
        assert table["Contact cost ($)"].tolist() == [bands[b].action_cost for b in table["Risk band"]]
        assert table["Risk band"].nunique() > 1


def test_under_a_capacity_the_list_holds_the_top_patients(loaded, bundle):
    table = _list(loaded, bundle, _policy(threshold=0.1, capacity=12))
    assert len(table) == 12
    np.testing.assert_allclose(table["Chance of dropping out"], np.round(np.sort(loaded.probability)[::-1][:12], 4))


def test_filters_narrow_the_list_to_flagged_patients_of_one_site(loaded, bundle):
    policy = _policy(threshold=0.2)
    flagged = Policy.at(policy.threshold, policy.capacity).flagged(loaded.curves)
    site = loaded.scored["site_id"].iloc[0]
    rows = _mask(loaded, threshold=0.2, sites=(site,)) & flagged
    table = call_list(loaded, rows, flagged, policy, bundle)
    assert (table["Site"] == site).all()
    assert len(table) == int((flagged & (loaded.scored["site_id"] == site).to_numpy()).sum()) > 0


def test_all_rows_with_the_flag_column_as_the_command_line_writes_them(loaded, bundle):
    policy = _policy(threshold=0.3, capacity=20)
    flagged = Policy.at(policy.threshold, policy.capacity).flagged(loaded.curves)
    table = call_list(loaded, np.ones(len(flagged), dtype=bool), flagged, policy, bundle)
    assert len(table) == len(loaded.scored)
    assert (table["Flagged"] == "Yes").sum() == 20
    assert table.columns.tolist() == EXPORT_FRONT + EXTRA


def test_without_a_site_column_and_with_nobody_flagged(bundle, loaded):
    frame = _messy_frame().drop(columns=["site_id"])
    cohort = score_upload(csv_bytes(frame), "nosite.csv", bundle, FACTORY_BANDS)
    table = _list(cohort, bundle, _policy())
    assert table.columns.tolist() == [c for c in EXPORT_FRONT if c != "Site"] + EXTRA
    empty = call_list(
        loaded, np.zeros(len(loaded.scored), dtype=bool), np.zeros(len(loaded.scored), dtype=bool), _policy(), bundle
    )
    assert empty.empty and empty.columns.tolist() == EXPORT_FRONT + EXTRA


def test_a_users_column_named_like_one_of_ours_is_kept_under_another_name(bundle):
    frame = _messy_frame().assign(**{"Risk band": "their own", "Contact": "Dr Who"})
    cohort = score_upload(csv_bytes(frame), "theirs.csv", bundle, FACTORY_BANDS)
    table = _list(cohort, bundle, _policy())
    assert (table["Risk band (from file)"] == "their own").all() and (table["Contact (from file)"] == "Dr Who").all()
    assert set(table["Risk band"]) <= {b.name for b in FACTORY_BANDS}
    assert set(HEADERS.values()) <= set(table.columns) | {"Site", "Fair test"}  # the fair test: only with a draw


def test_factory_costs_price_the_single_plan(loaded, bundle):
    policy = Policy(0.3, None, FACTORY_COSTS, FACTORY_BANDS, SINGLE)
    assert set(_list(loaded, bundle, policy)["Contact cost ($)"]) == {FACTORY_COSTS.intervention_cost}


def test_only_flagged_patients_carry_a_contact_and_its_cost():
    """One function decides (Policy.contacts): a patient not flagged has no contact and no contact cost."""
    probability = np.array([0.9, 0.05, 0.5, 0.2])
    flagged = np.array([True, False, True, False])
    for plan in ("single", TIERED):
        actions, prices = Policy.at(0.3, plan=plan).contacts(probability, flagged)
        assert [a is None for a in actions] == [False, True, False, True]
        assert np.isnan(prices[[1, 3]]).all() and (prices[[0, 2]] > 0).all()


def test_the_lowest_cost_threshold_is_the_cheapest_step_within_the_capacity():
    from core.decisions.curves import THRESHOLD_GRID

    probability = np.random.default_rng(3).beta(2, 5, 400)
    for capacity in (None, 20):
        policy = Policy.at(0.5, capacity)
        best = policy.lowest_cost_threshold(probability)
        curve = policy.curves(probability).cost_curve(policy.costs, capacity)["total_cost"]
        assert curve[list(THRESHOLD_GRID).index(best)] == pytest.approx(curve.min())


def test_the_last_contact_is_the_one_at_the_patients_own_site(loaded, bundle):
    flagged = Policy.at(0.3, None).flagged(loaded.probability)
    top = ranked_table(loaded, flagged, flagged, _policy(), bundle).iloc[0]
    contacts = pd.DataFrame(
        {
            "patient_id": [top["patient_id"], top["patient_id"]],
            "site_id": [f"not {top['site_id']}", top["site_id"]],
            "contact_date": [pd.Timestamp("2026-03-02").date(), pd.Timestamp("2026-01-05").date()],
            "outcome": ["declined", "reached"],
        }
    )
    table = call_list(loaded, flagged, flagged, _policy(), bundle, contacts)
    assert table.loc[0, "Last contact outcome"] == "reached"  # not the later contact of another site's patient
    assert table["Last contact outcome"].iloc[1:].isna().all()


def test_a_held_out_patient_is_marked_in_the_export_instead_of_a_contact(loaded, bundle):
    flagged = Policy.at(0.3, None).flagged(loaded.probability)
    top = ranked_table(loaded, flagged, flagged, _policy(), bundle).iloc[0]
    table = call_list(
        loaded, flagged, flagged, _policy(), bundle, held_out=frozenset({(top["site_id"], top["patient_id"])})
    )
    words = "Held out this week (fair test): do not call"
    assert (table.loc[0, "Fair test"], table.loc[0, "Contact"], table.loc[0, "Contact cost ($)"]) == (words, words, 0)
    assert (table["Fair test"].iloc[1:] == "").all() and (table["Contact"].iloc[1:] != words).all()
