"""The app in a real browser: `streamlit run app/main.py` driven by Debian's Chromium through Playwright.

Inputs: ``bench._common.cohort(n, labelled=True)`` as CSV bytes (``csv_bytes``), written to a
temporary folder before the server starts: two different 100,000-patient files and one of
1,000,000. Then, and again before e., it waits (at most 2 minutes each) for the 1-minute load
average to fall below 1. The server runs headless on 127.0.0.1 and a free port, as in tests/e2e/conftest.py; it
is always stopped at the end, error or not. Every wait has a timeout.

Measured in one browser session, in this order:

a. Cohort page (``/cohort``): from setting a 100k CSV on the uploader until the script run that
   scores it has finished with the patient table on the page. Target < 5 s. Done twice: "cold" is
   the session's first upload (the page has drawn no table or chart yet, so the browser also loads
   its table and plotly code and the server imports what the page needs on first use); "warm"
   replaces it with the second 100k file.
b. The same page: one filter change ("Flagged only" on and off, twice; "Risk band" = High once)
   until the app is idle again. Target < 1 s (median of the five).
c. Thresholds page, reached through the sidebar link (so the session keeps the cohort and the
   source radio defaults to it; the first visit, which builds the page's curves and metrics for
   the cohort, is timed too, with no target): one ArrowRight on the focused "Decision threshold" slider until the
   cost table (``stTable``) names the new threshold, as Playwright sees it (as
   tests/e2e/test_browser_thresholds.py measures it); seven steps, median. Target < 300 ms. Shown
   too, in the page's clock: when the new threshold is in the table's DOM and the next frame after
   that (about when it is painted), and when the fragment's run is over.
d. Patient page (sidebar link): after a warm-up assessment, change three fields and click "Assess
   risk" until the "Chance of dropping out" metric shows the new value (as
   tests/e2e/test_browser_pages.py measures it); five submissions, median. Target < 300 ms.

Then, with a fresh server and browser session:

e. the 1M CSV uploaded on the Cohort page and waited for (up to 10 minutes) as in a.; the server
   process's peak resident memory (VmHWM in /proc/<pid>/status) after it. Target < 2 GB; the
   upload's time is shown too.

"Idle" is timed in the page's own clock: a MutationObserver on ``stApp``'s
``data-test-script-state`` notes when a run starts and when it returns to ``notRunning`` (the state
must then stay idle for 400 ms, which is not counted). The slider and patient figures are
wall-clock ``time.perf_counter`` around the Playwright calls, as the browser tests take them. The
"browser busy" column is the time the page's main thread spent in long tasks (Long Tasks API)
during the run: rendering in the browser, as opposed to work on the server.

``--tiny``: files of 2,000 and 5,000 rows, 2 slider steps and 2 submissions, no waiting for the load
average; targets not judged.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._browser import (  # noqa: E402
    NAV_TIMEOUT_MS,
    RunTimer,
    TextWatch,
    in_new_context,
    launch_chromium,
    proc_status_mb,
    remove_files,
    settle,
    sidebar_link,
    streamlit_server,
    wait_idle,
)
from bench._common import cohort, csv_bytes, machine_note, parse_args, print_table, tiny_note, verdict  # noqa: E402
from core.reading.contract import CONTRACT  # noqa: E402
from tests.e2e.conftest import FIGURES_PATH  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SEED = 20261127
PATIENT_TABLE = "[data-testid='stDataFrame']"
LARGE_TIMEOUT_MS = 600_000
TARGETS_MS = {"a_cold": 5000, "a_warm": 5000, "b": 1000, "c": 300, "d": 300}
MEMORY_TARGET_MB = 2048
# Field changes for the patient form: (age, adverse events, study day of the last visit).
PATIENT_CHANGES = [(71, 4, 35), (45, 0, 84), (62, 3, 20), (33, 1, 70), (80, 5, 10), (50, 2, 60), (28, 6, 45)]


@dataclass(frozen=True)
class Sizes:
    """Rows of the two small files and the large one; slider steps (c); patient submissions (d)."""

    small: int = 100_000
    large: int = 1_000_000
    threshold_steps: int = 7
    patient_submissions: int = 5


TINY = Sizes(2_000, 5_000, 2, 2)


@dataclass
class Figures:
    """Milliseconds per measurement (lists, with the browser's busy time beside them), memory, notes."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    busy: dict[str, list[float]] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: float, timer: RunTimer | None = None) -> None:
        self.ms.setdefault(name, []).append(value)
        if timer is not None:
            self.busy.setdefault(name, []).append(timer.busy_ms)


def write_csv(folder: Path, rows: int, seed: int) -> Path:
    path = folder / f"cohort_{rows}_{seed}.csv"
    path.write_bytes(csv_bytes(cohort(rows, seed=seed, labelled=True)))
    return path


def upload(page: Page, path: Path, rows: int, timeout_ms: float) -> RunTimer:
    """Set the file on the Cohort page's uploader; time until the scoring run is over with the table drawn.

    The uploader takes several files (a trial history), so the file before is removed first (not timed).
    """
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="this week's patient list")  # not the call list's
    remove_files(page, uploader)
    timer = RunTimer(page)
    timer.arm()
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path, timeout=timeout_ms)
    timer.wait(timeout_ms, PATIENT_TABLE)
    page.get_by_text(f"Checking {path.name}").wait_for(timeout=10_000)  # this file, not the one before
    page.get_by_text(f"{rows:,} matching patients").wait_for(timeout=10_000)
    if page.get_by_test_id("stException").count():
        raise RuntimeError("the Cohort page shows an exception after the upload")
    return timer


