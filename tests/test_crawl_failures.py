"""How a failed request is worded in the store and the log: once, in an operator's terms."""

from __future__ import annotations

import pytest
from scrapy.exceptions import IgnoreRequest
from twisted.internet import error as neterror
from twisted.python.failure import Failure

from crawler.responses import describe_failure


def fail(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:
        return Failure()


def test_a_dns_failure_says_so_once_and_names_the_host() -> None:
    exc = neterror.DNSLookupError("no results for hostname lookup: www.kshb.com.")
    result = describe_failure(fail(exc))
    assert result.status == "failed"
    assert result.error.count("DNS lookup failed") == 1
    assert "www.kshb.com" in result.error


@pytest.mark.parametrize(
    ("exc", "status", "words"),
    [
        (neterror.TimeoutError(), "failed", "timeout after 1.5 s"),
        (neterror.ConnectionRefusedError(), "failed", "connection refused"),
        (IgnoreRequest("Forbidden by robots.txt"), "skipped", "forbidden by robots.txt"),
    ],
)
def test_other_failures_are_worded_for_operators(exc, status, words) -> None:
    result = describe_failure(fail(exc), timeout=1.5)
    assert (result.status, result.error) == (status, words)
