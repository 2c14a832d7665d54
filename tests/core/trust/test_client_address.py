"""core.trust.client_address: a forwarded address counts only from a listed proxy."""

from __future__ import annotations

import pytest

from core.trust.client_address import LOCAL, UNTRUSTED_FORWARD, client_of, parse_networks


def test_without_a_forwarded_header_the_peer_is_the_client():
    assert client_of("198.51.100.4", None, ()) == "198.51.100.4"
    assert client_of(None, "", ()) == LOCAL


def test_a_forged_header_gets_no_new_allowance_when_no_proxy_is_listed():
    claimed = {client_of(f"203.0.113.{i}", f"203.0.113.{i}", ()) for i in range(12)}
    assert claimed == {UNTRUSTED_FORWARD}  # twelve different claims, one client


def test_behind_a_listed_proxy_the_client_is_the_last_hop_that_is_not_a_proxy():
    proxies = parse_networks(["127.0.0.1", "10.0.0.0/8"])
    assert client_of("127.0.0.1", "198.51.100.7", proxies) == "198.51.100.7"
    # a client that writes its own header in front of the proxy's cannot choose its address
    assert client_of("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3", proxies) == "198.51.100.7"
    assert client_of("127.0.0.1", "10.9.9.9", proxies) == "10.9.9.9"  # only proxies: the first one


def test_a_proxy_setting_that_is_not_an_address_is_refused_by_name():
    with pytest.raises(ValueError, match="'nginx' is not an IP address"):
        parse_networks(["127.0.0.1", "nginx"])