def open_cohort_page(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/cohort")
    wait_idle(page)
    page.get_by_role("heading", name="Cohort").wait_for()


def cohort_page(page: Page, server_url: str, files: tuple[Path, Path], rows: int, figures: Figures) -> None:
    """a. upload 100k cold, then another 100k warm; b. filter changes."""
    open_cohort_page(page, server_url)
    for name, path in zip(("a_cold", "a_warm"), files, strict=True):
        timer = upload(page, path, rows, NAV_TIMEOUT_MS)
        figures.add(name, timer.elapsed_ms, timer)

    flagged_only = page.get_by_test_id("stCheckbox").filter(has_text="Flagged only")
    for _ in range(4):  # on, off, on, off
        timer = RunTimer(page)
        timer.arm()
        flagged_only.click()
        figures.add("b", timer.wait(NAV_TIMEOUT_MS, PATIENT_TABLE), timer)
    bands = page.get_by_test_id("stMultiSelect").filter(has_text="Risk band")
    bands.locator("input").click()
    page.keyboard.type("High")
    page.get_by_role("option", name="High", exact=True).wait_for(timeout=10_000)
    timer = RunTimer(page)
    timer.arm()
    page.keyboard.press("Enter")
    figures.add("b", timer.wait(NAV_TIMEOUT_MS, PATIENT_TABLE), timer)
    page.keyboard.press("Escape")
    wait_idle(page)
    if "High" not in bands.inner_text():
        raise RuntimeError("the Risk band filter did not take the value High")


def thresholds_page(page: Page, steps: int, figures: Figures) -> None:
    """c. keyboard steps of the threshold slider, the cohort kept in the session."""
    timer = RunTimer(page)
    timer.arm()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Thresholds & costs").click()
    figures.add("c_open", timer.wait(NAV_TIMEOUT_MS, "[data-testid='stTable']"), timer)
    page.get_by_text("What this threshold costs and saves").wait_for(timeout=NAV_TIMEOUT_MS)
    banner = page.get_by_text("patients of your cohort").first.inner_text(timeout=10_000)
    figures.notes.append(f"c. source in force: {banner.strip()}")
    slider = page.get_by_role("slider", name="Decision threshold")
    table = page.get_by_test_id("stTable").first  # the cost table comes first
    value = float(slider.input_value())
    slider.focus()
    for _ in range(steps):
        value = round(value + 0.01, 2)
        watch = TextWatch(page)
        watch.arm("[data-testid='stTable']", f"Your threshold ({value:.2f})")
        timer = RunTimer(page)
        timer.arm()
        started = time.perf_counter()
        page.keyboard.press("ArrowRight")
        table.get_by_text(f"Your threshold ({value:.2f})").wait_for(timeout=30_000)
        figures.add("c", (time.perf_counter() - started) * 1000)
        figures.add("c_run", timer.wait(30_000), timer)
        in_dom, painted = watch.result()
        figures.add("c_dom", in_dom)
        figures.add("c_frame", painted)
    if page.get_by_test_id("stException").count():
        raise RuntimeError("the Thresholds page shows an exception")


def _patient_percent(values: dict[str, object]) -> str:
    from core.model.bundle import load_bundle
    from core.model.whatif import validate_patient
    from core.paths import MODEL_CARD_PATH, MODEL_PATH

    p = float(load_bundle(MODEL_PATH, MODEL_CARD_PATH).predict(validate_patient(values, CONTRACT).valid)[0])
    return f"{p:.0%}" if p >= 0.01 else f"{p:.1%}"  # as app.components.percent


def patient_changes(submissions: int) -> list[tuple[int, int, int]]:
    """Field changes whose shown percentage differs from the one before (so the metric must change)."""
    base = {
        "patient_id": "NEW-001",
        "age": 55,
        "gender": "Female",
        "treatment_group": "Active",
        "trial_phase": "Phase II",
        "days_in_trial": 90,
        "visits_completed": 6,
        "last_visit_day": 84,
        "adverse_events": 1,
    }  # the form's defaults (app/patient_form.py)
    shown, chosen = _patient_percent(base), []
    for age, events, last in PATIENT_CHANGES:
        percent = _patient_percent(base | {"age": age, "adverse_events": events, "last_visit_day": last})
        if percent != shown:
            chosen.append((age, events, last))
            shown = percent
    return chosen[:submissions]


def patient_page(page: Page, figures: Figures, changes: list[tuple[int, int, int]]) -> None:
    """d. from clicking "Assess risk" until the metric shows the new value."""
    sidebar_link(page, "Patient")
    page.get_by_role("heading", name="Assess one patient").wait_for()
    form = page.get_by_test_id("stForm")
    button = page.get_by_role("button", name="Assess risk")
    button.click()  # warm-up: the first result loads the chart library too
    page.get_by_text("Chance of dropping out").first.wait_for(timeout=NAV_TIMEOUT_MS)
    wait_idle(page)
    metric = page.get_by_test_id("stMetric").filter(has_text="Chance of dropping out")
    changed = (
        "([before]) => { const m = [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".find(e => e.innerText.includes('Chance of dropping out')); return m && m.innerText !== before; }"
    )
    for age, events, last in changes:
        form.get_by_role("spinbutton", name="Age (years)").fill(str(age))
        form.get_by_role("spinbutton", name="Adverse events").fill(str(events))
        form.get_by_role("spinbutton", name="Study day of the last visit").fill(str(last))
        before = metric.inner_text()
        timer = RunTimer(page)
        timer.arm()
        started = time.perf_counter()
        button.click()
        page.wait_for_function(changed, arg=[before], timeout=30_000)
        figures.add("d", (time.perf_counter() - started) * 1000)
        figures.add("d_run", timer.wait(30_000), timer)
    if page.get_by_test_id("stException").count():
        raise RuntimeError("the Patient page shows an exception")


