"""Which client a sign-in attempt comes from, for the guess limits: a forwarded address only from a trusted proxy.

Streamlit's server takes a loopback peer's ``X-Forwarded-For`` header as the client's address. Anyone who
can reach the port can write that header, so a script sending a new address with every guess would get a
new allowance each time. Here the header counts only when the deployment names its reverse proxies
(``RRADAR_TRUSTED_PROXIES``): the client is then the last address in the chain that is not one of them.
Without that setting every forwarded request shares one allowance, whatever address it claims.
"""

from __future__ import annotations

import ipaddress

UNTRUSTED_FORWARD = "forwarded-through-an-unlisted-proxy"
LOCAL = "local"


def parse_networks(entries: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Trusted proxies as given (addresses or networks such as 10.0.0.0/8); ValueError names a bad one."""
    parsed = []
    for entry in entries:
        text = str(entry).strip()
        if not text:
            continue
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError(f"{text!r} is not an IP address or network") from None
        parsed.append(text)
    return tuple(parsed)


def _trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False  # not an address at all: never a proxy we listed
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def client_of(peer: str | None, forwarded_for: str | None, proxies: tuple[str, ...]) -> str:
    """The client an attempt counts against: the peer, or with a forwarded chain the first hop we do not trust."""
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    if not hops:
        return peer or LOCAL
    if not proxies:
        return UNTRUSTED_FORWARD
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0]
