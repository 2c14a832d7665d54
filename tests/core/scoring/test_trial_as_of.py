"""Scoring a trial history as of a date: the same path as a cohort file, arms mapped for the generic model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.cli.score import main
from core.decisions.bands import FACTORY_BANDS
from core.history.as_of import as_of_snapshot, default_as_of, guess_arm_mapping, patients_in_study, trial_arms
from core.history.export import to_csv_files
from core.history.reader import history_files, is_sdtm, read_history
from core.history.sdtm import CDISC_PILOT_DIR
from core.scoring.cohort import score_upload
from core.scoring.trial_as_of import needs_arm_mapping, score_history
from tests.conftest import csv_bytes


@pytest.fixture(scope="module")
def pilot():
    files = history_files(CDISC_PILOT_DIR)
    return files, read_history(files)


def test_the_form_is_recognised_from_the_files_alone(pilot):
    files, _ = pilot
    assert is_sdtm(files)
    assert not is_sdtm(to_csv_files(read_history(files)))


def test_arm_names_are_guessed_for_the_generic_model_and_kept_for_a_trial_model(pilot):
    _, history = pilot
    assert guess_arm_mapping(trial_arms(history)) == {
        "Placebo": "Placebo",
        "Xanomeline High Dose": "Active",
        "Xanomeline Low Dose": "Active",
    }
    assert guess_arm_mapping(["Standard of care", "Drug X 10 mg", "Sham device"]) == {
        "Standard of care": "Control",
        "Drug X 10 mg": "Active",
        "Sham device": "Placebo",
    }


def test_an_ended_trial_is_scored_on_its_busiest_day_with_outcomes(pilot):
    _, history = pilot
    date, why = default_as_of(history)
    assert "most patients" in why
    busiest = patients_in_study(history, date)
    days = pd.date_range(history.subjects["enrolment_date"].min(), history.data_cutoff(), freq="7D")
    assert busiest >= max(patients_in_study(history, d) for d in days)
    cells = as_of_snapshot(history, date)
    assert len(cells) == busiest and set(cells["dropout"]) <= {"0.0", "1.0"}


def test_a_history_scores_exactly_as_the_same_patients_in_a_cohort_file(pilot, bundle):
    files, history = pilot
    date, _ = default_as_of(history)
    mapping = {"Placebo": "Placebo", "Xanomeline High Dose": "Active", "Xanomeline Low Dose": "Control"}
    assert needs_arm_mapping(bundle, history)
    scored = score_history(history, files, "pilot", date, bundle, FACTORY_BANDS, mapping)
    assert scored.result.n_read == scored.result.n_read == len(scored.scored) > 0
    cells = as_of_snapshot(history, date, mapping)
    as_file = score_upload(csv_bytes(cells), "pilot.csv", bundle, FACTORY_BANDS)
    np.testing.assert_allclose(scored.probability, as_file.probability)
    assert set(scored.scored["treatment_group"].astype(str)) <= {"Placebo", "Active", "Control"}
    assert scored.result.has_outcome
    other = score_history(history, files, "pilot", date, bundle, FACTORY_BANDS, {**mapping, "Placebo": "Active"})
    assert other.sha256 != scored.sha256  # a different mapping is a different scoring


def test_the_command_line_scores_a_history_folder_as_of_a_date(tmp_path, capsys):
    out = tmp_path / "as_of.csv"
    assert (
        main(
            [
                "--history",
                str(CDISC_PILOT_DIR),
                "--as-of",
                "2013-06-01",
                "-o",
                str(out),
                "--arms",
                "Placebo=Placebo,Xanomeline High Dose=Active,Xanomeline Low Dose=Active",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "scoring as of 2013-06-01 (the date given)" in printed
    written = pd.read_csv(out, encoding="utf-8-sig")
    history = read_history(history_files(CDISC_PILOT_DIR))
    assert len(written) == patients_in_study(history, pd.Timestamp("2013-06-01")) > 0


def test_the_command_line_asks_for_the_date_order_when_it_cannot_tell(tmp_path, capsys):
    folder = tmp_path / "trial"
    folder.mkdir()
    subjects = "patient_id,site,age,sex,arm,phase,enrolled,status,end date\nP1,S1,50,F,Drug,II,02/03/2024,ongoing,\n"
    (folder / "subjects.csv").write_text(subjects)
    (folder / "visits.csv").write_text("patient_id,visit date\nP1,04/05/2024\n")
    assert main(["--history", str(folder), "-o", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert (
        "day-first or month-first" in err and "--day-first" in err and "--month-first" in err and err.count("\n") == 1
    )
    assert main(["--history", str(folder), "--day-first", "-o", str(tmp_path / "o.csv")]) == 0
