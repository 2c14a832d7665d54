"""core.store.holdouts: a week's random hold-out is recorded with its draw and read back, on both backends."""

from __future__ import annotations

import pytest

from core.outreach.holdout import draw_held_out
from core.scoring.cohort import patient_keys
from core.store import StoreInputError
from tests.core.store import samples


def test_a_weeks_draw_is_recorded_with_its_seed_and_share_and_read_back(store):
    scores = samples.scores(200)
    upload = store.uploads.record(samples.upload(0, trial="ONC-221"), scores)
    flagged = scores[scores["flagged"]]
    held = draw_held_out(patient_keys(flagged), 0.10, seed=987654321)
    draw = store.holdouts.record(
        upload.id, share=0.10, seed=987654321, flagged=len(flagged), patients=held, drawn_by="ana", trial="ONC-221"
    )
    assert (draw.share, draw.seed, draw.flagged, draw.drawn_by, draw.trial) == (
        0.10,
        987654321,
        len(flagged),
        "ana",
        "ONC-221",
    )
    assert draw.patients == held and len(held) == round(0.10 * len(flagged)) > 0
    again = store.holdouts.of_upload(upload.id)
    assert again == draw
    # the seed redraws the same patients: anyone can check the draw afterwards
    assert draw_held_out(patient_keys(flagged), again.share, again.seed) == again.patients
    assert store.holdouts.drawn_uploads() == [upload.id]
    table = store.holdouts.held_out()
    assert set(zip(table["site_id"].fillna(""), table["patient_id"], strict=True)) == held
    assert set(table["upload_id"]) == {upload.id}


def test_a_week_is_drawn_once_and_a_second_draw_keeps_the_first(store):
    upload = store.uploads.record(samples.upload(0), samples.scores(20))
    first = store.holdouts.record(
        upload.id, share=0.1, seed=1, flagged=20, patients={("Site A", "P-1")}, drawn_by="ana"
    )
    second = store.holdouts.record(upload.id, share=0.5, seed=2, flagged=20, patients={("", "P-2")}, drawn_by="ben")
    assert second == first and store.holdouts.of_upload(upload.id).patients == {("Site A", "P-1")}


def test_a_week_without_a_draw_has_none_and_an_unknown_week_is_refused(store):
    upload = store.uploads.record(samples.upload(0), samples.scores(5))
    assert store.holdouts.of_upload(upload.id) is None and store.holdouts.drawn_uploads() == []
    assert store.holdouts.held_out().empty
    with pytest.raises(StoreInputError, match="no such week"):
        store.holdouts.record(upload.id + 99, share=0.1, seed=1, flagged=1, patients=(), drawn_by="ana")


def test_the_draw_follows_the_share_and_refuses_one_out_of_range():
    keys = [("S", f"P-{i}") for i in range(50)]
    assert len(draw_held_out(keys, 0.10, 5)) == 5 and draw_held_out(keys, 0.1, 5) == draw_held_out(
        reversed(keys), 0.1, 5
    )
    assert draw_held_out(keys, 0.1, 5) != draw_held_out(keys, 0.1, 6)
    with pytest.raises(ValueError, match="between"):
        draw_held_out(keys, 0.9, 5)
