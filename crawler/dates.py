"""Timestamps as pages, feeds and sitemaps write them, read as aware UTC. Pure.

Kept apart from ``crawler.extraction`` so the crawl process can read sitemap dates
without importing trafilatura.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime


def _rfc2822(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _day(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 2822 timestamp as an aware UTC datetime; naive ones are taken as UTC."""
    if not value:
        return None
    value = value.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment: datetime | None = datetime.fromisoformat(value)
    except ValueError:
        moment = _rfc2822(value) or _day(value[:10])
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # a year-1 or year-9999 placeholder with an offset
        return None


def in_date_range(when: datetime | None, since: date | None, until: date | None) -> bool:
    """Whether `when` falls on a UTC day from `since` to `until` (either may be open);
    an unknown time is kept, since a backfill must not drop what it cannot date."""
    if when is None:
        return True
    day = when.astimezone(UTC).date()
    return not (since and day < since) and not (until and day > until)
