"""core.decisions.cohort: the ranked table and the flagged export match core.decisions.scoring on the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.decisions.bands import FACTORY_BANDS
from core.decisions.cohort import (
    flagged_export,
    flagged_mask,
    ranked_table,
    score_upload,
)
from core.decisions.scoring import REASON_COLUMNS, reason_columns, score_frame
from core.reading.contract import CONTRACT
from core.reading.validation import SOURCE_ROW, load_cohort
from tests.conftest import csv_bytes
from tests.core.decisions.conftest import EXPORT_FRONT, EXTRA, _expected, _mask, _messy_frame

# ---------------------------------------------------------------- ranked table and export


def test_ranked_table_is_highest_risk_first_with_flags_and_reasons(loaded, bundle):
    flagged = flagged_mask(loaded.probability, 0.3, None)
    rows = _mask(loaded, arms=("Active",))
    table = ranked_table(loaded, rows, flagged, bundle, limit=20)
    assert len(table) == 20
    assert table["probability"].is_monotonic_decreasing
    assert (table["treatment_group"] == "Active").all()
    assert table["probability"].iloc[0] == loaded.probability[rows].max()
    assert table["flagged"].tolist() == (table["probability"] >= 0.3).tolist()
    expected = reason_columns(loaded.result.valid.loc[table.index], bundle)
    pd.testing.assert_frame_equal(table[REASON_COLUMNS], expected)
    assert table.columns[:2].tolist() == ["patient_id", "site_id"] and table.columns[-1] == SOURCE_ROW


def test_flagged_export_holds_only_flagged_rows_highest_risk_first(loaded, messy_bytes, bundle):
    expected = _expected(messy_bytes, bundle, threshold=0.3)
    flagged = flagged_mask(loaded.probability, 0.3, None)
    export = flagged_export(loaded, flagged, bundle)
    assert len(export) == int(expected["flagged"].sum()) > 0
    assert set(export["patient_id"]) == set(expected.loc[expected["flagged"], "patient_id"])
    assert export["probability"].is_monotonic_decreasing
    assert export.index.tolist() == list(range(len(export)))


def test_flagged_export_columns_in_order_with_the_users_extra_columns(loaded, bundle):
    export = flagged_export(loaded, flagged_mask(loaded.probability, 0.3, None), bundle)
    assert export.columns.tolist() == EXPORT_FRONT + EXTRA


def test_flagged_export_values_match_core_score(loaded, messy_bytes, bundle):
    valid = load_cohort(messy_bytes, "week48.csv", CONTRACT).valid
    expected = score_frame(valid, bundle, FACTORY_BANDS, 0.3, with_reasons=True).set_index("patient_id")
    export = flagged_export(loaded, flagged_mask(loaded.probability, 0.3, None), bundle).set_index("patient_id")
    want = expected.loc[export.index]
    np.testing.assert_allclose(export["probability"], want["probability"].round(4))
    np.testing.assert_allclose(export["probability"], want["probability"], atol=5e-5)
    assert export["band"].tolist() == want["risk_band"].tolist()
    assert export["recommended_action"].tolist() == want["recommended_action"].tolist()
    assert export["action_cost_usd"].tolist() == want["action_cost"].tolist()
    assert export["site_id"].tolist() == want["site_id"].tolist()
    for column in REASON_COLUMNS + EXTRA:
        assert export[column].tolist() == want[column].tolist(), column
    costs = {b.name: b.action_cost for b in FACTORY_BANDS}
    assert export["action_cost_usd"].tolist() == [costs[b] for b in export["band"]]


def test_flagged_export_under_a_capacity_holds_the_top_patients(loaded, bundle):
    export = flagged_export(loaded, flagged_mask(loaded.probability, 0.1, 12), bundle)
    top = np.sort(loaded.probability)[::-1][:12]
    assert len(export) == 12
    np.testing.assert_allclose(export["probability"], np.round(top, 4))


def test_flagged_export_without_a_site_column(bundle):
    frame = _messy_frame().drop(columns=["site_id"])
    cohort = score_upload(csv_bytes(frame), "nosite.csv", bundle, FACTORY_BANDS)
    export = flagged_export(cohort, flagged_mask(cohort.probability, 0.3, None), bundle)
    assert export.columns.tolist() == [c for c in EXPORT_FRONT if c != "site_id"] + EXTRA
    assert len(export) == int((cohort.probability >= 0.3).sum()) > 0


def test_flagged_export_with_nobody_flagged_is_empty_with_its_columns(loaded, bundle):
    export = flagged_export(loaded, np.zeros(len(loaded.scored), dtype=bool), bundle)
    assert export.empty
    assert export.columns.tolist() == EXPORT_FRONT + EXTRA
