"""When the trial's own model overtakes a model learned elsewhere: the own model never trains on the patients it is
measured on, nor on anything recorded after its moment; both are measured on the same later patients; a version
that trained on this trial is refused by the command line; the time trainer scores every patient from day 1."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.history.endings import ANY_DISCONTINUATION as ANY
from core.history.export import to_csv_files
from core.history.simulated import HistoryPlan, simulate_history
from core.history.trial_history import TrialHistory
from core.model.registry import Registry
from core.paths import ROOT
from core.replay.overtaking import Moment, enrolment_dates, in_words, overtaking
from core.replay.scorers import time_trainer
from core.training.trial_versions import register_versions
from tests.core.training.conftest import copy_registry, small_run, small_trial

__all__ = ["small_run", "small_trial"]  # the training fixtures, used here

TRIAL = HistoryPlan(n_patients=1000, n_sites=6, planned_days=112)
ELSEWHERE = HistoryPlan(n_patients=500, n_sites=5, planned_days=140, id_prefix="OTH")


@pytest.fixture(scope="module")
def trial() -> TrialHistory:
    return simulate_history(TRIAL, seed=21)


@pytest.fixture(scope="module")
def elsewhere_model():
    other = simulate_history(ELSEWHERE, seed=22)
    return time_trainer(outcome=ANY)(other, other.data_cutoff())


def test_the_time_trainer_judges_every_patient_from_day_one(elsewhere_model) -> None:
    assert elsewhere_model is not None and elsewhere_model.horizons == (4, 8, 12)
    assert elsewhere_model.card["covers"]["days_in_trial"][0] == 1


def test_the_own_model_learns_only_from_patients_enrolled_before_each_moment(trial, elsewhere_model) -> None:
    seen: list[tuple[pd.Timestamp, TrialHistory]] = []
    train = time_trainer(outcome=ANY)

    def spying(cut: TrialHistory, day: pd.Timestamp):
        seen.append((day, cut))
        return train(cut, day)

    moments = overtaking(trial, elsewhere_model, FACTORY_BANDS, ANY, shares=(0.5, 0.75), trainer=spying, n_boot=20)
    assert [m.date for m in moments] == enrolment_dates(trial, (0.5, 0.75))
    assert len(seen) == 2
    for (day, cut), moment in zip(seen, moments, strict=True):
        assert day == moment.date - pd.Timedelta(days=1)
        assert (cut.subjects["enrolment_date"] < moment.date).all()  # nobody measured is in its training
        assert (cut.visits["visit_date"] <= day).all()  # nothing recorded after the moment
        assert moment.counts["trained_patients"] + moment.counts["tested_patients"] == len(trial.subjects)
        assert not moment.refused
        for figure in (moment.own, moment.reference, moment.difference):
            assert figure is not None and figure["ci95"][0] <= figure["value"] <= figure["ci95"][1]
        assert np.isclose(moment.difference["value"], moment.own["value"] - moment.reference["value"], atol=0.02)
    assert in_words(moments, "the other model")[-1].startswith("The trial's own model")


def test_overtaken_needs_the_whole_interval_above_zero() -> None:
    day = pd.Timestamp("2024-01-01")
    counts = {"trained_patients": 200, "trained_dropouts": 30, "tested_patients": 200, "tested_dropouts": 30}
    above = Moment(0.5, day, counts, difference={"value": 0.05, "ci95": [0.01, 0.09]})
    straddles = Moment(0.5, day, counts, difference={"value": 0.05, "ci95": [-0.01, 0.09]})
    assert above.overtaken and not straddles.overtaken and not Moment(0.5, day, {}, refused="too few").overtaken
    assert "overtook the other once 50%" in in_words([straddles, above], "the other")[-1]


def _overtake(*args: str, models) -> subprocess.CompletedProcess:
    env = {**os.environ, "RRADAR_MODELS_DIR": str(models)}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.overtake", *args], cwd=ROOT, capture_output=True, text=True, env=env
    )


def test_the_command_refuses_a_version_that_trained_on_this_trial_in_one_line(tmp_path, small_trial, small_run):
    folder = tmp_path / "trial"
    folder.mkdir()
    for name, data in to_csv_files(small_trial).items():
        (folder / name).write_bytes(data)
    registry = Registry(copy_registry(tmp_path / "models"))
    own = register_versions(small_run, registry)["logistic_regression"]
    done = _overtake("--history", str(folder), "--against", own, models=registry.root)
    assert done.returncode == 1 and done.stderr.startswith("not compared:") and "trained on" in done.stderr
    unknown = _overtake("--history", str(folder), "--against", "no-such-version", models=registry.root)
    for run in (done, unknown):
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert unknown.returncode == 2 and unknown.stderr.startswith("error:")
