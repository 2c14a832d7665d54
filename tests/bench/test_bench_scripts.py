"""Benchmarks that cannot rot: every bench/bench_*.py runs with ``--tiny`` in its own process and must succeed.

A new script is picked up by its name. Tiny mode runs the same code on very small sizes and judges no target,
so nothing here depends on the machine's speed. A script that drives the browser (it imports ``bench._browser``
or Playwright) is marked ``browser``. A missing prerequisite (Debian's chromium, PostgreSQL's server programs)
fails the case with how to install it; nothing is skipped.
"""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "bench").glob("bench_*.py"))
TIMEOUT_S = 600  # unloaded, the slowest tiny runs take 20 s (training) and 1 min (browser); 2 busy cores make that 2-5x
JUDGED = re.compile(r"\s(OK|MISS)\s*$", re.MULTILINE)  # a result column with a verdict


def _imports(path: Path) -> set[str]:
    """Every module a script imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _needs_browser(path: Path) -> bool:
    return any(name == "bench._browser" or name.startswith("playwright") for name in _imports(path))


def _needs_postgres(path: Path) -> bool:
    return any(name.endswith("postgres_cluster") for name in _imports(path))


def _missing(path: Path) -> str | None:
    """What the script needs and this machine lacks, in words that say how to get it; None if nothing."""
    if _needs_browser(path):
        from tests.e2e.conftest import CHROMIUM

        if not Path(CHROMIUM).exists():
            return f"{path.name} needs Debian's chromium at {CHROMIUM}: apt-get install -y chromium (or make servers)"
    if _needs_postgres(path):
        from tests.core.store.postgres_cluster import ClusterUnavailable, server_programs

        try:
            server_programs()
        except ClusterUnavailable as missing:
            return f"{path.name} needs PostgreSQL: {missing}"
    return None


def _case(path: Path) -> object:
    marks = [pytest.mark.browser] if _needs_browser(path) else []
    return pytest.param(path, id=path.stem, marks=marks)


def _tail(text: str, chars: int = 4000) -> str:
    return text[-chars:] if text else "(nothing)"


def test_the_bench_folder_has_scripts_to_run():
    assert len(SCRIPTS) >= 10, [p.name for p in SCRIPTS]


@pytest.mark.parametrize("script", [_case(p) for p in SCRIPTS])
def test_bench_script_runs_in_tiny_mode(script: Path):
    missing = _missing(script)
    if missing:
        pytest.fail(missing)
    # A session of its own, so a timeout ends the script's own subprocesses (servers, measuring children) too.
    process = subprocess.Popen(
        [sys.executable, str(script), "--tiny"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"{script.name} --tiny took over {TIMEOUT_S} s\nstdout:\n{_tail(out)}\nstderr:\n{_tail(err)}")
    report = f"{script.name} --tiny exited with {process.returncode}\nstdout:\n{_tail(out)}\nstderr:\n{_tail(err)}"
    assert process.returncode == 0, report
    assert out.strip(), f"{script.name} --tiny printed nothing\nstderr:\n{_tail(err)}"
    assert "TINY MODE" in out, f"{script.name} did not take --tiny (bench._common.parse_args)\n{_tail(out)}"
    assert not JUDGED.search(out), f"{script.name} --tiny judged a target:\n{_tail(out)}"
