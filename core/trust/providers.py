"""An identity provider (OIDC, through Streamlit's ``st.login``) and who a person it signed in is here.

Streamlit reads the provider from the ``[auth]`` table of secrets.toml: ``redirect_uri`` and
``cookie_secret`` always, then ``client_id``, ``client_secret`` and ``server_metadata_url`` either in
``[auth]`` itself (the default provider) or in a named table such as ``[auth.microsoft]``. The provider
says who the person is; their role comes from the users table (``core.trust.credentials.match_identity``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SHARED_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
DEFAULT_LABEL = "your organisation's account"


@dataclass(frozen=True)
class IdentityProvider:
    """One configured provider: ``key`` for ``st.login(key)`` (None: the default provider) and its label."""

    key: str | None
    label: str


def identity_providers(auth: Mapping[str, Any]) -> tuple[IdentityProvider, ...]:
    """The providers Streamlit can sign people in with, from the ``[auth]`` table (empty when none is complete)."""
    if not all(auth.get(key) for key in SHARED_KEYS):
        return ()
    found = [IdentityProvider(None, DEFAULT_LABEL)] if all(auth.get(key) for key in PROVIDER_KEYS) else []
    for key, table in auth.items():
        # Streamlit refuses provider names with an underscore
        if isinstance(table, Mapping) and "_" not in key and all(table.get(k) for k in PROVIDER_KEYS):
            found.append(IdentityProvider(str(key), str(key).replace("-", " ").title()))
    return tuple(found)
