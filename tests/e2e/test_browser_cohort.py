"""End to end: upload a CSV, read the counts, download the flagged list and check it against core.cli.score."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pandas as pd
import pytest

from core.decisions.bands import FACTORY_BANDS
from core.decisions.policy import Policy
from core.paths import DEMO_COHORT_PATH
from core.reading.contract import CONTRACT
from core.reading.validation import load_cohort
from core.scoring.scores import score_frame
from tests.e2e.conftest import running_app, upload_patient_list, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose database is empty: the page opens with no reopened week, as on a first visit."""
    with running_app(tmp_path_factory.mktemp("cohort") / "streamlit.log") as address:
        yield address


def _messy_upload(tmp_path) -> tuple[str, bytes]:
    """120 demo patients with friendly headers, an extra column, two bad rows, saved Excel-style."""
    frame = pd.read_csv(DEMO_COHORT_PATH, dtype=str, keep_default_na=False).head(120)
    frame["note"] = ['=HYPERLINK("x")' if i == 0 else f"note {i}" for i in range(len(frame))]
    frame.loc[5, "age"] = "abc"
    frame.loc[9, "last_visit_day"] = "9999"
    frame = frame.rename(columns={"patient_id": "Patient ID", "gender": "Sex", "treatment_group": "Arm"})
    data = ("\ufeff" + frame.to_csv(index=False, sep=";", lineterminator="\r\n")).encode("utf-8")
    path = tmp_path / "week48.csv"
    path.write_bytes(data)
    return str(path), data


def test_upload_counts_and_flagged_export_match_core_score(page, fresh_server, bundle, tmp_path):
    server_url = fresh_server
    path, data = _messy_upload(tmp_path)
    page.goto(f"{server_url}/cohort")
    wait_idle(page)
    upload_patient_list(page, path)
    page.get_by_text("Checking week48.csv").wait_for(timeout=60_000)
    wait_idle(page)
    for label in ("Rows read", "Patients scored", "Rows that need attention"):  # drawn by the same run, in order
        page.get_by_test_id("stMetric").filter(has_text=label).wait_for(timeout=60_000)
    wait_idle(page)

    metrics = {
        m.get_by_test_id("stMetricLabel").inner_text().strip(): m.get_by_test_id("stMetricValue").inner_text()
        for m in page.get_by_test_id("stMetric").all()
    }
    assert (metrics["Rows read"], metrics["Patients scored"], metrics["Rows that need attention"]) == (
        "120",
        "118",
        "2",
    )
    assert page.get_by_text("120 rows read = 118 scored + 2 with problems").count() == 1

    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download the call list (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("flagged_patients_") and "threshold-" in download.suggested_filename
    exported = pd.read_csv(
        io.BytesIO(open(download.path(), "rb").read()), encoding="utf-8-sig", dtype={"Patient ID": str}
    )

    result = load_cohort(data, "week48.csv", CONTRACT)
    scored = score_frame(result.valid, bundle, FACTORY_BANDS)
    flagged = scored[Policy.at(bundle.default_threshold).flagged(scored["probability"].to_numpy())]
    expected = flagged.sort_values("probability", ascending=False, kind="stable")
    assert exported.columns[0] == "Patient ID"  # the first line is the header
    assert exported["Patient ID"].tolist() == expected["patient_id"].tolist()
    assert exported["Chance of dropping out"].tolist() == expected["probability"].round(4).tolist()
    assert exported["Risk band"].tolist() == expected["risk_band"].tolist()
    assert "note" in exported.columns
    assert not exported["note"].astype(str).str.startswith("=").any()
    assert page.get_by_test_id("stException").count() == 0
