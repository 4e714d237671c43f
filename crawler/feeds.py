"""Feed bytes to entries: feedparser behind a pure function that never raises.

The crawl fetches feeds with Scrapy (politeness, robots.txt, conditional GET) and hands the
body here. feedparser records a broken feed as ``bozo`` rather than raising; we keep
whatever entries it could read and say what was wrong.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from time import struct_time
from typing import Any
from xml.sax.handler import ContentHandler, feature_external_ges, feature_external_pes

import feedparser
import feedparser.api
from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.expatreader import create_parser

from crawler.urls import clean_url, unwrap_redirector

# feedparser reads a feed with a strict XML parser and, when that fails, with a loose one.
# Entity expansion is the danger in both (one 50 KB entity referenced 40,000 times costs
# gigabytes), and feeds have no need of entities: a feed that declares any is refused.
# The strict path gets defusedxml's expat, which raises on any entity declaration (and
# feedparser lets that error through rather than falling back). The loose parser is handed
# the entities feedparser's own regular expressions find in the document's head, which a
# declaration hidden in a comment can fool; it gets none.
feedparser.api.PREFERRED_XML_PARSERS[:] = ["defusedxml.expatreader"]
_replace_doctype = feedparser.api.replace_doctype


def _replace_doctype_without_entities(data: bytes) -> tuple[str | None, bytes, dict[str, str]]:
    version, data, _entities = _replace_doctype(data)
    return version, data, {}


feedparser.api.replace_doctype = _replace_doctype_without_entities


class _PrologRead(Exception):
    """The root element was reached: the document type declaration, if any, is behind us."""


class _StopAtRoot(ContentHandler):
    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - SAX's naming
        raise _PrologRead

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:  # noqa: N802
        raise _PrologRead


def _refused(exc: EntitiesForbidden) -> str:
    return f"refused: the feed declares the XML entity {exc.name!r} (feeds may declare none)"


def entity_refusal(body: bytes) -> str | None:
    """Why the feed is refused, if its document type declares entities; else None.

    A real XML parser (defusedxml's expat) reads the prolog, where declarations can be, and
    stops at the root element: a decoy ``<!DOCTYPE`` in a comment or a ``]>`` inside an
    entity value cannot mislead it as they misled a text search. A prolog it cannot read
    is left to feedparser, whose own parsers are guarded as above.
    """
    # An external DTD (RSS 0.91's, say) is common and harmless: never fetched, not refused.
    parser = create_parser(forbid_external=False)
    parser.setFeature(feature_external_ges, False)
    parser.setFeature(feature_external_pes, False)
    parser.setContentHandler(_StopAtRoot())
    try:
        parser.parse(io.BytesIO(body))
    except _PrologRead:
        return None
    except EntitiesForbidden as exc:
        return _refused(exc)
    except DefusedXmlException as exc:
        return f"refused: {type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001 - malformed XML is feedparser's to report
        return None
    return None


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
    refusal = entity_refusal(body)
    if refusal is not None:
        return ParsedFeed(None, None, (), True, refusal)
    try:
        # A BytesIO, never the bare bytes: feedparser treats a string as a URL or a path.
        result = feedparser.parse(io.BytesIO(body), response_headers=response_headers)
    except EntitiesForbidden as exc:
        # Declared where only feedparser's conversion found it (a prolog expat could not read).
        return ParsedFeed(
            None,
            None,
            (),
            True,
            f"refused: the feed declares the XML entity {exc.name!r} (feeds may declare none)",
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
