"""Pure parts of the defences: which resolved addresses the crawl refuses to connect to
(see test_hostile_links.py), and how long a server's Retry-After is honoured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.addresses import address_refusal
from crawler.responses import MAX_REST, rest_until


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


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "value", "rest"),
    [
        (429, "3600", timedelta(hours=1)),
        (503, "Mon, 02 Mar 2026 11:00:00 GMT", timedelta(hours=2)),
        (429, "99999999999999999999", MAX_REST),  # capped: a header cannot silence a feed
        (429, "Mon, 02 Mar 2026 08:00:00 GMT", None),  # already past
        (429, "soon", None),
        (500, "3600", None),  # only 429 and 503 ask for rest
        (429, None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date_and_capped(status, value, rest):
    until = rest_until(status, value, NOW)
    assert (until - NOW if until else None) == rest
