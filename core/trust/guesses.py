"""Limits on password guesses that hold across sessions and processes: per client and per deployment.

A browser session is cheap to open again, so a delay kept in one session does not slow a script that
opens a new connection for every guess. Failures are kept in the database (``core.store.guess_counts``:
every app process and machine shares them; each decision is one transaction holding the write lock).
Where the database cannot be reached (a deployment with the shared team password still signs people in
then), they are kept in a small JSON file beside the audit log instead, read and written under an
exclusive ``flock`` (every app process on the machine shares it). Clients and user names are kept only as
salted hashes (of the address, of the name typed).

Rules: ``PER_CLIENT`` wrong passwords from one client within ``WINDOW_S`` lock that client out for
``LOCKOUT_S``; ``PER_NAME`` wrong passwords for one user name, from anywhere, lock that name (a guesser
spread over many addresses aiming at one account); ``PER_DEPLOYMENT`` wrong passwords from anywhere
within the window lock every sign-in. A name is counted whether or not such a user exists, so a lockout
says nothing about which names exist.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.store import StoreError
from core.store.guess_counts import GuessCounts

log = logging.getLogger(__name__)

STATE_NAME = "sign_in_attempts.json"
PER_CLIENT = 5
PER_NAME = 5
PER_DEPLOYMENT = 20
WINDOW_S = 600.0
LOCKOUT_S = 300.0
EVERYONE = "*"


@dataclass(frozen=True)
class Lockout:
    """Sign-in is refused until ``until`` (epoch seconds) for this client, or for everyone."""

    until: float
    everyone: bool
    name: bool = False  # the lockout holds for the user name typed, from any computer

    def minutes_left(self, now: float) -> int:
        return max(1, int((self.until - now + 59) // 60))


def client_key(address: str | None, salt: bytes) -> str:
    """A salted hash standing for a client address (the address itself is never stored)."""
    return hashlib.sha256(salt + str(address or "unknown").encode()).hexdigest()[:16]


def name_key(name: str, salt: bytes) -> str:
    """A salted hash standing for a typed user name (spaces trimmed, any case): the name is never stored."""
    typed = " ".join(str(name).split()).casefold()
    return "name-" + hashlib.sha256(salt + b"user-name:" + typed.encode()).hexdigest()[:16]


class GuessLimiter:
    """Counts wrong passwords in the database (else in a shared file) and decides lockouts."""

    def __init__(
        self, directory: Path, clock: Callable[[], float] = time.time, counts: GuessCounts | None = None
    ) -> None:
        self.path = Path(directory) / STATE_NAME
        self.clock = clock
        self.counts = counts  # the store's guess counts; None: the file only

    def _update(self, change: Callable[[dict[str, Any], float], Any]) -> Any:
        """Read, change and write the state in one locked step; returns what ``change`` returns."""
        if self.counts is not None:
            try:
                return self.counts.update(change, self.clock(), WINDOW_S)
            except StoreError:
                log.warning("guess counts kept in the file: the database cannot be used")
        return self._update_file(change)

    def _update_file(self, change: Callable[[dict[str, Any], float], Any]) -> Any:
        """Read, change and write the file's state under an exclusive lock; returns what ``change`` returns."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            raw = b""
            while chunk := os.read(descriptor, 1 << 16):
                raw += chunk
            try:
                data = json.loads(raw) if raw.strip() else {}
            except ValueError:
                data = {}  # a damaged file starts afresh rather than locking everyone out
            now = self.clock()
            data = {
                "failures": [f for f in data.get("failures", []) if now - f[1] < WINDOW_S],
                "locked": {k: v for k, v in data.get("locked", {}).items() if v > now},
            }
            result = change(data, now)
            payload = json.dumps(data).encode()
            os.lseek(descriptor, 0, os.SEEK_SET)
            os.ftruncate(descriptor, 0)
            os.write(descriptor, payload)
            return result
        finally:
            os.close(descriptor)  # closing releases the lock

    def lockout(self, client: str, name: str | None = None) -> Lockout | None:
        """The lockout in force for this client, or for this user name key (``name_key``), if any."""
        return self._update(lambda data, now: _lockout_in(data, client, name))

    def begin(self, client: str, name: str | None = None) -> Attempt | Lockout:
        """Before a password is checked: the lockout in force, or the attempt, already counted as a failure.

        Checking the lock and counting the guess are one step under the file lock, taken before the slow
        password hash: guesses in flight at once count against each other, so no burst of them, from any
        number of sessions, gets more passwords checked than the limits allow. ``finish`` settles it.
        """

        def reserve(data: dict[str, Any], now: float) -> Attempt | Lockout:
            lockout = _lockout_in(data, client, name)
            if lockout is not None:
                return lockout
            token = secrets.token_hex(8)
            data["failures"].append([client, now, name, token])
            _start_lockouts(data, client, name, now)  # this guess is checked; the next one is refused
            return Attempt(client, name, token)

        return self._update(reserve)

    def finish(self, attempt: Attempt, right: bool) -> Lockout | None:
        """After the check: a right password clears the client's and the name's failures and lockouts; a wrong
        one stays counted. Returns the lockout now in force for the client or name, if any."""

        def settle(data: dict[str, Any], now: float) -> Lockout | None:
            if right:
                _clear(data, attempt.client, attempt.name)
                return None
            return _lockout_in(data, attempt.client, attempt.name)

        return self._update(settle)

    def cancel(self, attempt: Attempt) -> None:
        """The password could not be checked at all (the user database was down): the attempt does not count."""

        def drop(data: dict[str, Any], now: float) -> None:
            data["failures"] = [f for f in data["failures"] if not (len(f) > 3 and f[3] == attempt.token)]

        self._update(drop)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt counted before its password is checked (``GuessLimiter.begin``)."""

    client: str
    name: str | None
    token: str


def _lockout_in(data: dict[str, Any], client: str, name: str | None) -> Lockout | None:
    locked = data["locked"]
    if EVERYONE in locked:
        return Lockout(locked[EVERYONE], everyone=True)
    if client in locked:
        return Lockout(locked[client], everyone=False)
    return Lockout(locked[name], everyone=False, name=True) if name is not None and name in locked else None


def _start_lockouts(data: dict[str, Any], client: str, name: str | None, now: float) -> None:
    """Lock the client, the name or everyone once their failures (counted ones included) reach the limits."""
    failures, locked, until = data["failures"], data["locked"], now + LOCKOUT_S
    if len(failures) >= PER_DEPLOYMENT and EVERYONE not in locked:
        locked[EVERYONE] = until
    if sum(1 for f in failures if f[0] == client) >= PER_CLIENT and client not in locked:
        locked[client] = until
    if name is not None and name not in locked and sum(1 for f in failures if _name_of(f) == name) >= PER_NAME:
        locked[name] = until


def _clear(data: dict[str, Any], client: str, name: str | None) -> None:
    data["failures"] = [f for f in data["failures"] if f[0] != client and (name is None or _name_of(f) != name)]
    for key in (client, name):
        if key is not None:
            data["locked"].pop(key, None)


def _name_of(failure: list[Any]) -> str | None:
    """The user name key of a recorded failure (files written before names were counted hold none)."""
    return failure[2] if len(failure) > 2 else None
