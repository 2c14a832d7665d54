"""Every page as a coordinator meets it, in Chromium at 1280 x 800 and 1920 x 1080: empty, with the demo, with the
real trial, under a trained model and signed in as a coordinator. No error; key tables fit without scrolling
sideways; the Overview names every page; the Cohort page's first screen shows how many to call, at what cost, and
who first. Screenshots go to /tmp (never the repository) for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from core.model.registry import Registry
from core.store import Store
from core.training.candidates import LIGHTGBM
from core.training.trial_versions import register_versions
from core.trust.accounts import Accounts
from tests.core.training.conftest import copy_registry, small_run, small_trial
from tests.e2e.conftest import running_app, wait_idle

pytestmark = pytest.mark.browser
__all__ = ["small_run", "small_trial"]

SIZES = [(1280, 800), (1920, 1080)]
HEADINGS = {
    "overview": "Trial Retention Radar",
    "cohort": "Cohort",
    "patient": "Assess one patient",
    "thresholds": None,  # its title names the costs; the page's own test reads it
    "model": "How good is the model?",
    "train": "Train a model on your trial",
    "activity": "Activity",
}
SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/retention_radar_pages"))
COORDINATOR = ("cleo", "cleo's long secret")
# A table with one of these headers must show every column without scrolling sideways: the patient tables, the
# model versions, the contacts per week and per site.
KEY_HEADERS = ("Chance of dropping out", "Measured on", "Reached (%)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("every_page") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def trained_server(small_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("every_page_trained")
    registry = Registry(copy_registry(folder / "models"))
    registry.promote(register_versions(small_run, registry)[LIGHTGBM], "test")
    with running_app(folder / "streamlit.log", RRADAR_MODELS_DIR=str(registry.root)) as url:
        yield url


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every_page_team")
    url = f"sqlite:///{folder / 'radar.sqlite3'}"
    with Store.open(url) as store:
        accounts = Accounts(store.users, iterations=1_000)
        accounts.add("Ana Lopez", "manager", "ana's long secret")  # a team has a manager before anyone else
        accounts.add(COORDINATOR[0], "coordinator", COORDINATOR[1])
    with running_app(folder / "streamlit.log", RRADAR_DATABASE_URL=url) as address:
        yield address


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def tab(request, browser):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def _open(tab, url: str, path: str) -> None:
    tab.goto(f"{url}/" if path == "overview" else f"{url}/{path}")  # the default page's address is the root
    wait_idle(tab)
    if HEADINGS.get(path):
        tab.get_by_role("heading", name=HEADINGS[path]).first.wait_for()


def _go(tab, title: str) -> None:
    """Through the sidebar, as a person does (the session and its cohort stay)."""
    tab.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_idle(tab)


def _shot(tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = tab.viewport_size
    tab.wait_for_timeout(400)  # a table's canvas draws just after the run ends
    tab.screenshot(path=str(SHOTS / f"{name}_{size['width']}x{size['height']}.png"))


def _sound(tab, name: str) -> None:
    """No error on the page, every key table fits its width, and a screenshot for a person to look at."""
    assert tab.get_by_test_id("stException").count() == 0, name
    cut = tab.evaluate(
        """keys => [...document.querySelectorAll('[data-testid=stDataFrame]')].flatMap(table => {
            const headers = [...table.querySelectorAll('[role=columnheader]')].map(h => h.textContent.trim());
            const scroller = table.querySelector('.dvn-scroller');
            const key = keys.some(k => headers.includes(k));
            return key && scroller && scroller.scrollWidth > scroller.clientWidth + 1
                ? [`${headers.join(' | ')}: ${scroller.scrollWidth} > ${scroller.clientWidth}`] : [];
        })""",
        list(KEY_HEADERS),
    )
    assert not cut, f"{name}: a key table is cut: {cut}"
    _shot(tab, name)


def _top(tab, locator) -> float:
    locator.first.scroll_into_view_if_needed()
    tab.get_by_test_id("stMain").evaluate("main => main.scrollTo(0, 0)")
    return locator.first.evaluate("e => e.getBoundingClientRect().top")


def test_every_page_opens_empty(tab, server):
    for path in HEADINGS:
        _open(tab, server, path)
        _sound(tab, f"empty_{path}")
    _open(tab, server, "overview")
    tab.get_by_test_id("stPageLink").nth(len(HEADINGS) - 2).wait_for()  # every page's link drawn, not the first few
    hrefs = tab.get_by_test_id("stPageLink").evaluate_all("links => links.map(l => l.querySelector('a').href)")
    links = [href.split("?")[0] for href in hrefs]  # a link may carry the settings in force
    sidebar = tab.get_by_test_id("stSidebarNav").get_by_role("link").count()
    assert sidebar == len(HEADINGS) + 1  # and Users: a new page joins HEADINGS, so the Overview must name it too
    for path in HEADINGS:
        if path != "overview":
            assert any(link.endswith(f"/{path}") for link in links), f"Overview does not name the {path} page"
    assert any(link.endswith("/train") for link in links)


def test_the_patient_page_has_one_form_and_tries_changes_beside_the_assessment(tab, server):
    _open(tab, server, "patient")
    assert tab.get_by_test_id("stForm").count() == 1
    tab.get_by_role("button", name="Assess risk").click()
    wait_idle(tab)
    tab.get_by_test_id("stForm").get_by_role("spinbutton", name="Adverse events").fill("5")
    tab.get_by_role("button", name="Try these changes").click()
    wait_idle(tab)
    tab.get_by_test_id("stMetric").filter(has_text="With your changes").wait_for()
    assert tab.get_by_test_id("stForm").count() == 1
    assert tab.get_by_test_id("stMetric").filter(has_text="As assessed").count() == 1
    assert tab.get_by_test_id("stMain").get_by_test_id("stNumberInput").count() == 5  # one copy (not the sidebar's)
    _sound(tab, "patient_whatif")


def _first_screen(tab, height: int) -> None:
    """The flagged count, capacity and costs, then who to call first, above the fold and before the full table."""
    flagged = tab.get_by_test_id("stMetric").filter(has_text="Flagged")
    flagged.first.wait_for()
    full_table = tab.locator(".st-key-patient_table")
    full_table.wait_for()
    table_top = _top(tab, full_table)
    for label in ("Flagged", "Capacity used", "Cost with the program", "Cost with no program"):
        assert _top(tab, tab.get_by_test_id("stMetric").filter(has_text=label)) < min(height, table_top), label
    call_first = tab.get_by_test_id("stDataFrame").first
    tab.get_by_test_id("stMain").evaluate("main => main.scrollTo(0, 0)")
    box = call_first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height + 1, "the first calls are below the fold"
    assert call_first.evaluate(
        "d => { const s = d.querySelector('.dvn-scroller'); return s.scrollWidth <= s.clientWidth + 1; }"
    )
    headers = call_first.locator("[role=columnheader]").all_text_contents()
    assert {"Patient", "Chance of dropping out", "Contact", "Reason 1"} <= set(headers)


def test_the_demo_on_every_page(tab, server):
    _open(tab, server, "cohort")
    tab.get_by_role("button", name="Open the demo cohort").click()
    wait_idle(tab)
    _first_screen(tab, tab.viewport_size["height"])
    _sound(tab, "demo_cohort")
    for title in ("Overview", "Patient", "Thresholds & costs", "Model", "Train", "Activity"):
        _go(tab, title)
        _sound(tab, f"demo_{title.split()[0].lower()}")
    assert tab.get_by_text(re.compile("^Last activity: ")).count() == 1  # not a metric cut to "2026-12-…"


def test_the_real_trial_points_to_the_train_page(tab, server):
    _open(tab, server, "cohort")
    tab.get_by_role("button", name="Open a real trial").click()
    wait_idle(tab)
    tab.get_by_role("link", name="Train a model on this trial").wait_for()
    _first_screen(tab, 10_000)  # the trial's reading report may come first on a small screen: order only
    _sound(tab, "real_cohort")
    _go(tab, "Model")
    assert tab.get_by_text("Load a cohort on the Cohort page").count() == 0  # one is loaded
    _sound(tab, "real_model")


def test_a_trained_model_in_use(tab, trained_server):
    _open(tab, trained_server, "cohort")
    tab.get_by_role("button", name="Open the demo cohort").click()
    wait_idle(tab)
    _first_screen(tab, 10_000)
    _sound(tab, "trained_cohort")
    for title in ("Model", "Train", "Patient"):
        _go(tab, title)
        _sound(tab, f"trained_{title.lower()}")
    _go(tab, "Train")
    headers = tab.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid=stDataFrame]')]
            .map(t => [...t.querySelectorAll('[role=columnheader]')].map(h => h.textContent.trim()))
            .find(h => h.includes('Measured on'))"""
    ).json_value()
    assert headers[:3] == ["In use", "ROC AUC", "Measured on"]  # the figure and its origin side by side
    assert tab.get_by_text("Stop training").count() == 0
    assert tab.get_by_text(re.compile(r"time\(s\)|\)\)")).count() == 0


def test_a_coordinator_signed_in(tab, team_server):
    tab.goto(f"{team_server}/")
    wait_idle(tab)
    tab.get_by_role("textbox", name="Name").fill(COORDINATOR[0])
    tab.get_by_role("textbox", name="Password", exact=True).fill(COORDINATOR[1])
    tab.get_by_role("button", name="Sign in").click()
    wait_idle(tab)
    tab.get_by_role("heading", name="Trial Retention Radar").wait_for()
    _sound(tab, "coordinator_overview")
    for title in ("Cohort", "Patient", "Thresholds & costs", "Model", "Train", "Activity"):
        _go(tab, title)
        _sound(tab, f"coordinator_{title.split()[0].lower()}")
