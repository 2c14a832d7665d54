"""Shared helpers for browser benchmarks: a `streamlit run` server, Chromium, and timing a script run.

Not a benchmark itself (``make bench`` runs only ``bench/bench_*.py``). The browser tests' pytest
fixtures (tests/e2e/conftest.py) cannot be called outside pytest, so the server start is repeated
here the same way; the Chromium path and the idle selector are imported from there, so both stay in
step.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.paths import ROOT
from tests.e2e.conftest import CHROMIUM, IDLE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Playwright

__all__ = [
    "CHROMIUM",
    "IDLE",
    "RunTimer",
    "Server",
    "launch_chromium",
    "proc_status_mb",
    "remove_files",
    "settle",
    "streamlit_server",
    "TextWatch",
    "in_new_context",
    "sidebar_link",
    "wait_idle",
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
NAV_TIMEOUT_MS = 120_000


@dataclass
class Server:
    url: str
    pid: int
    log_path: Path

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def streamlit_server(log_path: Path, start_timeout: float = 60.0) -> Iterator[Server]:
    """``streamlit run app/main.py`` headless on 127.0.0.1 and a free port; always stopped on exit."""
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app" / "main.py"),
                "--server.headless=true",
                "--server.address=127.0.0.1",
                f"--server.port={port}",
                "--browser.gatherUsageStats=false",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            # a database and log folder of the server's own: no week from another run is reopened
            env={
                **os.environ,
                "RRADAR_DATABASE_URL": f"sqlite:///{log_path.parent / (log_path.stem + '.sqlite3')}",
                "RRADAR_LOG_DIR": str(log_path.parent / (log_path.stem + "_logs")),
            },
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + start_timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"streamlit exited with {process.returncode}; log:\n{log_path.read_text()[-2000:]}"
                    )
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not start within {start_timeout:.0f} s; log:\n{log_path.read_text()[-2000:]}"
                    )
                time.sleep(0.3)
            yield Server(url, process.pid, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def settle(below: float = 1.0, longest_s: float = 120.0) -> float:
    """Wait (at most ``longest_s``) for the 1-minute load average to drop below ``below``; return it.

    Writing the input files keeps a core busy for a while, and the load average lags behind.
    """
    deadline = time.monotonic() + longest_s
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's chromium with the browser tests' flags (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Debian's chromium was not found at {CHROMIUM}: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_idle(page: Page, timeout_ms: float = NAV_TIMEOUT_MS) -> None:
    """Not timed: let a just-triggered run start, then wait for the idle marker (as the tests do)."""
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def sidebar_link(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    wait_idle(page)


def remove_files(page: Page, uploader: Locator) -> None:
    """Remove every file listed on a file uploader (each removal is a run, waited for)."""
    for _ in range(uploader.get_by_test_id("stFileChipDeleteBtn").count()):
        uploader.get_by_test_id("stFileChipDeleteBtn").first.click()
        wait_idle(page)


def in_new_context(browser: Browser, work: Callable[[Page], None]) -> None:
    """Run ``work`` on a page of a fresh browser context (1400 x 1000), closed afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        work(page)
    finally:
        context.close()


def proc_status_mb(pid: int, field: str) -> float:
    """A memory line of /proc/<pid>/status (VmHWM = peak resident set, VmRSS = now) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    raise KeyError(field)


_ARM = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!window.__benchLong) {
    window.__benchLong = [];
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) window.__benchLong.push([e.startTime, e.duration]);
    }).observe({type: 'longtask'});
  }
  if (window.__benchObserver) window.__benchObserver.disconnect();
  const log = [];
  window.__benchRuns = log;
  window.__benchObserver = new MutationObserver(
    () => log.push([performance.now(), app.getAttribute('data-test-script-state')]));
  window.__benchObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  return performance.now();
}"""

_DONE = """([quiet, selector]) => {
  const log = window.__benchRuns;
  if (!log || !log.some(e => e[1] === 'running')) return false;
  const last = log[log.length - 1];
  if (last[1] !== 'notRunning' || performance.now() - last[0] < quiet) return false;
  if (selector && !document.querySelector(selector)) return false;
  return last[0];
}"""


_BUSY = """([start, end]) => (window.__benchLong || [])
  .filter(e => e[0] + e[1] > start && e[0] < end)
  .reduce((sum, e) => sum + Math.min(e[0] + e[1], end) - Math.max(e[0], start), 0)"""


class RunTimer:
    """Times one script (or fragment) run in the page's own clock.

    ``arm()`` starts watching ``stApp``'s ``data-test-script-state`` (a MutationObserver) and notes
    ``performance.now()``; ``wait()`` returns the milliseconds from then until the last change back
    to ``notRunning``, once a run has been seen and the state has stayed idle for ``quiet_ms`` (so a
    follow-up rerun is not missed; the quiet time is not counted). ``elapsed_ms`` keeps that figure,
    ``busy_ms`` the time the page's main thread spent in long tasks (over 50 ms, the Long Tasks API)
    in that interval: work in the browser (parsing, layout, drawing charts), not on the server.
    """

    def __init__(self, page: Page, quiet_ms: float = 400.0) -> None:
        self.page, self.quiet_ms = page, quiet_ms
        self.start = self.busy_ms = self.elapsed_ms = 0.0

    def arm(self) -> None:
        self.start = float(self.page.evaluate(_ARM))

    def wait(self, timeout_ms: float, selector: str | None = None) -> float:
        handle = self.page.wait_for_function(_DONE, arg=[self.quiet_ms, selector], timeout=timeout_ms, polling=20)
        end = float(handle.json_value())
        self.busy_ms = float(self.page.evaluate(_BUSY, [self.start, end]))
        self.elapsed_ms = end - self.start
        return self.elapsed_ms


_WATCH = """([selector, text]) => {
  if (window.__benchWatch) window.__benchWatch.disconnect();
  const seen = window.__benchSeen = {dom: null, frame: null};
  const check = () => {
    const element = document.querySelector(selector);
    if (seen.dom === null && element && element.textContent.includes(text)) {
      seen.dom = performance.now();
      requestAnimationFrame(() => setTimeout(() => { seen.frame = performance.now(); }, 0));
    }
  };
  window.__benchWatch = new MutationObserver(check);
  window.__benchWatch.observe(document.body, {subtree: true, childList: true, characterData: true});
  return performance.now();
}"""


class TextWatch:
    """When an element's text first contains a string, in the page's clock.

    ``arm(selector, text)`` notes ``performance.now()`` and watches the document (MutationObserver,
    ``textContent``, so no layout is forced); ``result()`` gives the milliseconds from the arm until
    the text was in the DOM, and until the next frame after that (a requestAnimationFrame callback,
    then a task: about when the browser painted it). Playwright's own polling runs on the page's
    main thread too, so while the browser is busy drawing charts it sees a change later than this.
    """

    def __init__(self, page: Page) -> None:
        self.page, self.start = page, 0.0

    def arm(self, selector: str, text: str) -> None:
        self.start = float(self.page.evaluate(_WATCH, [selector, text]))

    def result(self, timeout_ms: float = 30_000) -> tuple[float, float]:
        handle = self.page.wait_for_function(
            "() => window.__benchSeen && window.__benchSeen.frame", timeout=timeout_ms, polling=20
        )
        frame = float(handle.json_value())
        dom = float(self.page.evaluate("window.__benchSeen.dom"))
        return dom - self.start, frame - self.start