def large_upload(browser: Browser, folder: Path, path: Path, rows: int, figures: Figures) -> None:
    """e. a fresh server: VmHWM before and after the 1M upload, and the upload's time."""
    with streamlit_server(folder / "streamlit_large.log") as server:

        def work(page: Page) -> None:
            open_cohort_page(page, server.url)
            figures.memory_mb["base_hwm"] = proc_status_mb(server.pid, "VmHWM")
            try:
                timer = upload(page, path, rows, LARGE_TIMEOUT_MS)
                figures.add("e", timer.elapsed_ms, timer)
            finally:
                figures.memory_mb["peak_hwm"] = proc_status_mb(server.pid, "VmHWM")
                figures.memory_mb["rss_after"] = proc_status_mb(server.pid, "VmRSS")

        try:
            in_new_context(browser, work)
        except Exception:
            print(f"server log (1M run), last lines:\n{server.log_tail()}", file=sys.stderr)
            raise


def report(figures: Figures, sizes: Sizes, tiny: bool) -> None:
    targets, memory_target = ({}, None) if tiny else (TARGETS_MS, MEMORY_TARGET_MB)

    def row(what: str, key: str, busy_key: str | None = None) -> list[str]:
        values = figures.ms.get(key, [])
        busy = figures.busy.get(busy_key or key, [])
        target = targets.get(key)
        if not values:
            return [what, "not measured", "", "", f"< {target:,} ms" if target else "-", "-"]
        value = statistics.median(values)
        return [
            what,
            f"{value:,.0f} ms",
            ", ".join(f"{v:,.0f}" for v in values) if len(values) > 1 else "",
            f"{statistics.median(busy):,.0f} ms" if busy else "",
            f"< {target:,} ms" if target else "-",
            verdict(value, target),
        ]

    rows = [
        row(f"a. upload {sizes.small:,} rows, cold -> table, idle", "a_cold"),
        row(f"a. upload {sizes.small:,} rows, warm -> table, idle", "a_warm"),
        row("b. filter change -> idle", "b"),
        row("c. open the Thresholds page (builds its curves)", "c_open"),
        row("c. slider step -> cost table shows it", "c", "c_run"),
        row("   slider step -> new threshold in the table's DOM", "c_dom"),
        row("   slider step -> next frame after that", "c_frame"),
        row("   slider step -> fragment run over", "c_run"),
        row("d. Assess risk -> metric shows new value", "d", "d_run"),
        row("   Assess risk -> run over", "d_run"),
        row(f"e. upload {sizes.large:,} rows -> table, idle", "e"),
    ]
    peak = figures.memory_mb.get("peak_hwm")
    rows.append(
        [
            f"e. server peak memory (VmHWM), {sizes.large:,} rows",
            "not measured" if peak is None else f"{peak:,.0f} MB",
            ""
            if peak is None
            else (
                f"base {figures.memory_mb.get('base_hwm', 0):,.0f} MB, "
                f"RSS after {figures.memory_mb.get('rss_after', 0):,.0f} MB"
            ),
            "",
            f"< {memory_target:,} MB" if memory_target else "-",
            "-" if peak is None else verdict(peak, memory_target),
        ]
    )
    print_table(["what", "median", "each (ms)", "browser busy", "target", "result"], rows)
    for note in figures.notes:
        print(note)
    if FIGURES_PATH.exists():
        recorded = json.loads(FIGURES_PATH.read_text())
        print(f"\nRecorded by earlier browser test runs ({FIGURES_PATH}; load at the time unknown):")
        for name, values in recorded.items():
            print(f"  {name}: median {statistics.median(values):,.0f} ms over {len(values)} runs")


