"""core.outreach.opportunities.opportunities_from_store: the same opportunities from a store as from the records."""

from __future__ import annotations

import pandas as pd

from core.outreach.opportunities import build_opportunities, opportunities_from_store
from core.outreach.simulation import OutreachWorld, record_in_store, simulate_outreach
from core.store.score_rows import SCORE_ROW_COLUMNS, score_rows


def test_a_simulated_trial_put_in_the_store_gives_the_same_opportunities(store):
    simulated = simulate_outreach(OutreachWorld(patients=400, weeks=8, capacity=20), seed=6)
    ids = record_in_store(simulated, store)
    assert len(ids) == 9 and len(store.outreach.between()) == len(simulated.contacts)

    rows = score_rows(store.database)
    assert list(rows.columns) == SCORE_ROW_COLUMNS and len(rows) == len(simulated.scorings)
    assert int(rows["dropped_out"].sum()) == int(simulated.scorings["dropped_out"].sum())
    assert rows["dropped_out"].isna().sum() == simulated.scorings["dropped_out"].isna().sum()

    from_store = opportunities_from_store(store, window_days=10)
    expected = build_opportunities(simulated.scorings, simulated.contacts, window_days=10)
    assert len(from_store) == len(expected) > 100 and from_store["contacted"].sum() > 20
    # The store numbers its uploads itself: compare by week instead.
    columns = ["patient_id", "scored_on", "probability", "contacted", "reached", "dropped_out"]
    pd.testing.assert_frame_equal(from_store[columns], expected[columns], check_dtype=False)


def test_an_empty_store_has_no_opportunities(store):
    assert opportunities_from_store(store).empty
