"""Users: who may sign in, with which role (managers only)."""

from __future__ import annotations

from app.access.identity import require
from app.views import users
from core.trust.roles import MANAGE_USERS

if require(MANAGE_USERS):
    users.render()
