"""The Train page's "Replay this trial": after a training, the replay's figures beside the rules, in words."""

from __future__ import annotations

import functools

import pandas as pd

from app.services import trial_replay
from core.replay.run import ReplayOptions
from core.replay.words import CALL_LIST
from tests.app.conftest import shown
from tests.app.test_train_page import _trained, models_dir  # noqa: F401 (the fixture, used by name)


def test_replaying_the_trial_after_training_shows_the_call_list_beside_the_rules(models_dir, monkeypatch):  # noqa: F811
    # Shorter than the page's own replay (a later start, fewer retrainings and draws), the same code otherwise.
    quick = functools.partial(ReplayOptions, start=pd.Timestamp("2014-06-02"), retrain_weeks=13, draws=2)
    monkeypatch.setattr(trial_replay, "ReplayOptions", quick)
    at = _trained(models_dir)
    at.button(key="replay_start").click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    tables = [t.value for t in at.table if t.value.index.name == "Who is called"]
    assert tables and list(tables[0].index)[:1] == [CALL_LIST] and "Random calls" in list(tables[0].index)
    words = " ".join(shown(m.value) for m in at.markdown)
    assert "would have reached" in words and "only what was known that week" in words
    assert any("retraining: time to dropout" in c.value for c in at.caption)  # the default: every patient from day 1
