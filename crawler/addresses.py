"""Which addresses the crawl may connect to: pure functions of the address policy.

Feeds are written by people outside the newsroom, so an article link (or a redirect) may
point at the machine the crawler runs on or the network behind it: an admin page on
127.0.0.1, a database on 10.0.0.5, a cloud metadata service on 169.254.169.254. The crawl
connects to public addresses, and to the host and port of any URL the operator configured
(the fixture sites of the tests and a newsroom's own intranet feed among them).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

METADATA_ADDRESSES = frozenset({"169.254.169.254", "fd00:ec2::254", "100.100.100.200"})

Origin = tuple[str, int]  # (host as written in the URL, lower case; port)


def origin(url: str) -> Origin | None:
    """The host and port a URL connects to; None if it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if port is None and default is None:
        return None
    return parts.hostname.lower(), port or default  # type: ignore[return-value]


def origins(urls: Iterable[str]) -> set[Origin]:
    return {found for url in urls if (found := origin(url)) is not None}


def address_refusal(address: str) -> str | None:
    """Why a resolved address is not to be connected to by default; None if it is public."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if str(ip) in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "not a public address"
    return None
