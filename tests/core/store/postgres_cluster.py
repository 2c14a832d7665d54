"""A throwaway PostgreSQL server for tests and benchmarks: its own cluster in a temporary folder.

``initdb`` makes the cluster, ``pg_ctl`` starts it on a free loopback port with its socket in the same
folder, and ``stop()`` ends it and removes the folder. PostgreSQL refuses to run as root, so under
root the cluster belongs to the ``postgres`` OS user and every server command runs as that user.
The superuser signs in over TCP with a password (scram-sha-256), as a deployment's app would.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "radar_admin"
INSTALL_HINT = (
    "The PostgreSQL tests need the PostgreSQL server programs (initdb, pg_ctl, postgres), which were not "
    "found on PATH or in /usr/lib/postgresql/<version>/bin. Install them with "
    "`apt-get install postgresql` on Debian or Ubuntu (`.ci/run` does this), or `brew install postgresql` on macOS."
)
SERVER_USER = "postgres"  # the OS user that runs the server when we are root


class ClusterUnavailable(RuntimeError):
    """The server programs are missing or the cluster could not start; the message says how to fix it."""


def server_programs() -> Path:
    """The folder holding initdb and pg_ctl: on PATH, else the newest Debian install."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if versions:
        return Path(versions[-1]).parent
    raise ClusterUnavailable(INSTALL_HINT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ThrowawayCluster:
    """A running PostgreSQL server in ``folder`` on ``port``; ``stop()`` removes every trace of it."""

    folder: Path
    port: int
    password: str
    programs: Path
    as_user: str | None

    @classmethod
    def start(cls, *, durable: bool = False) -> ThrowawayCluster:
        """Make and start a cluster. ``durable=False`` turns fsync off (tests: a crash loses nothing of value)."""
        programs = server_programs()
        as_user = SERVER_USER if os.geteuid() == 0 else None
        folder = Path(tempfile.mkdtemp(prefix="rradar-pg-"))
        cluster = cls(folder, free_port(), os.urandom(12).hex(), programs, as_user)
        try:
            cluster._init()
            cluster._launch(durable)
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.as_user, "--"] if self.as_user else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise ClusterUnavailable(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()}")

    def _init(self) -> None:
        if self.as_user:
            owner = pwd.getpwnam(self.as_user)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        if self.as_user:
            os.chown(password_file, pwd.getpwnam(self.as_user).pw_uid, -1)
        self._run(
            str(self.programs / "initdb"),
            "--pgdata",
            str(self.folder / "data"),
            "--username",
            SUPERUSER,
            "--pwfile",
            str(password_file),
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--no-instructions",
        )
        password_file.unlink()

    def _launch(self, durable: bool) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=60"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.programs / "pg_ctl"),
            "--pgdata",
            str(self.folder / "data"),
            "--log",
            str(self.folder / "server.log"),
            "--wait",
            "--timeout=60",
            "-o",
            options,
            "start",
        )

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        """The psycopg URL of ``database`` (another ``password`` for tests of a wrong one)."""
        secret = self.password if password is None else password
        return f"postgresql+psycopg://{SUPERUSER}:{secret}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, password=self.password, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (at once: nothing in it is kept) and remove its folder."""
        try:
            if (self.folder / "data" / "postmaster.pid").exists():
                self._run(
                    str(self.programs / "pg_ctl"), "--pgdata", str(self.folder / "data"), "-m", "immediate", "stop"
                )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
