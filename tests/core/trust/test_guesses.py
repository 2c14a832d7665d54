"""core.trust.guesses: wrong passwords are limited per client and per deployment, across processes."""

from __future__ import annotations

import json
import multiprocessing
import queue
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from core.trust.guesses import (
    LOCKOUT_S,
    PER_CLIENT,
    PER_DEPLOYMENT,
    PER_NAME,
    STATE_NAME,
    WINDOW_S,
    Attempt,
    GuessLimiter,
    Lockout,
    client_key,
    name_key,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def _wrong(limiter: GuessLimiter, client: str, name: str | None = None) -> Lockout | None:
    """A wrong password as the app settles one: counted before the check, then the lockout in force, if any."""
    attempt = limiter.begin(client, name)
    return attempt if isinstance(attempt, Lockout) else limiter.finish(attempt, right=False)


def _right(limiter: GuessLimiter, client: str, name: str | None = None) -> None:
    attempt = limiter.begin(client, name)
    assert isinstance(attempt, Attempt)
    limiter.finish(attempt, right=True)


def test_a_client_is_locked_out_after_its_limit_and_others_are_not(tmp_path, clock):
    limiter = GuessLimiter(tmp_path, clock)
    started = [_wrong(limiter, "a") for _ in range(PER_CLIENT)]
    assert started[:-1] == [None] * (PER_CLIENT - 1)
    assert started[-1] is not None and not started[-1].everyone and started[-1].until == clock.now + LOCKOUT_S
    assert limiter.lockout("a") is not None
    assert limiter.lockout("b") is None


def test_a_lockout_ends_and_old_failures_fall_out_of_the_window(tmp_path, clock):
    limiter = GuessLimiter(tmp_path, clock)
    for _ in range(PER_CLIENT):
        _wrong(limiter, "a")
    clock.now += LOCKOUT_S + 1
    assert limiter.lockout("a") is None
    clock.now += WINDOW_S
    assert all(_wrong(limiter, "a") is None for _ in range(PER_CLIENT - 1))


def test_guesses_spread_over_many_clients_lock_everyone(tmp_path, clock):
    limiter = GuessLimiter(tmp_path, clock)
    results = [_wrong(limiter, f"client-{i}") for i in range(PER_DEPLOYMENT)]
    assert results[-1] is not None and results[-1].everyone
    assert limiter.lockout("someone-new") is not None


def test_a_right_password_clears_that_clients_failures(tmp_path, clock):
    limiter = GuessLimiter(tmp_path, clock)
    for _ in range(PER_CLIENT - 1):
        _wrong(limiter, "a")
    _right(limiter, "a")
    assert _wrong(limiter, "a") is None


def test_a_damaged_state_file_starts_afresh(tmp_path, clock):
    (tmp_path / STATE_NAME).write_text("{not json")
    limiter = GuessLimiter(tmp_path, clock)
    assert limiter.lockout("a") is None and _wrong(limiter, "a") is None


def test_client_keys_are_salted_hashes_not_addresses():
    key = client_key("203.0.113.7", b"salt-1")
    assert "203.0.113.7" not in key and key != client_key("203.0.113.7", b"salt-2")
    assert key == client_key("203.0.113.7", b"salt-1")


def _fail_many(directory: str, client: str, times: int) -> None:
    limiter = GuessLimiter(__import__("pathlib").Path(directory))
    for _ in range(times):
        _wrong(limiter, client)


def test_processes_failing_at_once_lose_no_failure(tmp_path):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_fail_many, args=(str(tmp_path), f"c{i}", 2)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    state = json.loads((tmp_path / STATE_NAME).read_text())
    assert len(state["failures"]) == 16
    assert sorted({failure[0] for failure in state["failures"]}) == sorted(f"c{i}" for i in range(8))


def test_guesses_at_one_name_from_many_clients_lock_that_name_only(tmp_path, clock):
    limiter = GuessLimiter(tmp_path, clock)
    ana, bo = name_key("Ana", b"salt"), name_key("bo", b"salt")
    started = [_wrong(limiter, f"client-{i}", ana) for i in range(PER_NAME)]
    assert started[:-1] == [None] * (PER_NAME - 1)
    assert started[-1] is not None and started[-1].name and not started[-1].everyone
    assert limiter.lockout("someone-new", name_key(" ANA ", b"salt")) is not None  # the same name, typed otherwise
    assert limiter.lockout("someone-new", bo) is None and limiter.lockout("someone-new") is None


def test_a_right_password_clears_the_failures_against_that_name(tmp_path, clock):
    limiter = GuessLimiter(tmp_path, clock)
    ana = name_key("ana", b"salt")
    for i in range(PER_NAME - 1):
        _wrong(limiter, f"client-{i}", ana)
    _right(limiter, "client-x", ana)
    assert _wrong(limiter, "client-y", ana) is None


def test_name_keys_are_salted_hashes_and_never_hold_the_name(tmp_path, clock):
    key = name_key("Ana Lopez", b"salt-1")
    assert "ana" not in key.lower().replace("name-", "") and key != name_key("Ana Lopez", b"salt-2")
    _wrong(GuessLimiter(tmp_path, clock), "client", key)
    assert "Ana" not in (tmp_path / STATE_NAME).read_text()


# ---------------------------------------------------------------- guesses in flight at once


def _guess(directory: str, client: str, name: str | None, checked: Any) -> None:
    """One sign-in attempt as the app makes it: count first, then the slow check, then settle."""
    limiter = GuessLimiter(Path(directory))
    attempt = limiter.begin(client, name)
    if isinstance(attempt, Attempt):
        checked.put(1)
        time.sleep(0.05)  # the password hash
        limiter.finish(attempt, right=False)


def test_sixteen_guesses_in_flight_from_one_client_check_at_most_its_limit(tmp_path):
    checked: queue.Queue[int] = queue.Queue()
    threads = [threading.Thread(target=_guess, args=(str(tmp_path), "a", None, checked)) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert checked.qsize() == PER_CLIENT
    assert GuessLimiter(tmp_path).lockout("a") is not None


def test_sixteen_guesses_in_flight_from_separate_processes_against_one_name_check_at_most_its_limit(tmp_path):
    context = multiprocessing.get_context("spawn")
    checked = context.Queue()
    # every process claims another client address: the name's own limit still holds
    processes = [
        context.Process(target=_guess, args=(str(tmp_path), f"client-{i}", "name-x", checked)) for i in range(16)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    count = 0
    while not checked.empty():
        count += checked.get()
    assert count == PER_NAME


def test_a_right_password_in_flight_is_not_held_against_the_person(tmp_path, clock):
    limiter = GuessLimiter(tmp_path, clock)
    attempts = [limiter.begin("a", "name-x") for _ in range(PER_CLIENT - 1)]
    assert all(isinstance(a, Attempt) for a in attempts)
    for attempt in attempts[:-1]:
        limiter.finish(attempt, right=False)
    assert limiter.finish(attempts[-1], right=True) is None
    assert isinstance(limiter.begin("a", "name-x"), Attempt)  # cleared: a fresh allowance


def test_a_guess_during_a_lockout_is_refused_before_it_is_counted_or_checked(tmp_path, clock):
    limiter = GuessLimiter(tmp_path, clock)
    for _ in range(PER_CLIENT):
        _wrong(limiter, "a")
    refused = limiter.begin("a")
    assert isinstance(refused, Lockout) and not refused.everyone
