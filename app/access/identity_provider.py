"""Signing in through the hospital's identity provider (OIDC) with Streamlit's ``st.login``.

Streamlit keeps the provider's answer in a cookie and hands it over as ``st.user``; the person's role
comes from the users table (core.trust.credentials.match_identity). Used only when secrets.toml
configures a provider (core.trust.providers); ``st.login`` needs the Authlib package (requirements.txt).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAuthError, StreamlitMissingAuthlibError

from app.text import plain
from core.trust.providers import IdentityProvider

log = logging.getLogger(__name__)

VIA_PROVIDER = "identity provider"  # how a session signed in, next to NAMED and SHARED_PASSWORD


@dataclass(frozen=True)
class ProviderIdentity:
    """Who the identity provider says the person is."""

    email: str | None
    name: str | None
    email_verified: bool


def signed_in_identity() -> ProviderIdentity | None:
    """The provider's person in this browser, if one signed in (None when none did, or no provider is set up)."""
    info = st.user.to_dict()
    if not info.get("is_logged_in"):
        return None
    email, name = info.get("email"), info.get("name")
    verified = info.get("email_verified", True) is not False
    return ProviderIdentity(str(email) if email else None, str(name) if name else None, verified)


def sign_in_buttons(providers: tuple[IdentityProvider, ...]) -> None:
    """One "Sign in with …" button per configured provider; a click leaves for the provider's page."""
    for provider in providers:
        if st.button(f"Sign in with {plain(provider.label)}", key=f"provider_{provider.key or 'default'}"):
            try:
                st.login(provider.key)  # None: the provider set in [auth] itself
            except (StreamlitAuthError, StreamlitMissingAuthlibError) as error:
                log.error("identity provider %s cannot be used: %s", provider.label, error)
                st.error(
                    f"Signing in with {plain(provider.label)} is not set up correctly on this server "
                    "(see the server log). Tell your administrator; a name and password still work."
                )
    if providers:
        st.caption("Or with a name and password given to you for this app:")


def sign_out_of_provider() -> None:
    """Forget the provider's cookie too, so the next run does not sign the person straight back in."""
    st.logout()
