"""The desk's reads of articles: one article with its verdict, labels and incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from desk.incidents import verdict_of
from records import Correction, Verdict
from store.corrections import history, labels
from store.schema import articles, incident_articles, incidents


@dataclass(frozen=True)
class Article:
    id: int
    url: str
    title: str | None
    outlet: str | None
    feed: str | None
    published: datetime | None
    fetched_at: datetime | None
    fetch_status: str
    fetch_error: str | None
    text: str
    verdict: Verdict | None
    incident_uid: str | None
    incident_id: int | None
    relation: str | None
    label: Correction | None  # the editor's latest word on it, which wins over the verdict
    corrections: tuple[Correction, ...]


def get(conn: Connection, article_id: int) -> Article | None:
    row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
    if row is None:
        return None
    link = conn.execute(
        select(incidents.c.id, incidents.c.uid, incident_articles.c.relation)
        .join(incidents, incidents.c.id == incident_articles.c.incident_id)
        .where(incident_articles.c.article_id == article_id)
    ).first()
    return Article(
        id=row.id,
        url=row.canonical_url or row.url,
        title=row.title,
        outlet=row.outlet,
        feed=row.feed,
        published=row.published,
        fetched_at=row.fetched_at,
        fetch_status=row.fetch_status,
        fetch_error=row.fetch_error,
        text=row.text or "",
        verdict=verdict_of(row.verdict),
        incident_uid=link.uid if link else None,
        incident_id=link.id if link else None,
        relation=link.relation if link else None,
        label=labels(conn, [article_id]).get(article_id),
        corrections=tuple(history(conn, article_id=article_id)),
    )
