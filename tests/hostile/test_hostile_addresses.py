"""Which resolved addresses the crawl refuses to connect to (see test_hostile_links.py)."""

from __future__ import annotations

import pytest

from crawler.addresses import address_refusal


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.5", "private"),
        ("192.168.1.20", "private"),
        ("169.254.169.254", "metadata"),
        ("fe80::1%eth0", "link-local"),
        ("100.64.0.1", "not a public"),
        ("0.0.0.0", "private"),
    ],
)
def test_non_public_addresses_are_named(address, kind):
    assert kind in (address_refusal(address) or "")


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert address_refusal(address) is None
