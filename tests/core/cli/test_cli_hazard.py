"""``python -m core.cli.hazard``: figures per landmark day and per horizon for a real trial, a saved model with a
card that pins its file, and one-line errors for input that cannot be used."""

from __future__ import annotations

import hashlib
import json

import joblib

from core.cli.hazard import main
from core.paths import ROOT


def test_trains_measures_and_saves_on_cdisc_pilot(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    figures, saved = tmp_path / "figures.json", tmp_path / "model"
    code = main(
        ["--history", str(ROOT / "data" / "cdiscpilot01"), "--folds", "2", "--boot", "5", "--horizons", "4", "8"]
        + ["--figures", str(figures), "--save", str(saved)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "cdiscpilot01 | lightgbm | per landmark ROC AUC" in out and "within 4 weeks: time-dependent AUC" in out
    written = json.loads(figures.read_text())
    assert set(written["cdiscpilot01"]["logistic_regression"]["per_horizon"]) == {"4", "8"}
    strata = written["cdiscpilot01"]["lightgbm"]["per_landmark"]["strata"]
    assert strata == ["28", "56", "84", "112", "140", "168"]
    card = json.loads((saved / "card.json").read_text())
    model_bytes = (saved / "hazard_model.joblib").read_bytes()
    assert card["model_sha256"] == hashlib.sha256(model_bytes).hexdigest()
    models = joblib.load(saved / "hazard_model.joblib")
    assert card["recommended_family"] in models


def test_a_missing_history_is_one_line(tmp_path, capsys):
    code = main(["--history", str(tmp_path / "nothing here")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1
