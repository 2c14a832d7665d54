"""The Train page's "Would this trial's own model do better?": after a training, the own model at three moments of
enrolment against the model in use (learned elsewhere), in a table and a verdict in words; refused in words when
the model in use learned from this trial."""

from __future__ import annotations

from app.services import overtaking_run
from core.model.registry import Registry
from tests.app.conftest import shown
from tests.app.test_train_page import _trained, models_dir  # noqa: F401 (the fixture, used by name)


def test_the_own_model_is_compared_with_the_model_in_use_at_three_moments(models_dir, monkeypatch):  # noqa: F811
    original = overtaking_run.overtaking

    def quicker(*args, **kwargs):  # fewer resamples; otherwise the page's own comparison
        return original(*args, **{**kwargs, "n_boot": 10})

    monkeypatch.setattr(overtaking_run, "overtaking", quicker)
    at = _trained(models_dir)
    at.button(key="overtaking_start").click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    table = next(t.value for t in at.table if t.value.index.name == "Enrolled by then")
    assert list(table.index.str[:3]) == ["25%", "50%", "75%"]
    assert {"Own model", "Model in use", "Difference", "Measured on"} <= set(table.columns)
    words = " ".join(shown(m.value) for m in at.markdown)
    assert "The trial's own model" in words and ("overtook" in words or "never clearly overtook" in words)


def test_no_comparison_when_the_model_in_use_learned_from_this_trial(models_dir):  # noqa: F811
    at = _trained(models_dir)
    registry = Registry(models_dir)
    trained = next(v.name for v in registry.versions() if not v.in_use)
    registry.promote(trained, "test")
    at.button(key="overtaking_start").click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    warnings = " ".join(w.value for w in at.warning)
    assert "No fair comparison" in warnings and "learned from" in warnings
