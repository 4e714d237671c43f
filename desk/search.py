"""Search over stored articles (``store.fulltext``), with what an editor needs per hit:
whether the bot flagged it, the editor's label, its incident, and a snippet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from records import Correction
from store import fulltext
from store.corrections import labels
from store.schema import articles, incident_articles, incidents

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Hit:
    id: int
    title: str | None
    outlet: str | None
    published: datetime | None
    ois: bool | None
    category: str | None
    label: Correction | None
    incident_uid: str | None
    snippet: str


def snippet(text: str, words: str) -> str:
    """The text around the first of the words it contains (plain text; escaped when shown)."""
    lowered = text.lower()
    hits = [lowered.find(w.lower()) for w in re.findall(r"\w+", words)]
    at = min((h for h in hits if h >= 0), default=0)
    start = max(at - SNIPPET_CHARS // 3, 0)
    piece = text[start : start + SNIPPET_CHARS].replace("\n", " ")
    return ("… " if start else "") + piece + (" …" if start + SNIPPET_CHARS < len(text) else "")


def search(conn: Connection, words: str, limit: int = 50) -> list[Hit]:
    ids = fulltext.search(conn, words, limit)
    if not ids:
        return []
    rows = {
        r.id: r
        for r in conn.execute(
            select(articles, incidents.c.uid)
            .outerjoin(incident_articles, incident_articles.c.article_id == articles.c.id)
            .outerjoin(incidents, incidents.c.id == incident_articles.c.incident_id)
            .where(articles.c.id.in_(ids))
        )
    }
    marked = labels(conn, ids)
    return [
        Hit(
            id=r.id,
            title=r.title,
            outlet=r.outlet,
            published=r.published,
            ois=r.ois,
            category=r.category,
            label=marked.get(r.id),
            incident_uid=r.uid,
            snippet=snippet(r.text or "", words),
        )
        for r in (rows[i] for i in ids if i in rows)
    ]
