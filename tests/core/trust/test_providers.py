"""core.trust.providers and the settings: which identity providers secrets.toml configures; require_sign_in."""

from __future__ import annotations

import pytest

from core.settings import SettingsError, resolve_settings
from core.trust.providers import DEFAULT_LABEL, IdentityProvider, identity_providers

SHARED = {"redirect_uri": "https://radar.hospital.org/oauth2callback", "cookie_secret": "a long random string"}
PROVIDER = {"client_id": "id", "client_secret": "secret", "server_metadata_url": "https://idp/.well-known"}


def test_no_auth_table_or_only_the_shared_password_means_no_provider():
    assert identity_providers({}) == ()
    assert identity_providers({"password_hash": "pbkdf2_sha256$1$a$b"}) == ()


def test_the_default_provider_lives_in_auth_itself():
    assert identity_providers({**SHARED, **PROVIDER}) == (IdentityProvider(None, DEFAULT_LABEL),)


def test_named_providers_are_tables_and_are_labelled_by_their_name():
    found = identity_providers({**SHARED, "microsoft": PROVIDER, "hospital-sso": PROVIDER})
    assert found == (IdentityProvider("microsoft", "Microsoft"), IdentityProvider("hospital-sso", "Hospital Sso"))


@pytest.mark.parametrize(
    "auth",
    [
        {"microsoft": PROVIDER},  # no redirect_uri and cookie_secret
        {**SHARED, "microsoft": {"client_id": "id"}},  # incomplete
        {**SHARED, "my_idp": PROVIDER},  # Streamlit refuses underscores in provider names
        {**SHARED, "client_kwargs": {"prompt": "login"}},  # a table that is not a provider
    ],
)
def test_incomplete_configurations_offer_no_provider(auth):
    assert identity_providers(auth) == ()


def test_the_settings_carry_the_providers_and_require_sign_in():
    settings = resolve_settings({}, {"auth": {**SHARED, "okta": PROVIDER, "require_sign_in": True}})
    assert settings.identity_providers == (IdentityProvider("okta", "Okta"),) and settings.require_sign_in
    assert not resolve_settings({}, {}).require_sign_in
    assert resolve_settings({"RRADAR_REQUIRE_SIGN_IN": "yes"}, {}).require_sign_in
    assert not resolve_settings({"RRADAR_REQUIRE_SIGN_IN": "0"}, {"auth": {"require_sign_in": True}}).require_sign_in


def test_a_require_sign_in_that_is_not_true_or_false_names_the_variable():
    with pytest.raises(SettingsError, match="RRADAR_REQUIRE_SIGN_IN must be true or false"):
        resolve_settings({"RRADAR_REQUIRE_SIGN_IN": "maybe"}, {})
