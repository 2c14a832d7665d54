"""The app's users: a unique name, a role (coordinator or manager), a salted password hash, disabled or not.

The store keeps the hash it is given (core.trust.passwords makes and checks them); no password is
ever stored. A disabled user keeps their row, so the uploads and contacts they recorded still name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc

from core.store import schema
from core.store.database import Database
from core.store.errors import StoreInputError
from core.store.schema import ROLES


@dataclass(frozen=True)
class User:
    name: str
    role: str  # one of ROLES
    password_hash: str
    created_at: datetime
    disabled: bool


_COLUMNS = [schema.users.c[name] for name in User.__dataclass_fields__]


def _role(role: str) -> str:
    if role not in ROLES:
        raise StoreInputError(f"a user's role must be one of {', '.join(ROLES)}; got {role!r}")
    return role


def _name(name: str) -> str:
    cleaned = str(name).strip()
    if not cleaned:
        raise StoreInputError("a user needs a name")
    return cleaned


class Users:
    """The ``users`` table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, name: str, role: str, password_hash: str) -> User:
        """A new user (enabled); raises StoreInputError if the name is taken or the role unknown."""
        user = User(_name(name), _role(role), password_hash, datetime.now(UTC), False)
        try:
            with self._db.writing() as connection:
                connection.execute(sa.insert(schema.users).values(**user.__dict__))
        except exc.IntegrityError:
            raise StoreInputError(f"a user named {user.name!r} already exists") from None
        return user

    def get(self, name: str) -> User | None:
        with self._db.reading() as connection:
            row = connection.execute(sa.select(*_COLUMNS).where(schema.users.c.name == _name(name))).first()
        return None if row is None else User(*row)

    def all(self) -> list[User]:
        """Every user, disabled ones included, by name."""
        with self._db.reading() as connection:
            return [User(*row) for row in connection.execute(sa.select(*_COLUMNS).order_by(schema.users.c.name))]

    def _change(self, name: str, **values: Any) -> None:
        with self._db.writing() as connection:
            changed = connection.execute(
                sa.update(schema.users).where(schema.users.c.name == _name(name)).values(**values)
            ).rowcount
        if changed != 1:
            raise StoreInputError(f"there is no user named {_name(name)!r}")

    def set_password_hash(self, name: str, password_hash: str) -> None:
        self._change(name, password_hash=password_hash)

    def set_role(self, name: str, role: str) -> None:
        self._change(name, role=_role(role))

    def disable(self, name: str) -> None:
        """The user can no longer sign in; their name stays on what they recorded."""
        self._change(name, disabled=True)

    def enable(self, name: str) -> None:
        self._change(name, disabled=False)
