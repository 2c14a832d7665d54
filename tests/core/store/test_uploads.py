"""core.store.uploads: an upload and its scores in one transaction, read back, the previous week, a patient's trend."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import TIERED, Policy
from core.store import StoreInputError, settings_of
from core.store.uploads import SCORE_COLUMNS
from tests.core.store import samples


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("patient_id", ignore_index=True)


def test_an_upload_and_its_scores_come_back_as_recorded(store):
    scores = samples.scores(2_000, seed=1)
    recorded = store.uploads.record(samples.upload(0, rows_read=2_010, as_of=date(2026, 10, 30)), scores)

    again = store.uploads.get(recorded.id)
    assert again == recorded
    assert (again.scored_at, again.patients_scored, again.rows_read) == (samples.MONDAY, 2_000, 2_010)
    assert again.settings["threshold"] == 0.3 and again.settings["capacity"] is None
    assert again.as_of == date(2026, 10, 30) and again.scored_at.tzinfo is not None
    back = _sorted(store.uploads.scores(recorded.id))
    assert list(back.columns) == SCORE_COLUMNS
    expected = scores.astype({"days_in_trial": "Int64"}).assign(dropped_out=pd.array([pd.NA] * 2_000, "boolean"))
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    assert back["site_id"].isna().sum() == scores["site_id"].isna().sum() > 0  # unknown sites stay unknown


def test_optional_columns_may_be_missing(store):
    scores = samples.scores(20)[["patient_id", "probability", "risk_band", "flagged"]]
    recorded = store.uploads.record(samples.upload(0), scores)
    back = store.uploads.scores(recorded.id)
    assert back["site_id"].isna().all() and back["days_in_trial"].isna().all() and len(back) == 20
    assert back["dropped_out"].isna().all()


OUTCOMES_GIVEN = [
    ("dropout", pd.array([1, 0, pd.NA, 1, 0, 0], dtype="Int64")),  # the contract's column, as a cohort carries it
    ("dropped_out", pd.array([True, False, pd.NA, True, False, False], dtype="boolean")),  # as read back
    ("dropout", np.array([1.0, 0.0, np.nan, 1.0, 0.0, 0.0])),  # a float column: NaN is not known
]


@pytest.mark.parametrize("name,values", OUTCOMES_GIVEN)
def test_the_observed_outcome_is_kept_and_an_empty_one_stays_unknown(store, name, values):
    scores = samples.scores(6).assign(**{name: values})
    recorded = store.uploads.record(samples.upload(0), scores)
    back = _sorted(store.uploads.scores(recorded.id))
    assert str(back["dropped_out"].dtype) == "boolean"
    assert back["dropped_out"].tolist() == [True, False, pd.NA, True, False, False]
    trend = store.uploads.patient_history("P-000003")
    assert trend["dropped_out"].tolist() == [True]
    assert store.uploads.patient_history("P-000002")["dropped_out"].isna().all()


@pytest.mark.parametrize(
    "changes,fragment",
    [
        ({"dropout": ["yes", "no", "", "no", "no", "no"]}, "must hold 1/0"),
        ({"dropout": [1, 0, 2, 0, 0, 0]}, "found 2"),
        ({"dropout": [1, 0, 0, 0, 0, 0], "dropped_out": [True] * 6}, "outcome twice"),
    ],
)
def test_an_outcome_that_cannot_be_stored_is_refused_and_nothing_is_written(store, changes, fragment):
    with pytest.raises(StoreInputError, match=fragment):
        store.uploads.record(samples.upload(0), samples.scores(6).assign(**changes))
    assert store.uploads.latest() is None


@pytest.mark.parametrize(
    "spoil,fragment",
    [
        (lambda f: f.drop(columns="flagged"), "lack the column"),
        (lambda f: pd.concat([f, f.head(1)]), "more than once"),
        (lambda f: f.assign(probability=np.where(f.index == 3, np.nan, f["probability"])), "without a probability"),
    ],
)
def test_scores_that_cannot_be_stored_are_refused_and_nothing_is_written(store, spoil, fragment):
    with pytest.raises(StoreInputError, match=fragment):
        store.uploads.record(samples.upload(0), spoil(samples.scores(10)))
    assert store.uploads.latest() is None


def test_an_upload_that_fails_halfway_leaves_no_trace(store, monkeypatch):
    import core.store.uploads as uploads_module

    def broken_insert(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(uploads_module, "insert_rows", broken_insert)
    with pytest.raises(RuntimeError):
        store.uploads.record(samples.upload(0), samples.scores(10))
    assert store.uploads.recent() == []


def test_the_latest_upload_before_another_is_the_previous_week(store):
    weeks = [store.uploads.record(samples.upload(w), samples.scores(5, seed=w)) for w in (0, 2, 1)]
    same_time = store.uploads.record(samples.upload(2, source_file="again.csv"), samples.scores(5))
    by_week = {u.source_file: u for u in weeks}
    assert store.uploads.latest_before(by_week["week2.csv"].id).id == by_week["week1.csv"].id
    assert store.uploads.latest_before(by_week["week1.csv"].id).id == by_week["week0.csv"].id
    assert store.uploads.latest_before(by_week["week0.csv"].id) is None
    # the same trial's day scored again (a corrected file, another model) is the same week, replaced
    assert same_time.id == by_week["week2.csv"].id and store.uploads.get(same_time.id).source_file == "again.csv"
    assert store.uploads.latest_before(same_time.id).id == by_week["week1.csv"].id
    assert store.uploads.latest().id == same_time.id
    assert [u.source_file for u in store.uploads.recent()] == ["again.csv", "week1.csv", "week0.csv"]
    assert store.uploads.latest_before(10_000) is None and store.uploads.get(10_000) is None


def test_a_patients_history_is_their_trend_across_uploads(store):
    expected = []
    for week in (0, 1, 2):
        scores = samples.scores(30, seed=week)
        if week == 1:
            scores = scores[scores["patient_id"] != "P-000007"]  # missed one week
        else:
            expected.append((week, float(scores.loc[scores["patient_id"] == "P-000007", "probability"].iloc[0])))
        store.uploads.record(samples.upload(week), scores)
    history = store.uploads.patient_history("P-000007")
    assert history["probability"].tolist() == [p for _, p in expected]
    assert history["scored_at"].tolist() == [samples.upload(w).scored_at for w, _ in expected]
    assert store.uploads.patient_history("nobody").empty


def test_a_large_week_goes_in_and_comes_back_whole(store):
    scores = samples.scores(30_000, seed=9)
    recorded = store.uploads.record(samples.upload(0), scores)
    back = _sorted(store.uploads.scores(recorded.id))
    assert len(back) == 30_000 and np.array_equal(back["probability"].to_numpy(), scores["probability"].to_numpy())
    assert back["flagged"].sum() == scores["flagged"].sum()


def test_an_upload_needs_a_time_with_its_zone(store):
    with pytest.raises(StoreInputError, match="time zone"):
        store.uploads.record(samples.upload(0, scored_at=datetime(2026, 11, 2, 9, 30)), samples.scores(3))
    assert samples.upload(0, scored_at=datetime.now(UTC)).scored_at.tzinfo is UTC


def test_the_settings_of_an_upload_come_from_the_policy():
    policy = Policy(np.float64(0.25), 40, FACTORY_COSTS, FACTORY_BANDS, TIERED)
    stored = settings_of(policy)
    assert stored == {
        "threshold": 0.25,
        "intervention_cost": FACTORY_COSTS.intervention_cost,
        "dropout_cost": FACTORY_COSTS.dropout_cost,
        "effectiveness": FACTORY_COSTS.effectiveness,
        "capacity": 40,
        "plan": TIERED,
    }
    assert all(type(v) in (float, int, str) for v in stored.values())


def test_settings_that_cannot_be_stored_are_refused_before_anything_is_written(store):
    with pytest.raises(StoreInputError, match="the upload's settings cannot be stored"):
        store.uploads.record(samples.upload(0, settings={"threshold": object()}), samples.scores(3))
    assert store.uploads.latest() is None
    numpy_settings = {"threshold": np.float64(0.3), "capacity": np.int64(40)}
    recorded = store.uploads.record(samples.upload(0, settings=numpy_settings), samples.scores(3))
    assert store.uploads.get(recorded.id).settings == recorded.settings == {"threshold": 0.3, "capacity": 40}


def test_the_same_file_scored_by_the_same_model_is_found_again(store):
    first = store.uploads.record(samples.upload(0), samples.scores(5))
    again = store.uploads.record(samples.upload(1, file_sha256=first.file_sha256), samples.scores(5))
    store.uploads.record(samples.upload(2, model_sha256="cd" * 32, file_sha256=first.file_sha256), samples.scores(5))
    dated = store.uploads.record(samples.upload(3, as_of=date(2026, 11, 2)), samples.scores(5))
    assert store.uploads.find(first.file_sha256, "ab" * 32).id == again.id  # the latest of the same bytes and model
    assert store.uploads.find(first.file_sha256, "ef" * 32) is None  # another model: a new scoring
    assert store.uploads.find(dated.file_sha256, "ab" * 32, date(2026, 11, 2)).id == dated.id
    assert store.uploads.find(dated.file_sha256, "ab" * 32) is None  # a history's day is part of what was scored
    assert store.uploads.find(dated.file_sha256, "ab" * 32, date(2026, 11, 3)) is None


def test_an_identifier_longer_than_its_column_is_refused_plainly_on_every_backend(store):
    scores = samples.scores(3)
    scores.loc[1, "patient_id"] = "P" * 201  # SQLite would keep it; a server refuses it with its own error
    with pytest.raises(StoreInputError, match="patient id longer than 200"):
        store.uploads.record(samples.upload(0), scores)
    assert store.uploads.recent() == []


def test_a_week_belongs_to_its_trial_and_last_week_is_the_same_trials_latest_earlier_day(store):
    def week(trial: str | None, day: int, model: str = "1.0", seed: int = 0):
        upload = replace(samples.upload(0, as_of=date(2026, 11, day)), trial=trial, model_version=model)
        return store.uploads.record(upload, samples.scores(5, seed=seed))

    demo_1, real_1, demo_2 = week("Demo", 2), week("CDISC Pilot 01", 3), week("Demo", 9)
    assert store.uploads.latest_before(demo_2.id).id == demo_1.id  # not the other trial scored in between
    assert store.uploads.latest_before(real_1.id) is None  # the real trial's first week
    real_2 = week("CDISC Pilot 01", 10)
    assert store.uploads.latest_before(real_2.id).id == real_1.id
    # the same trial and day scored again under another model: the same week, the change of model noted
    again = week("CDISC Pilot 01", 10, model="2.0", seed=1)
    assert again.id == real_2.id and again.settings["replaced_model"] == "1.0"
    assert store.uploads.latest_before(again.id).id == real_1.id
    assert store.uploads.latest_week("Demo").id == demo_2.id and store.uploads.latest_week().id == again.id
    trials = store.uploads.trials()
    assert trials["trial"].tolist() == ["CDISC Pilot 01", "Demo"] and trials["weeks"].tolist() == [2, 2]
    history = store.uploads.patient_history("P-000001", "Demo")
    assert history["upload_id"].tolist() == [demo_1.id, demo_2.id]  # one point per day, one trial
    assert len(store.uploads.patient_history("P-000001")) == 4


def test_a_week_keeps_the_rows_it_was_scored_from_and_a_rescoring_replaces_them(store):
    from core.store.week_inputs import as_frame, packed

    rows = pd.DataFrame({"source_row": [2, 3], "patient_id": ["007", "P-2"], "age": [54, None]})
    scores = pd.DataFrame({"patient_id": ["007", "P-2"], "probability": [0.2, 0.6], "risk_band": ["Low", "High"]})
    scores["flagged"] = [False, True]
    upload = store.uploads.record(samples.upload(1), scores, rows)
    kept = pd.read_csv(io.BytesIO(store.inputs.csv(upload.id)), dtype=str, keep_default_na=False)
    assert kept["patient_id"].tolist() == ["007", "P-2"]  # the trial's own ids, leading zero kept
    assert "source_row" not in kept and kept["age"].tolist() == ["54.0", ""]
    again = store.uploads.record(samples.upload(1), scores, rows.head(1))  # the same trial and day: replaced
    assert again.id == upload.id and len(as_frame(packed(rows.head(1)))) == 1
    assert len(pd.read_csv(io.BytesIO(store.inputs.csv(upload.id)))) == 1
    older = store.uploads.record(samples.upload(2, as_of=date(2020, 1, 1)), scores)
    assert store.inputs.csv(older.id) is None  # stored without inputs: nothing to reopen
