"""No traceback, ever: every command-line entry point that reads files, over a corpus of broken histories and
cohort files, ends with a plain one-line message and exit 1 (refused) or 2 (input that cannot be used)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from core.cli import score, train

SUBJECTS = {
    "patient_id": ["P1", "P2", "P3"],
    "age": ["50", "61", "47"],
    "sex": ["F", "M", "M"],
    "arm": ["Drug", "Placebo", "Drug"],
    "enrolment_date": ["2024-01-01", "2024-01-02", "2024-01-03"],
    "status": ["ongoing", "withdrawn", "ongoing"],
    "end_date": ["", "2024-02-01", ""],
}
VISITS = {"patient_id": ["P1", "P2", "P3"], "visit_date": ["2024-01-08", "2024-01-09", "2024-01-10"]}
REQUIRED = {"subjects": ("patient_id", "age", "sex", "arm", "enrolment_date"), "visits": ("patient_id", "visit_date")}


def _csv(columns: dict[str, list[str]]) -> bytes:
    return pd.DataFrame(columns).to_csv(index=False).encode()


def _workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def _without(table: dict[str, list[str]], column: str) -> dict[str, list[str]]:
    return {name: values for name, values in table.items() if name != column}


def _broken() -> dict[str, dict[str, bytes]]:
    """Name -> the files of a history that cannot be used as it is (refused or bad input, never a crash)."""
    header_only = {name: [] for name in SUBJECTS}
    corpus: dict[str, dict[str, bytes]] = {
        "empty files": {"subjects.csv": b"", "visits.csv": b""},
        "header-only tables": {
            "subjects.csv": _csv(header_only),
            "visits.csv": _csv({"patient_id": [], "visit_date": []}),
        },
        "header-only sheets": {
            "trial.xlsx": _workbook(
                {
                    "Subjects": pd.DataFrame(columns=list(SUBJECTS)),
                    "Visits": pd.DataFrame(columns=["patient_id", "visit_date"]),
                    "AE": pd.DataFrame(columns=["patient_id", "onset_date"]),
                }
            )
        },
        "binary": {"subjects.csv": bytes(range(256)) * 8, "visits.csv": b"\x00\x01\x02\xff" * 100},
        "broken workbook": {"trial.xlsx": b"PK\x03\x04" + b"\x00" * 200},
        "broken transport file": {"dm.xpt": b"HEADER RECORD*******LIBRARY" + b"\x00" * 100},
        "wrong tables": {"prices.csv": b"item,price\napple,1\n", "weather.csv": b"day,rain\nmon,2\n"},
        "one table only": {"subjects.csv": _csv(SUBJECTS)},
        "every row refused": {
            "subjects.csv": _csv({**SUBJECTS, "age": ["abc", "abc", "abc"]}),
            "visits.csv": _csv(VISITS),
        },
        "all screen failures": {
            "subjects.csv": _csv({**SUBJECTS, "status": ["screen failure"] * 3, "end_date": [""] * 3}),
            "visits.csv": _csv(VISITS),
        },
    }
    for table, columns in REQUIRED.items():
        for column in columns:
            subjects = _without(SUBJECTS, column) if table == "subjects" else SUBJECTS
            visits = _without(VISITS, column) if table == "visits" else VISITS
            corpus[f"{table} without {column}"] = {"subjects.csv": _csv(subjects), "visits.csv": _csv(visits)}
    return corpus


# Readable, but odd: partial is normal, so these may be used (exit 0) as well as refused; never a crash.
ODD = {
    "dates in the future": {
        "subjects.csv": _csv({**SUBJECTS, "enrolment_date": ["2099-01-01"] * 3, "end_date": ["", "2099-02-01", ""]}),
        "visits.csv": _csv({**VISITS, "visit_date": ["2099-01-08"] * 3}),
    },
    "visits before enrolment": {
        "subjects.csv": _csv(SUBJECTS),
        "visits.csv": _csv({**VISITS, "visit_date": ["2023-01-01"] * 3}),
    },
}
BROKEN = _broken()


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def _plain(err: str) -> bool:
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("note:")]
    plain = "Traceback" not in err and "unexpectedly" not in err  # a crash caught is still a crash
    return plain and len(lines) == 1 and lines[0].startswith(("error:", "not scored:", "not trained:"))


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_score_history_never_shows_a_traceback(name, tmp_path, capsys):
    folder = _folder(tmp_path / "history", BROKEN[name])
    code = score.main(["--history", str(folder), "-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code in (1, 2) and _plain(err), (name, code, err)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_train_history_never_shows_a_traceback(name, tmp_path, capsys):
    folder = _folder(tmp_path / "history", BROKEN[name])
    code = train.main(["--history", str(folder), "--out", str(tmp_path / "models")])
    err = capsys.readouterr().err
    assert code in (1, 2) and _plain(err), (name, code, err)


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_histories_are_used_or_refused_in_words(name, tmp_path, capsys):
    folder = _folder(tmp_path / "history", ODD[name])
    code = score.main(["--history", str(folder), "-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code == 0 or (code in (1, 2) and _plain(err)), (name, code, err)
    code = train.main(["--history", str(folder), "--out", str(tmp_path / "models")])
    err = capsys.readouterr().err
    assert code in (1, 2) and _plain(err), (name, code, err)  # three patients are too few to train on


@pytest.mark.parametrize(
    "data",
    [b"", b"patient_id,age\n", bytes(range(256)) * 8, b"PK\x03\x04" + b"\x00" * 200, b"a,b\n1,2\n"],
    ids=["empty", "header only", "binary", "broken workbook", "wrong table"],
)
def test_score_a_cohort_file_never_shows_a_traceback(data, tmp_path, capsys):
    cohort = tmp_path / "cohort.csv"
    cohort.write_bytes(data)
    code = score.main([str(cohort), "-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code in (1, 2) and _plain(err), (code, err)


def test_every_row_refused_says_the_reason_and_count_not_no_patients(tmp_path, capsys):
    folder = _folder(tmp_path / "history", BROKEN["every row refused"])
    problems = tmp_path / "set_aside.csv"
    assert score.main(["--history", str(folder), "-o", str(tmp_path / "o.csv"), "--problems", str(problems)]) == 1
    captured = capsys.readouterr()
    assert "None of the 3 patients" in captured.err and "3 × age must be a whole number" in captured.err
    assert "no patients" not in captured.err
    written = pd.read_csv(problems, encoding="utf-8-sig", dtype=str)
    assert written[["table", "row", "column", "value"]].values.tolist()[0] == ["subjects", "2", "age", "abc"]
