"""End to end: the threshold slider reruns only its fragment and updates the cost table."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import record_figure, wait_idle

pytestmark = pytest.mark.browser
STEPS = 5


def _full_runs(server_log) -> int:
    """Full runs of the Thresholds page so far, from the server's log (a fragment rerun logs nothing)."""
    return server_log.read_text().count("full run of page thresholds")


def test_slider_keyboard_step_updates_table_without_a_full_rerun(page, server_url, server_log):
    page.goto(f"{server_url}/thresholds")
    wait_idle(page)
    page.get_by_text("What this threshold costs and saves").wait_for()
    runs_before = _full_runs(server_log)
    assert runs_before >= 1  # the log does see full runs: the check below can fail
    slider = page.get_by_role("slider", name="Decision threshold")
    start_value = float(slider.input_value())
    table = page.get_by_test_id("stTable").first  # the cost table comes first
    assert f"Your threshold ({start_value:.2f})" in table.inner_text()
    before = table.inner_text()

    slider.focus()
    new_value = start_value
    for _ in range(STEPS):  # several steps: the first after loading can meet the browser still drawing
        new_value = round(new_value + 0.01, 2)
        started = time.perf_counter()
        page.keyboard.press("ArrowRight")
        table.get_by_text(f"Your threshold ({new_value:.2f})").wait_for()
        record_figure("threshold_step_ms", (time.perf_counter() - started) * 1000)
        wait_idle(page)

    assert float(slider.input_value()) == pytest.approx(start_value + 0.01 * STEPS)
    assert table.inner_text() != before
    assert _full_runs(server_log) == runs_before, "moving the slider reran the whole page, not just the fragment"
    assert page.get_by_test_id("stException").count() == 0
    assert f"threshold={start_value + 0.01 * STEPS:.2f}" in page.url  # the fragment's change is in the address
