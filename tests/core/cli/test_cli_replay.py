"""python -m core.cli.replay: the JSON and HTML it writes, and plain one-line errors, never a traceback."""

from __future__ import annotations

import json

import pytest

from core.cli import replay
from core.history.export import to_csv_files
from core.history.simulated import HistoryPlan, simulate_history
from tests.core.cli.test_no_traceback import BROKEN, ODD, _folder

KEYS = ("dropouts", "reached_before_leaving", "median_weeks_of_warning", "calls")


def _plain(err: str) -> bool:
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("note:")]
    plain = "Traceback" not in err and "unexpectedly" not in err
    return plain and len(lines) == 1 and lines[0].startswith(("error:", "not replayed:"))


@pytest.fixture(scope="module")
def trial(tmp_path_factory):
    history = simulate_history(HistoryPlan(400, n_sites=5, planned_days=112, enrolment_days=150), seed=11)
    return _folder(tmp_path_factory.mktemp("trial") / "sim", to_csv_files(history))


def test_the_replay_writes_the_figures_beside_each_rule_per_site_and_a_curve(trial, tmp_path, capsys):
    out = tmp_path / "replay.json"
    code = replay.main(
        ["--history", str(trial), "--capacity", "10%", "--retrain-weeks", "8", "--draws", "2", "-o", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    result = json.loads(out.read_text())
    assert all(key in result for key in (*KEYS, "baselines", "by_site", "capacity_curve"))
    assert set(result["baselines"]) == {"no_visit_14_days", "missed_last_visit", "random"}
    for rule in result["baselines"].values():
        assert all(key in rule for key in KEYS) and rule["calls"] <= result["calls"]
    assert sum(site["dropouts"] for site in result["by_site"].values()) == result["dropouts"]
    assert 0 <= result["reached_before_leaving"] <= result["dropouts"] and result["calls"] > 0
    assert "would have reached" in capsys.readouterr().out


def test_the_html_summary_is_self_contained(trial, tmp_path):
    out = tmp_path / "replay.html"
    assert (
        replay.main(
            ["--history", str(trial), "--capacity", "5", "--retrain-weeks", "8", "--draws", "2", "-o", str(out)]
        )
        == 0
    )
    page = out.read_text()
    assert "<svg" in page and "Random calls" in page and "<script" not in page and "http" not in page


@pytest.mark.parametrize("name", sorted(BROKEN) + sorted(ODD))
def test_a_history_that_cannot_be_replayed_never_shows_a_traceback(name, tmp_path, capsys):
    folder = _folder(tmp_path / "history", {**BROKEN, **ODD}[name])
    code = replay.main(["--history", str(folder), "--draws", "1", "-o", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert code == 0 or (code in (1, 2) and _plain(err)), (name, code, err)


@pytest.mark.parametrize(
    "arguments",
    [["--capacity", "lots"], ["--capacity", "150%"], ["--threshold", "2"], ["--start", "31/12/2024"], ["--draws", "0"]],
)
def test_bad_options_are_refused_in_words(arguments, trial, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        replay.main(["--history", str(trial), *arguments, "-o", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "Traceback" not in err and "error:" in err


def test_a_missing_history_is_one_line(tmp_path, capsys):
    assert replay.main(["--history", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out.json")]) == 2
    assert _plain(capsys.readouterr().err)
