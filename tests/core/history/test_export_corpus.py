"""The export corpus (tests/corpus): every layout real systems write reads to the same trial as its plain tables.

Each layout is written at test time from the repository's copies of CTN-0030 and CDISC Pilot 01, then read
by the command line (every patient in the study on the date scored, once) and by the reader (the same
patients and the same landmark rows, labels included, as the trial's plain three tables).
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from core.history.as_of import as_of_snapshot, default_as_of
from core.history.landmarks import LANDMARK_COLUMN, landmark_snapshots
from core.history.reader import read_history
from core.history.trial_history import TrialHistory
from core.paths import ROOT
from core.reading.contract import ID_COLUMN, OUTCOME_COLUMN
from tests.corpus.exports_base import Export
from tests.corpus.history_exports import LAYOUTS, PLAIN

TRIALS = sorted(PLAIN)


def read(export: Export) -> TrialHistory:
    return read_history(export.files(), day_first=export.day_first, phase=export.phase)


@cache
def _reference(trial: str, folder: str) -> TrialHistory:
    return read(LAYOUTS[PLAIN[trial]](Path(folder) / PLAIN[trial]))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("plain"))
    return lambda trial: _reference(trial, folder)


def _landmark_rows(history: TrialHistory) -> pd.DataFrame:
    rows = landmark_snapshots(history)[[ID_COLUMN, LANDMARK_COLUMN, OUTCOME_COLUMN]]
    return rows.astype({ID_COLUMN: str}).sort_values([ID_COLUMN, LANDMARK_COLUMN], ignore_index=True)


def test_the_corpus_holds_at_least_twenty_layouts_of_both_trials():
    assert len(LAYOUTS) >= 20
    assert set(PLAIN.values()) <= set(LAYOUTS)


def test_every_layout_is_written_from_files_inside_the_repository(tmp_path):
    for name, layout in LAYOUTS.items():
        export = layout(tmp_path / name)
        assert export.path.is_relative_to(tmp_path) and export.files(), name


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_reads_to_the_same_patients_and_landmark_rows_as_the_plain_tables(name, tmp_path, reference):
    export = LAYOUTS[name](tmp_path / name)
    plain, history = reference(export.trial), read(export)
    assert sorted(history.subjects[ID_COLUMN]) == sorted(plain.subjects[ID_COLUMN])
    assert len(history.visits) == len(plain.visits)
    pd.testing.assert_frame_equal(_landmark_rows(history), _landmark_rows(plain))


def _score(export: Export, as_of: pd.Timestamp, folder: Path) -> tuple[subprocess.CompletedProcess, Path]:
    out = folder / f"{export.name}_scored.csv"
    command = [sys.executable, "-m", "core.cli.score", "--history", str(export.path), "--as-of", str(as_of.date())]
    problems = folder / f"{export.name}_problems.csv"
    result = subprocess.run(
        [*command, *export.cli_options(), "-o", str(out), "--problems", str(problems)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result, out


@pytest.fixture(scope="module")
def scored_by_cli(tmp_path_factory, reference):
    """Every layout scored by the command line as of its trial's default date, a process per CPU at a time."""
    folder = tmp_path_factory.mktemp("cli")
    exports = [layout(folder / name) for name, layout in LAYOUTS.items()]
    dates = {trial: default_as_of(reference(trial))[0] for trial in TRIALS}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        runs = pool.map(lambda e: _score(e, dates[e.trial], folder), exports)
        return {export.name: (export, dates[export.trial], *run) for export, run in zip(exports, runs, strict=True)}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_command_line_scores_every_patient_in_the_study_once(name, scored_by_cli, reference):
    export, as_of, result, out = scored_by_cli[name]
    expected = sorted(as_of_snapshot(reference(export.trial), as_of)[ID_COLUMN].astype(str))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    scored = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")["Patient ID"]
    assert sorted(scored) == expected  # every one, once
    assert scored.is_unique


@pytest.mark.parametrize("name", ["ctn_ctms", "cdisc_workbook"])
def test_a_layout_trains_a_model_from_the_command_line(name, tmp_path):
    export = LAYOUTS[name](tmp_path / name)
    out = tmp_path / "models"
    result = subprocess.run(
        [sys.executable, "-m", "core.cli.train", "--history", str(export.path), "--out", str(out)]
        + ["--folds", "2", "--repeats", "1", "--trial", name, *export.cli_options()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert any(out.rglob("*card*.json")) or any(out.rglob("*.json"))
