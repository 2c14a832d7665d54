"""core.store.guess_counts with core.trust.guesses: guess limits kept in the database, one atomic step each,
on SQLite and PostgreSQL; the file beside the audit log only while the database cannot be reached."""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from pathlib import Path
from typing import Any

from core.store import Store
from core.trust.guesses import LOCKOUT_S, PER_CLIENT, PER_NAME, STATE_NAME, WINDOW_S, Attempt, GuessLimiter, Lockout


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _wrong(limiter: GuessLimiter, client: str, name: str | None = None) -> Lockout | None:
    attempt = limiter.begin(client, name)
    return attempt if isinstance(attempt, Lockout) else limiter.finish(attempt, right=False)


def test_the_limits_hold_in_the_database_and_nothing_is_written_to_the_file(store, tmp_path):
    clock = Clock()
    limiter = GuessLimiter(tmp_path, clock, counts=store.guesses)
    started = [_wrong(limiter, "a") for _ in range(PER_CLIENT)]
    assert started[:-1] == [None] * (PER_CLIENT - 1) and started[-1].until == clock.now + LOCKOUT_S
    assert isinstance(limiter.begin("a"), Lockout) and isinstance(limiter.begin("b"), Attempt)
    again = GuessLimiter(tmp_path / "elsewhere", clock, counts=store.guesses)  # another process, another machine
    assert again.lockout("a") is not None
    clock.now += max(LOCKOUT_S, WINDOW_S) + 1
    assert limiter.lockout("a") is None and _wrong(limiter, "a") is None  # ended, and old failures forgotten
    assert not (tmp_path / STATE_NAME).exists()


def test_a_right_password_clears_the_client_and_the_name_and_a_cancelled_attempt_does_not_count(store, tmp_path):
    limiter = GuessLimiter(tmp_path, Clock(), counts=store.guesses)
    for i in range(PER_NAME - 2):
        _wrong(limiter, f"client-{i}", "name-x")
    cancelled = limiter.begin("client-y", "name-x")
    assert isinstance(cancelled, Attempt)
    limiter.cancel(cancelled)
    assert _wrong(limiter, "client-w", "name-x") is None  # the cancelled attempt did not count: one short
    right = limiter.begin("client-z", "name-x")
    assert isinstance(right, Attempt) and limiter.finish(right, right=True) is None
    assert all(_wrong(limiter, "client-w", "name-x") is None for _ in range(PER_NAME - 1))


def _guess(url: str, directory: str, client: str, name: str | None, checked: Any, store: Store | None = None) -> None:
    """One sign-in attempt as the app makes it: count first, then the slow check, then settle."""
    opened = store or Store.open(url)
    limiter = GuessLimiter(Path(directory), counts=opened.guesses)
    attempt = limiter.begin(client, name)
    if isinstance(attempt, Attempt):
        checked.put(1)
        time.sleep(0.05)  # the password hash
        limiter.finish(attempt, right=False)
    if store is None:
        opened.close()


def test_sixteen_guesses_in_flight_from_one_client_check_at_most_its_limit(store, database_url, tmp_path):
    checked: queue.Queue[int] = queue.Queue()
    threads = [
        threading.Thread(target=_guess, args=(database_url, str(tmp_path), "a", None, checked, store))
        for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert checked.qsize() == PER_CLIENT
    assert GuessLimiter(tmp_path, counts=store.guesses).lockout("a") is not None


def test_sixteen_guesses_in_flight_from_separate_processes_against_one_name_check_at_most_its_limit(
    store, database_url, tmp_path
):
    context = multiprocessing.get_context("spawn")
    checked = context.Queue()
    processes = [  # every process claims another client address: the name's own limit still holds
        context.Process(target=_guess, args=(database_url, str(tmp_path), f"client-{i}", "name-x", checked))
        for i in range(16)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert all(p.exitcode == 0 for p in processes)
    count = 0
    while not checked.empty():
        count += checked.get()
    assert count == PER_NAME


def test_while_the_database_cannot_be_reached_the_file_keeps_the_counts(tmp_path):
    broken = Store.open(f"sqlite:///{tmp_path / 'gone.sqlite3'}")
    (tmp_path / "gone.sqlite3").unlink()
    (tmp_path / "gone.sqlite3").mkdir()  # the file is now a folder: every new connection fails
    broken.database.engine.dispose()
    limiter = GuessLimiter(tmp_path, Clock(), counts=broken.guesses)
    assert [_wrong(limiter, "a") is None for _ in range(PER_CLIENT)] == [True] * (PER_CLIENT - 1) + [False]
    assert (tmp_path / STATE_NAME).exists()
    broken.close()
