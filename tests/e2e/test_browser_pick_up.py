"""End to end, pick up where you left off: the slider's move is in the address at once, a reload keeps it, and a
new browser (no address, no session) opens the last trial's latest week with its call list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import running_app, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pick_up_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("pick_up")
    with running_app(folder / "streamlit.log") as address:  # a database of its own, empty
        yield address


def test_the_threshold_survives_a_reload_and_a_new_browser_reopens_the_latest_week(browser, pick_up_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{pick_up_server}/cohort")
    wait_idle(page)
    page.get_by_role("button", name="Open the demo cohort").click()
    page.get_by_text("Checking demo_cohort.csv").wait_for()
    wait_idle(page)
    slider = page.get_by_role("slider", name="Decision threshold").first
    start = float(slider.input_value())
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    wait_idle(page)
    moved = f"{start + 0.05:.2f}"
    page.wait_for_function(f"() => window.location.search.includes('threshold={moved}')", timeout=30_000)
    assert "trial=Demo" in page.url

    page.reload()
    wait_idle(page)
    page.get_by_text("reopened from the store").first.wait_for()
    slider = page.get_by_role("slider", name="Decision threshold").first
    assert f"{float(slider.input_value()):.2f}" == moved
    context.close()

    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = fresh.new_page()
    other.set_default_timeout(60_000)
    other.goto(f"{pick_up_server}/cohort")
    wait_idle(other)
    other.get_by_text("for Demo cohort, reopened from the store").first.wait_for()
    assert other.get_by_text("No cohort loaded yet").count() == 0
    other.get_by_role("button", name="Download the call list (CSV)").wait_for()
    fresh.close()