def main() -> None:
    from playwright.sync_api import sync_playwright

    tiny = parse_args(__doc__).tiny
    sizes = TINY if tiny else Sizes()
    print(machine_note())
    tiny_note(tiny)
    print("Browser: streamlit run app/main.py + Debian's Chromium (Playwright); simulated labelled cohorts\n")
    figures = Figures()
    failure: Exception | None = None
    with tempfile.TemporaryDirectory(prefix="bench_browser_") as tmp:
        folder = Path(tmp)
        files = (write_csv(folder, sizes.small, SEED), write_csv(folder, sizes.small, SEED + 1))
        large = write_csv(folder, sizes.large, SEED)
        changes = patient_changes(sizes.patient_submissions)
        print(
            f"CSV files: {sizes.small:,} rows {files[0].stat().st_size / 2**20:.1f} MB (two), "
            f"{sizes.large:,} rows {large.stat().st_size / 2**20:.1f} MB"
        )
        if not tiny:
            settle()  # writing the files kept a core busy; let the load average come down (at most 2 min)
        print(machine_note() + " (before the server starts)")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                with streamlit_server(folder / "streamlit.log") as server:

                    def small_session(page: Page) -> None:
                        cohort_page(page, server.url, files, sizes.small, figures)
                        thresholds_page(page, sizes.threshold_steps, figures)
                        patient_page(page, figures, changes)

                    try:
                        in_new_context(browser, small_session)
                    except Exception as exc:  # report what was measured, then the error
                        failure = exc
                        print(f"server log, last lines:\n{server.log_tail()}", file=sys.stderr)
                print(machine_note() + " (after a-d)")
                if not tiny:
                    settle()
                try:
                    large_upload(browser, folder, large, sizes.large, figures)
                except Exception as exc:
                    failure = failure or exc
                print(machine_note() + " (after e)\n")
            finally:
                browser.close()
    report(figures, sizes, tiny)
    if failure is not None:
        raise failure


if __name__ == "__main__":
    main()
