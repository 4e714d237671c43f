"""Article text and metadata from one HTML page: trafilatura with our settings, in one pass.

Pure: no network, no disk. Bad input (empty, binary, broken HTML) gives None, never an
exception, because one odd page must not stop a crawl.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
from trafilatura.settings import Document
from trafilatura.utils import load_html

from crawler.dates import parse_datetime
from crawler.urls import clean_url, same_site


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    author: str | None
    published: datetime | None  # aware, UTC
    canonical_url: str
    language: str | None  # primary language subtag, lower case ("en")
    content_hash: str  # sha256 hex of the whitespace-normalised text


# Our trafilatura settings. Comments are reader chatter, not the story; tables stay because
# local papers put casualty and arrest lists in them. `fast` skips trafilatura's second
# opinion (readability/justext): on the article-extraction benchmark it scores as well
# (F1 0.962 against 0.960) in two thirds of the time (benchmarks/extraction_quality.py).
EXTRACT_OPTIONS: dict[str, Any] = {
    "fast": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
}

_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
)
EARLIEST_YEAR = 1990
# Fewer words than this is a menu or a caption that trafilatura fell back to, not a story;
# a one-line breaking-news brief still has more.
MIN_WORDS = 5
_WORD = re.compile(r"\w+")
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


def content_hash(text: str) -> str:
    """sha256 of the text with every whitespace run collapsed to one space."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _looks_binary(data: bytes | str) -> bool:
    head = data[:2048]
    nuls = head.count(b"\x00") if isinstance(head, bytes) else head.count("\x00")
    return nuls > 8


def _decode(html: bytes, encoding: str | None) -> bytes | str:
    """Decode with the declared charset; without one, let trafilatura sniff the bytes."""
    if not encoding and html.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # trafilatura's sniffing does not look for it
    if not encoding:
        return html
    try:
        codecs.lookup(encoding)
    except LookupError:
        return html
    return html.decode(encoding, errors="replace")


def _plausible(moment: datetime | None) -> datetime | None:
    # Templates fill empty dates with placeholders such as 0001-01-01; no news is that old.
    return moment if moment is not None and moment.year >= EARLIEST_YEAR else None


def _meta_published(tree: HtmlElement) -> datetime | None:
    """The publication time the page declares: meta tags, then JSON-LD, then <time>."""
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _PUBLISHED_META and key not in found:
            found[key] = meta.get("content", "")
    candidates = [found.get(key) for key in _PUBLISHED_META]
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        candidates.extend(_LD_DATE.findall(script.text or ""))
    for node in tree.iterfind(".//time[@datetime]"):
        if node.get("itemprop") == "datePublished" or node.get("pubdate") is not None:
            candidates.append(node.get("datetime"))
    for value in candidates:
        if (moment := _plausible(parse_datetime(value))) is not None:
            return moment
    return None


def _declared_canonicals(tree: HtmlElement) -> list[str]:
    """Canonical URLs the page declares, best first: <link rel=canonical>, then og:url."""
    links = [
        link.get("href", "")
        for link in tree.iterfind(".//link[@href]")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    og = [
        meta.get("content", "")
        for meta in tree.iterfind(".//meta[@content]")
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url"
    ]
    return links[:1] + og[:1]


def _path(url: str) -> str:
    try:
        return urlsplit(url).path.strip("/")
    except ValueError:
        return ""


def canonical_for(declared: Sequence[str], url: str) -> str:
    """The first declared canonical on the fetched site (resolved, cleaned), else `url` cleaned.

    Ignored: canonicals on other sites (syndicated copies point at the wire service, and a
    hostile page could claim any URL), and a site's home page given as the canonical of an
    article (a template bug that would make every story look like one).
    """
    for candidate in declared:
        try:
            resolved = urljoin(url, candidate.strip())
        except ValueError:
            continue
        if not candidate.strip() or not resolved.startswith(("http://", "https://")):
            continue
        if not same_site(resolved, url) or (not _path(resolved) and _path(url)):
            continue
        return clean_url(resolved)
    return clean_url(url)


def _language(doc_language: str | None, tree: HtmlElement) -> str | None:
    for candidate in (doc_language, tree.get("lang"), tree.get("xml:lang")):
        if candidate and candidate.strip():
            primary = re.split(r"[-_]", candidate.strip())[0].lower()
            if primary.isalpha() and 2 <= len(primary) <= 3:
                return primary
    return None


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def extract_article(
    html: str | bytes, url: str, *, encoding: str | None = None
) -> Extracted | None:
    """The article in `html` fetched from `url`, or None when the page has no article text."""
    try:
        return _extract(html, url, encoding)
    except Exception:  # lxml and trafilatura raise many types on hostile input
        return None


def _page_metadata(tree: HtmlElement) -> Document:
    """Title and author from meta tags and JSON-LD, as trafilatura's metadata pass finds them.

    trafilatura's full pass (with_metadata=True) also guesses authors from bylines in the
    body, categories, tags, licence and a date by scanning the text: half again the cost of
    extracting the article, for fields we do not use or read more cheaply ourselves.
    """
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:  # a bare handle ("admin"), not a name
        meta.author = None
    # trafilatura's JSON-LD reader can trip on malformed scripts; meta tags still count.
    with contextlib.suppress(Exception):
        meta = extract_meta_json(tree, meta)
    if not meta.title:
        meta.title = extract_title(tree)
    return meta


def _extract(html: str | bytes, url: str, encoding: str | None) -> Extracted | None:
    if not html or not isinstance(html, bytes | str):
        return None
    source = _decode(html, encoding) if isinstance(html, bytes) else html
    if _looks_binary(source):
        return None
    tree = load_html(source)  # parsed once: trafilatura extracts from a copy of this tree
    if tree is None:
        return None
    doc = trafilatura.bare_extraction(tree, url=url, **EXTRACT_OPTIONS)
    assert not isinstance(doc, dict)  # a Document: as_dict is off
    text = unicodedata.normalize("NFC", (doc.text or "") if doc is not None else "").strip()
    if len(_WORD.findall(text, endpos=1000)) < MIN_WORDS:
        return None
    meta = _page_metadata(tree)
    published = _meta_published(tree)
    if published is None:
        # htmldate's best guess from the page; a calendar day, so midnight UTC keeps that day.
        guess = find_date(tree, extensive_search=False, original_date=True)
        published = _plausible(parse_datetime(guess))
    return Extracted(
        text=text,
        title=_clean(meta.title),
        author=_clean(meta.author),
        published=published,
        canonical_url=canonical_for(_declared_canonicals(tree), url),
        language=_language(meta.language, tree),
        content_hash=content_hash(text),
    )
