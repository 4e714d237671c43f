"""What a response or a failed request means for the store: pure helpers of the spiders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as neterror
from twisted.python.failure import Failure

from crawler.exceptions import AddressRefused
from records import FetchFailure, FetchStatus

FAILED, SKIPPED = FetchStatus.FAILED, FetchStatus.SKIPPED

# A server's Retry-After is honoured up to a day: a hostile or mistaken header must not
# silence an outlet for good.
MAX_REST = timedelta(days=1)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Magic numbers of what news sites most often link besides pages.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x89PNG", "image/png"),
    (b"GIF8", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"ID3", "audio/mpeg"),
    (b"\x1f\x8b", "application/gzip"),
)
_HTML_MARKERS = (b"<html", b"<!doctype html", b"<head", b"<body", b"<p>", b"<div", b"<article")


@dataclass(frozen=True)
class PageKind:
    html: bool
    content_type: str  # as declared, or as sniffed when the bytes contradict the header


def page_kind(content_type: str | None, body: bytes) -> PageKind:
    """Whether to extract a response: the declared type, checked against the first bytes."""
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, sniffed in _SIGNATURES:
        if head.startswith(magic):
            return PageKind(False, sniffed)
    if declared in HTML_TYPES:
        return PageKind(True, declared)
    # Mislabelled or unlabelled pages are common; trust markup when we see it.
    vague = declared in ("", "text/plain", "application/octet-stream", "binary/octet-stream")
    if vague and any(marker in head.lower() for marker in _HTML_MARKERS):
        return PageKind(True, "text/html (sniffed)")
    return PageKind(False, declared or "unknown")


def describe_failure(failure: Failure, timeout: float | None = None) -> FetchFailure:
    """A failed request in the terms an operator reads in the store and the log."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return FetchFailure(FAILED, f"HTTP {status}", status)
    if isinstance(exc, DownloadTimeoutError | neterror.TimeoutError | neterror.TCPTimedOutError):
        after = f" after {timeout:g} s" if timeout else ""
        return FetchFailure(FAILED, f"timeout{after}")
    if isinstance(exc, CannotResolveHostError | neterror.DNSLookupError):
        # Twisted's own message already says "DNS lookup failed: ..."; don't say it twice.
        detail = str(exc).removeprefix("DNS lookup failed:").strip()
        return FetchFailure(FAILED, f"DNS lookup failed: {detail}")
    if isinstance(exc, DownloadCancelledError):
        # Scrapy cancels a download past DOWNLOAD_MAXSIZE; the message gives the sizes.
        return FetchFailure(FAILED, f"too large: {exc}")
    if isinstance(exc, DownloadConnectionRefusedError | neterror.ConnectionRefusedError):
        return FetchFailure(FAILED, "connection refused")
    if isinstance(exc, ResponseDataLossError):
        return FetchFailure(FAILED, f"response cut short: {exc}")
    if isinstance(exc, AddressRefused):
        return FetchFailure(SKIPPED, str(exc))
    if isinstance(exc, IgnoreRequest):
        message = str(exc) or type(exc).__name__
        if "robots.txt" in message:
            return FetchFailure(SKIPPED, "forbidden by robots.txt")
        if "redirect" in message:
            return FetchFailure(FAILED, f"redirect loop: {message}")
        return FetchFailure(FAILED, message)
    return FetchFailure(FAILED, f"{type(exc).__name__}: {exc}")


def rest_until(status: int | None, retry_after: str | None, now: datetime) -> datetime | None:
    """Until when a server that answered 429 or 503 asked not to be asked again, if it did.

    Retry-After is either seconds or an HTTP date (RFC 9110, 10.2.3); the rest is capped at
    ``MAX_REST``. None: no rest asked for, or a value that cannot be read.
    """
    if status not in (429, 503) or not retry_after:
        return None
    value = retry_after.strip()
    if value.isdigit():
        delay = timedelta(seconds=min(int(value), MAX_REST.total_seconds()))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        delay = when - now
    if delay <= timedelta(0):
        return None
    return now + min(delay, MAX_REST)
