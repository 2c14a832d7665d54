"""Who is using the app in this session, and what their role lets them do.

Every page that records something (settings, contacts, trainings, promotions) names the person from
here, and every control only a manager may use asks ``allowed`` here.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.trust.roles import MANAGER, may

LOCAL_USER = "local user"  # the app runs open on one computer: whoever sits at it


@dataclass(frozen=True)
class Person:
    name: str
    role: str


def current_person() -> Person:
    """The person signed in; with no sign-in configured, the local user, who may do everything."""
    return Person(LOCAL_USER, MANAGER)


def allowed(action: str) -> bool:
    return may(current_person().role, action)
