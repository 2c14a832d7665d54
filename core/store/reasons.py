"""Why a database could not be used, in plain words, from a driver's error (no traceback, no password)."""

from __future__ import annotations

import re

from sqlalchemy.engine import URL

# (what the driver says, lower case) -> what to tell the user; {host}, {port}, {database}, {user} filled in.
_KNOWN = (
    ("connection refused", "nothing answers at {host} port {port} (is the database server running?)"),
    ("password authentication failed", "the server refused the user name or password for {user}"),
    ("no password supplied", "the server asks for a password and the address gives none"),
    ("could not translate host name", "the host name {host} is not known"),
    ("name or service not known", "the host name {host} is not known"),
    ("failed to resolve host", "the host name {host} is not known"),
    ("timeout expired", "{host} port {port} did not answer in time"),
    ("timed out", "{host} port {port} did not answer in time"),
    ("does not exist", "{detail}"),
    ("unable to open database file", "the file {database} cannot be opened or created (does its folder exist?)"),
    ("readonly database", "the file {database} is read-only"),
    ("database is locked", "the database file {database} stayed locked by another program for too long"),
    ("file is not a database", "{database} is not a SQLite database file"),
    ("disk i/o error", "the disk holding {database} reported an error"),
    ("database or disk is full", "the disk holding {database} is full"),
)


def safe_address(url: URL) -> str:
    """The database's address without its password, for messages and logs."""
    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def _driver_message(exc: BaseException) -> str:
    """The driver's own first line (SQLAlchemy wraps it with the SQL and a help link)."""
    inner = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    text = lines[0] if lines else type(inner).__name__
    # psycopg repeats "connection failed: connection to server at ... failed:" before the reason
    return re.sub(r'^(connection failed: )?connection to server at "[^"]*"(, port \d+)? failed: ', "", text)


def plain_reason(exc: BaseException, url: URL) -> str:
    """One plain sentence fragment saying why ``url`` could not be used, never holding its password."""
    detail = _driver_message(exc)
    lowered = detail.lower()
    fields: dict[str, str] = {
        "host": url.host or "localhost",
        "port": str(url.port or "(default)"),
        "database": (url.database or "").removeprefix("file:"),  # a "file:" URI names the file after the prefix
        "user": url.username or "(none)",
        "detail": detail.removeprefix("FATAL:").strip(),
    }
    reason = next((text.format(**fields) for needle, text in _KNOWN if needle in lowered), fields["detail"])
    if url.password:
        reason = reason.replace(str(url.password), "***")
    return reason[:300]
