"""python -m core.cli.score: the output's extension picks the format; the report and the CSV agree on the call list;
any other extension is refused plainly, before anything is read, never with a traceback."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from pypdf import PdfReader

from core.cli.score import main
from core.paths import DEMO_COHORT_PATH, ROOT
from tests.core.report.html_reading import scan

ARGS = ["--threshold", "0.35", "--capacity", "25"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("week")
    for suffix in ("csv", "html", "pdf"):
        assert main([str(DEMO_COHORT_PATH), *ARGS, "-o", str(folder / f"week.{suffix}")]) == 0
    return folder


def test_html_and_the_csv_agree_on_the_call_list(outputs):
    rows = list(csv.DictReader(io.StringIO((outputs / "week.csv").read_text(encoding="utf-8-sig"))))
    flagged = [row["Patient ID"] for row in rows if row["Flagged"] == "Yes"]
    page = scan((outputs / "week.html").read_text(encoding="utf-8"))
    header, *listed = page.tables["call-list"]
    assert [row[0] for row in listed] == flagged and len(flagged) == 25
    chances = [f"{float(row['Chance of dropping out']):.1%}" for row in rows if row["Flagged"] == "Yes"]
    assert [row[header.index("Chance of dropping out")] for row in listed] == chances


def test_the_pdf_holds_the_threshold_and_the_count(outputs):
    text = "\n".join(p.extract_text() for p in PdfReader(outputs / "week.pdf").pages)
    assert "0.35" in text and "25 patients flagged" in text


def test_a_labelled_real_trial_snapshot_shows_its_roc_auc(tmp_path, capsys):
    out = tmp_path / "cdisc.html"
    assert main(["--history", str(ROOT / "data" / "cdiscpilot01"), *ARGS, "-o", str(out)]) == 0
    document = out.read_text(encoding="utf-8")
    assert "Ranking quality, ROC AUC 0.5" in document and "ROC curve on your outcomes (AUC" in document
    assert "As of 27 April 2013" in document  # the day the history was scored as of, not today
    assert "wrote the week's report to" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["week.txt", "week", "week.json", "week.HTM"])
def test_another_extension_is_refused_plainly(name, tmp_path):
    out = tmp_path / name
    run = subprocess.run(
        [sys.executable, "-m", "core.cli.score", str(DEMO_COHORT_PATH), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 2
    assert "the output's extension picks the format, one of .csv, .xlsx, .html, .pdf" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the sidecar
