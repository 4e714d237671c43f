"""One line per failed request, with its host and reason; no traceback for the network.

Scrapy logs a robots.txt it could not fetch at ERROR with a traceback, per host, per
poll: with no network the bundled configuration printed ~18 tracebacks a poll. A network
failure is expected news, not a bug, so it becomes one warning line; anything else keeps
its traceback. Retries that gave up are Scrapy's to log at DEBUG (``RETRY_GIVE_UP_LOG_LEVEL``)
because the spiders log each final failure themselves.
"""

from __future__ import annotations

import logging
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from twisted.internet import error as neterror
from twisted.python.failure import Failure

from crawler.responses import describe_failure

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"
NETWORK_ERRORS = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    neterror.ConnectError,
    neterror.DNSLookupError,
    neterror.TimeoutError,
    neterror.ConnectionLost,
    OSError,
)


def is_network_error(exc: BaseException) -> bool:
    return isinstance(exc, NETWORK_ERRORS) or type(exc).__module__.startswith(
        ("twisted.internet.error", "twisted.web._newclient", "OpenSSL")
    )


class RobotsFailureLine(logging.Filter):
    """Rewrites Scrapy's "Error downloading <page>: <exception>" for an unreachable
    robots.txt into one warning naming the host and the reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not (isinstance(args, dict) and str(record.msg).startswith("Error downloading")):
            return True
        exc, request = args.get("f_exception"), args.get("request")
        if not isinstance(exc, BaseException) or not is_network_error(exc):
            return True
        host = urlsplit(getattr(request, "url", "")).netloc or "?"
        record.msg = "robots.txt of %s not fetched (%s); its pages are fetched as if allowed"
        record.args = (host, describe_failure(Failure(exc)).error)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietNetworkLogs:
    """Extension: puts the filter on Scrapy's robots.txt logger (once per process)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        robots = logging.getLogger(ROBOTS_LOGGER)
        if not any(isinstance(f, RobotsFailureLine) for f in robots.filters):
            robots.addFilter(RobotsFailureLine())
        return cls()
