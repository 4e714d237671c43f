"""Feed bytes to entries: feedparser behind a pure function that never raises.

The crawl fetches feeds with Scrapy (politeness, robots.txt, conditional GET) and hands the
body here. feedparser records a broken feed as ``bozo`` rather than raising; we keep
whatever entries it could read and say what was wrong.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from time import struct_time
from typing import Any

import feedparser

from crawler.urls import clean_url, unwrap_redirector

# An internal-subset entity is kept only when expanding it cannot multiply the document:
# a short literal or a single character reference. feedparser drops entities that refer
# to other entities (billion laughs) but keeps long literals, and its fallback parser
# expands those without limit (a 50 KB entity referenced 50,000 times costs gigabytes).
MAX_ENTITY_VALUE = 16
_ENTITY_DECL = re.compile(r"""<!ENTITY(?:[^>"']|"[^"]*"|'[^']*')*>""")
_SAFE_ENTITY = re.compile(
    r"""<!ENTITY\s+[A-Za-z_][\w.-]*\s+(?:"(?P<dq>[^"&%<]*|&\#\w+;)"|'(?P<sq>[^'&%<]*|&\#\w+;)')\s*>"""
)
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_SUBSET_END = re.compile(r"\]\s*>")

# Byte patterns of "<?" / "<" in the wide encodings an XML document may use (XML 1.0, F.1).
_WIDE_CODECS = (
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\x00<\x00?", "utf-16-be", 0),
    (b"<\x00?\x00", "utf-16-le", 0),
)


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, with its link ready to fetch."""

    link: str | None  # unwrapped from news redirectors and cleaned of tracking parameters
    entry_id: str | None
    title: str | None
    published: datetime | None  # aware UTC


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    version: str | None  # feedparser's name for the dialect, e.g. "rss20", "atom10"
    entries: tuple[FeedEntry, ...]
    bozo: bool
    bozo_error: str | None  # what was wrong with a malformed feed

    @property
    def readable(self) -> bool:
        """Whether anything usable came out: a feed dialect was recognised or entries read."""
        return bool(self.version or self.entries)


def _defuse_text(text: str) -> str:
    start = _DOCTYPE.search(text)
    if start is None:
        return text  # entities can only be declared in a DOCTYPE
    end = _SUBSET_END.search(text, start.end())
    stop = end.end() if end else len(text)

    def keep_safe(match: re.Match[str]) -> str:
        safe = _SAFE_ENTITY.fullmatch(match.group(0))
        if safe is None:
            return ""
        value = safe.group("dq") if safe.group("dq") is not None else safe.group("sq")
        return match.group(0) if len(value) <= MAX_ENTITY_VALUE else ""

    head = _ENTITY_DECL.sub(keep_safe, text[start.start() : stop])
    return text[: start.start()] + head + text[stop:]


def defuse_entities(body: bytes) -> bytes:
    """Remove entity declarations whose expansion could exhaust memory; keep the rest."""
    for prefix, codec, bom in _WIDE_CODECS:
        if body.startswith(prefix):
            text = body[bom:].decode(codec, errors="replace")
            if "<!ENTITY" not in text:
                return body
            return body[:bom] + _defuse_text(text).encode(codec)
    if b"<!ENTITY" not in body:
        return body
    # Latin-1 maps bytes to code points one to one, so any ASCII-compatible encoding
    # survives the round trip unchanged apart from the declarations removed.
    return _defuse_text(body.decode("latin-1")).encode("latin-1")


def _aware(parsed: Any) -> datetime | None:
    if not isinstance(parsed, struct_time | tuple) or len(parsed) < 6:
        return None
    try:
        year, month, day, hour, minute, second = parsed[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _link(raw: Any) -> str | None:
    link = _text(raw)
    if link is None or not link.lower().startswith(("http://", "https://")):
        return None
    try:
        return clean_url(unwrap_redirector(link))
    except ValueError:
        return None


def _entry(raw: Mapping[str, Any]) -> FeedEntry:
    link = _link(raw.get("link"))
    if link is None:
        # Some feeds put the article URL only in an alternate <link> or in the guid.
        for candidate in raw.get("links") or ():
            link = _link(candidate.get("href")) if hasattr(candidate, "get") else None
            if link:
                break
    if link is None and raw.get("guidislink"):
        link = _link(raw.get("id"))
    return FeedEntry(
        link=link,
        entry_id=_text(raw.get("id")),
        title=_text(raw.get("title")),
        published=_aware(raw.get("published_parsed")) or _aware(raw.get("updated_parsed")),
    )


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse a fetched feed; malformed input gives ``bozo`` and whatever could be read."""
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    # Relative links in the feed resolve against where it was fetched from.
    response_headers.setdefault("content-location", url)
    try:
        # A BytesIO, never the bare bytes: feedparser treats a string as a URL or a path.
        result = feedparser.parse(
            io.BytesIO(defuse_entities(body)), response_headers=response_headers
        )
    except Exception as exc:  # noqa: BLE001 - a feed must never stop the poll
        return ParsedFeed(None, None, (), True, f"{type(exc).__name__}: {exc}")
    entries = []
    for raw in result.get("entries") or ():
        try:
            entries.append(_entry(raw))
        except Exception:  # noqa: BLE001, S112 - one odd entry must not cost the others
            continue
    error = result.get("bozo_exception")
    return ParsedFeed(
        title=_text(result.get("feed", {}).get("title")),
        version=result.get("version") or None,
        entries=tuple(entries),
        bozo=bool(result.get("bozo")),
        bozo_error=f"{type(error).__name__}: {error}" if error is not None else None,
    )
