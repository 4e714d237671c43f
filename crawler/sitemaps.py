"""Sitemaps to article links: sitemap indexes, URL sets and Google News sitemaps. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from crawler.dates import parse_datetime

# Never resolve entities or fetch DTDs: a sitemap is untrusted input.
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "recover": True,
    "huge_tree": False,
    "remove_comments": True,
}


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    # news:publication_date when given (when the story ran), else lastmod.
    date: datetime | None


@dataclass(frozen=True)
class Sitemap:
    kind: str | None  # "sitemapindex", "urlset", or None when the document is neither
    entries: tuple[SitemapEntry, ...]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: bytes) -> Sitemap:
    try:
        root = etree.fromstring(body, etree.XMLParser(**_PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError):
        return Sitemap(None, ())
    if root is None or _local(root.tag) not in ("sitemapindex", "urlset"):
        return Sitemap(None, ())
    entries = []
    for node in root:
        if _local(node.tag) not in ("sitemap", "url"):
            continue
        fields: dict[str, str] = {}
        for child in node.iter():
            name = _local(child.tag)
            if name in ("loc", "lastmod", "publication_date") and child.text:
                fields.setdefault(name, child.text.strip())
        loc = fields.get("loc", "")
        if loc.startswith(("http://", "https://")):
            # parse_datetime reads W3C datetimes ("2025-02-27", "...T09:15:00+01:00", "...Z").
            when = parse_datetime(fields.get("publication_date")) or parse_datetime(
                fields.get("lastmod")
            )
            entries.append(SitemapEntry(loc, when))
    return Sitemap(_local(root.tag), tuple(entries))
