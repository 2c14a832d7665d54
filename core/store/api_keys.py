"""The API's keys and the answers kept for idempotent retries (tables ``api_keys`` and ``api_replies``, revision 0009).

The store keeps only the hash of a key it is given (core.trust.api_keys makes keys and their hashes); a revoked
key keeps its row, so the audit trail's name for it still means something.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc

from core.store import schema
from core.store.database import Database, plain_json
from core.store.errors import StoreInputError
from core.store.schema import ROLES

NAME_LIMIT = 200


@dataclass(frozen=True)
class ApiKey:
    name: str
    role: str  # one of ROLES
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


_COLUMNS = [schema.api_keys.c[name] for name in ApiKey.__dataclass_fields__]


def _name(name: str) -> str:
    cleaned = str(name).strip()
    if not cleaned or len(cleaned) > NAME_LIMIT:
        raise StoreInputError(f"a key needs a name of 1 to {NAME_LIMIT} characters")
    return cleaned


class ApiKeys:
    """The ``api_keys`` and ``api_replies`` tables."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, name: str, role: str, key_hash: str) -> ApiKey:
        """A new key; raises StoreInputError when the name is taken (revoked keys included) or the role unknown."""
        if role not in ROLES:
            raise StoreInputError(f"a key's role must be one of {', '.join(ROLES)}; got {role!r}")
        key = ApiKey(_name(name), role, key_hash, datetime.now(UTC), None)
        try:
            with self._db.writing() as connection:
                connection.execute(sa.insert(schema.api_keys).values(**key.__dict__))
        except exc.IntegrityError:
            raise StoreInputError(f"a key named {key.name!r} already exists (revoked keys keep their name)") from None
        return key

    def by_hash(self, key_hash: str) -> ApiKey | None:
        with self._db.reading() as connection:
            row = connection.execute(sa.select(*_COLUMNS).where(schema.api_keys.c.key_hash == key_hash)).first()
        return None if row is None else ApiKey(*row)

    def all(self) -> list[ApiKey]:
        """Every key, revoked ones included, by name."""
        with self._db.reading() as connection:
            return [ApiKey(*row) for row in connection.execute(sa.select(*_COLUMNS).order_by(schema.api_keys.c.name))]

    def revoke(self, name: str) -> None:
        """The key stops working at once; raises StoreInputError when there is no such key still in use."""
        table = schema.api_keys
        with self._db.writing() as connection:
            changed = connection.execute(
                sa.update(table)
                .where(table.c.name == _name(name), table.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            ).rowcount
        if changed != 1:
            raise StoreInputError(f"there is no key in use named {_name(name)!r}")

    def reply(self, key_name: str, idempotency_key: str) -> tuple[str, Any] | None:
        """The request hash and answer kept for this key's Idempotency-Key, if a call with it was answered."""
        table = schema.api_replies
        query = sa.select(table.c.request_sha256, table.c.reply).where(
            table.c.key_name == key_name, table.c.idempotency_key == idempotency_key
        )
        with self._db.reading() as connection:
            row = connection.execute(query).first()
        return None if row is None else (str(row.request_sha256), row.reply)

    def keep_reply(self, key_name: str, idempotency_key: str, request_sha256: str, reply: Any) -> bool:
        """Keep an answer for retries; False when another call with the same Idempotency-Key was kept first."""
        values = {
            "key_name": key_name,
            "idempotency_key": idempotency_key,
            "request_sha256": request_sha256,
            "reply": plain_json(reply, "the kept answer"),
            "created_at": datetime.now(UTC),
        }
        try:
            with self._db.writing() as connection:
                connection.execute(sa.insert(schema.api_replies).values(values))
        except exc.IntegrityError:
            return False
        return True
