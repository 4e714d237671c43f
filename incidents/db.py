"""Incidents in the store: find the candidates for an article, open one, attach to one.

The sameness rule itself is the pure ``incidents.matching``; this module only reads and writes.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select, update

from incidents.matching import DATE_WINDOW_DAYS, Candidate, Features, merge
from incidents.similarity import decode, encode, proper_names, signature
from records import ArticleRef, IncidentRef, Relation
from store.engine import inserted_id
from store.schema import articles, incident_articles, incidents

# An incident stays open to new reports this long after its last one.
OPEN_DAYS = 30


def agency_key(name: str) -> str:
    """An agency name with case and punctuation aside: "Kansas City Police" once, however
    each outlet writes it."""
    return " ".join(re.findall(r"[a-z]+", name.casefold()))


def features_of(article: Any) -> Features:
    """The facts of a stored article (``crawler.items.Article`` with a verdict)."""
    v = article.verdict
    loc = v.location if v else None
    agencies = tuple(v.agencies) if v else ()
    if v and v.investigating_agency:
        agencies += (v.investigating_agency,)
    event_date = v.incident_date if v else None
    # A follow-up's publication day says nothing about when the shooting happened.
    if event_date is None and article.published and not (v and v.followup):
        event_date = article.published.date()
    exclude = [*agencies, loc.city if loc else "", article.outlet or ""]
    text = "\n".join(filter(None, [article.title, article.text]))
    return Features(
        signature=signature(article.text or article.title or ""),
        names=proper_names(text, exclude),
        city=loc.city if loc else None,
        state=loc.state if loc else None,
        event_date=event_date,
        agencies=frozenset(agency_key(a) for a in agencies if a),
        content_hash=article.content_hash or "",
    )


def incident_of(conn: Connection, article_id: int) -> int | None:
    row = conn.execute(
        select(incident_articles.c.incident_id).where(incident_articles.c.article_id == article_id)
    ).first()
    return row.incident_id if row else None


def _facts(row: Any) -> Features:
    return Features(
        signature=(),
        names=frozenset(),
        city=row.city,
        state=row.state,
        event_date=row.event_date,
        agencies=frozenset(json.loads(row.agencies or "[]")),
    )


def candidates(conn: Connection, article: Features, now: datetime) -> list[Candidate]:
    """Incidents still open at ``now``, or whose shooting was on (about) the article's day."""
    conds = [incidents.c.updated_at >= now - timedelta(days=OPEN_DAYS)]
    if article.event_date:
        conds.append(
            incidents.c.event_date.between(
                article.event_date - timedelta(days=DATE_WINDOW_DAYS),
                article.event_date + timedelta(days=DATE_WINDOW_DAYS),
            )
        )
    rows = conn.execute(select(incidents).where(or_(*conds))).all()
    if not rows:
        return []
    members: dict[int, list[Features]] = {r.id: [] for r in rows}
    member_rows = conn.execute(
        select(incident_articles, articles.c.content_hash)
        .join(articles, articles.c.id == incident_articles.c.article_id)
        .where(incident_articles.c.incident_id.in_(list(members)))
    ).all()
    names: dict[int, frozenset[str]] = {}
    for m in member_rows:
        member_names = frozenset(json.loads(m.names))
        names[m.incident_id] = names.get(m.incident_id, frozenset()) | member_names
        members[m.incident_id].append(
            Features(
                signature=decode(m.signature),
                names=member_names,
                city=None,
                state=None,
                event_date=None,
                agencies=frozenset(),
                content_hash=m.content_hash or "",
            )
        )
    out = []
    for r in rows:
        facts = replace(_facts(r), names=names.get(r.id, frozenset()))
        out.append(Candidate(r.id, facts, tuple(members[r.id])))
    return out


def open_incident(
    conn: Connection, article_id: int, title: str | None, feats: Features, now: datetime
) -> int:
    result = conn.execute(
        incidents.insert().values(
            uid=uuid.uuid4().hex[:20],
            opened_at=now,
            updated_at=now,
            first_article_id=article_id,
            title=title,
            city=feats.city,
            state=feats.state,
            event_date=feats.event_date,
            agencies=json.dumps(sorted(feats.agencies)),
        )
    )
    incident_id = inserted_id(result)
    attach(conn, incident_id, article_id, Relation.FIRST, None, feats, now)
    return incident_id


def attach(
    conn: Connection,
    incident_id: int,
    article_id: int,
    relation: str,
    similarity: float | None,
    feats: Features,
    now: datetime,
) -> None:
    conn.execute(
        incident_articles.insert().values(
            article_id=article_id,
            incident_id=incident_id,
            relation=relation,
            similarity=similarity,
            signature=encode(feats.signature),
            names=json.dumps(sorted(feats.names)),
            attached_at=now,
        )
    )
    if relation == Relation.FIRST:
        return
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).one()
    merged = merge(_facts(row), feats)
    conn.execute(
        update(incidents)
        .where(incidents.c.id == incident_id)
        .values(
            updated_at=now,
            city=merged.city,
            state=merged.state,
            event_date=merged.event_date,
            agencies=json.dumps(sorted(merged.agencies)),
        )
    )


def snapshot(conn: Connection, incident_id: int, exclude_article: int | None = None) -> IncidentRef:
    """The incident and its articles (oldest first) as an alert shows them."""
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).one()
    refs = conn.execute(
        select(
            articles.c.id,
            articles.c.url,
            articles.c.canonical_url,
            articles.c.title,
            articles.c.outlet,
            articles.c.published,
            incident_articles.c.relation,
        )
        .join(incident_articles, incident_articles.c.article_id == articles.c.id)
        .where(incident_articles.c.incident_id == incident_id)
        .order_by(incident_articles.c.attached_at, articles.c.id)
    ).all()
    return IncidentRef(
        id=row.id,
        uid=row.uid,
        opened_at=row.opened_at,
        city=row.city,
        state=row.state,
        event_date=row.event_date,
        articles=tuple(
            ArticleRef(
                url=r.canonical_url or r.url,
                title=r.title,
                outlet=r.outlet,
                published=r.published,
                id=r.id,
                relation=Relation(r.relation),
            )
            for r in refs
            if r.id != exclude_article
        ),
    )


def incidents_since(conn: Connection, since: datetime, until: datetime) -> list[IncidentRef]:
    """Incidents opened or updated in [since, until), for the digest."""
    ids = conn.execute(
        select(incidents.c.id)
        .where(incidents.c.updated_at >= since, incidents.c.updated_at < until)
        .order_by(incidents.c.opened_at)
    ).all()
    return [snapshot(conn, r.id) for r in ids]
