"""core.score: one call from validated rows to scored rows, and the command line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.decisions.bands import FACTORY_BANDS
from core.decisions.scoring import REASON_COLUMNS, SCORE_COLUMNS, score_frame
from core.score import main


def test_scored_frame_keeps_every_row_and_input_column(bundle, demo_result):
    valid = demo_result.valid
    scored = score_frame(valid, bundle, FACTORY_BANDS, 0.3)
    assert len(scored) == len(valid)
    assert set(valid.columns) | set(SCORE_COLUMNS) == set(scored.columns)
    np.testing.assert_allclose(scored["probability"], bundle.predict(valid))
    assert (scored["flagged"] == (scored["probability"] >= 0.3)).all()


def test_band_action_and_cost_agree_with_the_probability(bundle, demo_result):
    scored = score_frame(demo_result.valid, bundle, FACTORY_BANDS, bundle.default_threshold)
    critical = scored["probability"] >= 0.75
    assert (scored.loc[critical, "risk_band"] == "Critical").all()
    assert (scored.loc[critical, "action_cost"] == 500).all()
    low = scored["probability"] < 0.35
    assert (scored.loc[low, "recommended_action"] == "Automated reminder").all()


def test_default_threshold_comes_from_the_card(bundle, demo_result):
    scored = score_frame(demo_result.valid, bundle, FACTORY_BANDS, bundle.default_threshold)
    assert (scored["flagged"] == (scored["probability"] >= bundle.default_threshold)).all()


def test_reasons_are_added_on_request(bundle, demo_result):
    scored = score_frame(demo_result.valid.head(20), bundle, FACTORY_BANDS, bundle.default_threshold, with_reasons=True)
    assert all(scored[c].str.contains("risk").all() for c in REASON_COLUMNS)


def test_command_line_writes_scored_rows_and_problem_rows(tmp_path, capsys):
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        "Patient ID,Age,Sex,Arm,Phase,Days in trial,Visits,Last visit,AE count,Site\n"
        "A1,45,F,Active,II,120,8,110,1,S1\n"
        "A2,17,M,Placebo,III,200,3,150,0,S1\n"
        "A3,70,Male,control,phase 1,30,4,28,2,S2\n"
    )
    out = tmp_path / "scored.csv"
    assert main([str(cohort), "-o", str(out), "--threshold", "0.2"]) == 0
    scored = pd.read_csv(out)
    assert sorted(scored["patient_id"]) == ["A1", "A3"]
    problems = pd.read_csv(tmp_path / "scored_problems.csv")
    assert problems["patient_id"].tolist() == ["A2"] and problems["column"].tolist() == ["age"]
    assert "read 3 rows: scored 2, 1 with problems" in capsys.readouterr().out


def test_command_line_reports_an_unusable_file(tmp_path, capsys):
    cohort = tmp_path / "empty.csv"
    cohort.write_text("")
    assert main([str(cohort), "-o", str(tmp_path / "x.csv")]) == 2
    assert "empty" in capsys.readouterr().err
