"""python -m core.cli.score writes what the app exports: same table, same flags, formula-safe, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest

from core.cli.score import main
from core.decisions.bands import FACTORY_BANDS
from core.decisions.costs import FACTORY_COSTS
from core.decisions.policy import TIERED, Policy
from core.outreach.call_list import call_list
from core.paths import ROOT
from core.scoring.cohort import score_upload
from tests.conftest import csv_bytes
from tests.core.conftest import _messy_frame

FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(A1:A2)", "+1+1", "-2+3", "\tTAB", "=1+1"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Demo patients with formula-like notes, a formula header, and bad rows."""
    frame = _messy_frame()
    frame["Notes"] = [FORMULAS[i % len(FORMULAS)] for i in range(len(frame))]
    frame = frame.rename(columns={"Next call": "=cmd|' /C calc'!A0"})
    path = tmp_path_factory.mktemp("cli") / "week48.csv"
    path.write_bytes(csv_bytes(frame))
    return path


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_the_scored_file_is_the_apps_call_list_for_every_patient(hostile, tmp_path, bundle, capsys):
    out = tmp_path / "scored.csv"
    assert main([str(hostile), "-o", str(out), "--threshold", "0.2", "--capacity", "40"]) == 0
    written = _read(out)
    cohort = score_upload(hostile.read_bytes(), hostile.name, bundle, FACTORY_BANDS)
    policy = Policy(0.2, 40, FACTORY_COSTS, FACTORY_BANDS)
    flagged = Policy.at(0.2, 40).flagged(cohort.curves)
    app = call_list(cohort, np.ones(len(flagged), dtype=bool), flagged, policy, bundle)
    assert written.columns.tolist()[: len(app.columns) - 2] == app.columns.tolist()[: len(app.columns) - 2]
    assert written["Patient ID"].tolist() == app["Patient ID"].tolist()
    assert written["Flagged"].tolist() == app["Flagged"].tolist()
    assert (written["Flagged"] == "Yes").sum() == 40
    assert written["Chance of dropping out"].astype(float).tolist() == app["Chance of dropping out"].tolist()
    assert "read 303 rows: scored 300, 3 with problems" in capsys.readouterr().out


def test_cells_and_headers_that_could_run_as_formulas_are_defused(hostile, tmp_path):
    out = tmp_path / "scored.csv"
    assert main([str(hostile), "-o", str(out)]) == 0
    raw = out.read_text(encoding="utf-8-sig")
    written = _read(out)
    assert not any(c.startswith(("=", "+", "-", "@", "\t")) for c in written.columns)
    assert "'=cmd|' /C calc'!A0" in written.columns
    notes = written["Notes"]
    assert not notes.str.startswith(("=", "+", "-", "@", "\t")).any()
    assert set(notes.str.lstrip("'")) <= set(FORMULAS)
    assert "\n=" not in raw and ",=" not in raw


def test_flagged_only_writes_the_call_list_and_the_problems_go_to_their_own_file(hostile, tmp_path):
    out = tmp_path / "calls.csv"
    assert main([str(hostile), "-o", str(out), "--threshold", "0.3", "--flagged-only", "--plan", TIERED]) == 0
    written = _read(out)
    assert (written["Flagged"] == "Yes").all() and len(written) > 0
    bands = {b.name: b for b in FACTORY_BANDS}
    assert written["Contact"].tolist() == [bands[b].action for b in written["Risk band"]]
    problems = _read(tmp_path / "calls_problems.csv")
    assert sorted(problems["patient_id"]) == ["BAD-AGE", "BAD-GENDER", "BAD-VISIT"]
    about = json.loads((tmp_path / "calls_about.json").read_text())
    assert about["Decision threshold"] == "0.30" and "band" in about["Outreach plan"]


def test_an_unusable_file_is_one_line_on_stderr(tmp_path, capsys):
    cohort = tmp_path / "empty.csv"
    cohort.write_text("")
    assert main([str(cohort), "-o", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "empty" in err and err.count("\n") == 1 and not (tmp_path / "x.csv").exists()


def test_a_tampered_model_is_one_line_on_stderr_never_a_traceback(hostile, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "logs", "__pycache__", "tests"))
    with open(copy / "models" / "bundled" / "model.joblib", "ab") as handle:
        handle.write(b"\0")
    result = subprocess.run(
        [sys.executable, "-m", "core.cli.score", str(hostile), "-o", str(tmp_path / "o.csv")],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "has been altered since it was registered" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args,fragment", [(["--threshold", "1.5"], "--threshold"), (["--capacity", "-1"], "--capacity")]
)
def test_bad_options_are_refused_with_their_name(hostile, tmp_path, args, fragment, capsys):
    with pytest.raises(SystemExit):
        main([str(hostile), "-o", str(tmp_path / "o.csv"), *args])
    assert fragment in capsys.readouterr().err


def test_the_written_file_opens_as_is_its_first_line_is_the_header(hostile, tmp_path):
    out = tmp_path / "scored.csv"
    main([str(hostile), "-o", str(out)])
    first = next(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert first[:3] == ["Patient ID", "Site", "Chance of dropping out"]
    assert len(pd.read_csv(io.StringIO(out.read_text(encoding="utf-8-sig")))) == 300


def test_the_excel_output_is_the_apps_workbook_read_back(hostile, tmp_path, bundle):
    out = tmp_path / "calls.xlsx"
    assert main([str(hostile), "-o", str(out), "--threshold", "0.3", "--flagged-only"]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Flagged patients", "About this export"]
    sheet = book["Flagged patients"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Patient ID", "Site", "Chance of dropping out"] and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    chance = sheet.cell(row=2, column=3)
    assert isinstance(chance.value, float) and chance.number_format == "0.0%"
    assert not any(str(c.value).startswith(("=", "+", "@")) for row in sheet.iter_rows() for c in row if c.value)
    cohort = score_upload(hostile.read_bytes(), hostile.name, bundle, FACTORY_BANDS)
    flagged = Policy.at(0.3, None).flagged(cohort.curves)
    expected = call_list(cohort, flagged, flagged, Policy(0.3, None, FACTORY_COSTS, FACTORY_BANDS), bundle)
    written = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert written == expected["Patient ID"].tolist()
    about = {r[0].value: r[1].value for r in book["About this export"].iter_rows(min_row=2)}
    assert about["Decision threshold"] == "0.30" and about["Patients from"] == "week48.csv"
