"""Browser fixtures: a real `streamlit run` on a free loopback port, driven by Debian's chromium.

A missing chromium fails these tests (never skips them): `make test` and CI install it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.paths import ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER_LOG = "streamlit.log"


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app server's log (our own lines at DEBUG: each full page run is logged, fragment reruns are not)."""
    return tmp_path_factory.mktemp("server") / SERVER_LOG


@contextmanager
def running_app(log_path: Path, **environment: str) -> Iterator[str]:
    """A `streamlit run` of the app on a free loopback port, with these extra environment variables; its URL.

    The server keeps its database and audit trail beside its log, a folder of its own: a new session reopens the
    latest week stored, so no week of another run or test (or of the checkout's logs/) may be found there.
    """
    folder = log_path.parent
    own = {"RRADAR_DATABASE_URL": f"sqlite:///{folder / 'radar.sqlite3'}", "RRADAR_LOG_DIR": str(folder)}
    environment = {**own, **environment}
    port = _free_port()
    log = open(log_path, "w")
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
        env={**os.environ, "RRADAR_LOG_LEVEL": "DEBUG", **environment},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, log_path)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_healthy(url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not start within 60 s; log: {Path(log_path).read_text()[-2000:]}")


@pytest.fixture(scope="session")
def server_url(server_log: Path) -> Iterator[str]:
    with running_app(server_log) as address:
        yield address


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Debian's chromium is needed for browser tests and was not found at {CHROMIUM}: "
            "apt-get install -y chromium (make test does this as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def wait_idle(tab) -> None:
    """Wait until Streamlit has finished the current script run."""
    tab.wait_for_timeout(150)  # let a just-triggered rerun flip the state to running first
    tab.wait_for_selector(IDLE, timeout=60_000)


FIGURES_PATH = Path(os.environ.get("E2E_FIGURES", "/tmp/retention_radar_e2e_figures.json"))


def record_figure(name: str, value: float) -> None:
    """Keep a browser timing for bench/bench_browser.py to report (tests assert no timings)."""
    import json

    figures = json.loads(FIGURES_PATH.read_text()) if FIGURES_PATH.exists() else {}
    figures.setdefault(name, []).append(round(value, 1))
    FIGURES_PATH.write_text(json.dumps(figures))


def upload_patient_list(tab, path: str) -> None:
    """Give the Cohort page's own uploader a file: found by its label, never by position, because the returned
    call list has an uploader too and a page mid-render may show only that one."""
    uploader = tab.get_by_test_id("stFileUploader").filter(has_text="Upload this week's patient list")
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
