"""Limits on password guesses that hold across sessions and processes: per client and per deployment.

A browser session is cheap to open again, so a delay kept in one session does not slow a script that
opens a new connection for every guess. Failures are kept in a small JSON file beside the audit log,
read and written under an exclusive ``flock`` (every app process on the machine shares it). Clients
are kept only as salted hashes of their address.

Rules: ``PER_CLIENT`` wrong passwords from one client within ``WINDOW_S`` lock that client out for
``LOCKOUT_S``; ``PER_DEPLOYMENT`` wrong passwords from anywhere within the window lock every sign-in
(a guesser spread over many addresses).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATE_NAME = "sign_in_attempts.json"
PER_CLIENT = 5
PER_DEPLOYMENT = 20
WINDOW_S = 600.0
LOCKOUT_S = 300.0
EVERYONE = "*"


@dataclass(frozen=True)
class Lockout:
    """Sign-in is refused until ``until`` (epoch seconds) for this client, or for everyone."""

    until: float
    everyone: bool

    def minutes_left(self, now: float) -> int:
        return max(1, int((self.until - now + 59) // 60))


def client_key(address: str | None, salt: bytes) -> str:
    """A salted hash standing for a client address (the address itself is never stored)."""
    return hashlib.sha256(salt + str(address or "unknown").encode()).hexdigest()[:16]


class GuessLimiter:
    """Counts wrong passwords in a shared file and decides lockouts."""

    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(directory) / STATE_NAME
        self.clock = clock

    def _update(self, change: Callable[[dict[str, Any], float], Any]) -> Any:
        """Read, change and write the state under an exclusive lock; returns what ``change`` returns."""
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

    def lockout(self, client: str) -> Lockout | None:
        """The lockout in force for this client, if any."""

        def check(data: dict[str, Any], now: float) -> Lockout | None:
            locked = data["locked"]
            if EVERYONE in locked:
                return Lockout(locked[EVERYONE], everyone=True)
            return Lockout(locked[client], everyone=False) if client in locked else None

        return self._update(check)

    def failed(self, client: str) -> Lockout | None:
        """Record a wrong password; returns the lockout it starts, if it starts one."""

        def record(data: dict[str, Any], now: float) -> Lockout | None:
            data["failures"].append([client, now])
            mine = sum(1 for who, _ in data["failures"] if who == client)
            if len(data["failures"]) >= PER_DEPLOYMENT and EVERYONE not in data["locked"]:
                data["locked"][EVERYONE] = now + LOCKOUT_S
                return Lockout(now + LOCKOUT_S, everyone=True)
            if mine >= PER_CLIENT and client not in data["locked"]:
                data["locked"][client] = now + LOCKOUT_S
                return Lockout(now + LOCKOUT_S, everyone=False)
            return None

        return self._update(record)

    def succeeded(self, client: str) -> None:
        """A right password clears this client's failures."""

        def clear(data: dict[str, Any], now: float) -> None:
            data["failures"] = [f for f in data["failures"] if f[0] != client]

        self._update(clear)
