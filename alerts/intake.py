"""From a stored, classified article to incident membership and outbox rows.

Runs inside the transaction that stores the article, so the article, its incident and its
outbox rows are written together or not at all.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Connection, select

from alerts.destinations import destinations
from alerts.records import Alert
from config.model import AlertsConfig, Config
from incidents import db as incidents
from incidents import linking
from incidents.matching import Candidate, match
from records import Article, ArticleRef, Category, Event, Relation, Verdict, codec
from store import outbox, utcnow
from store.engine import inserted_id
from store.schema import alerts as alerts_table

log = logging.getLogger("oiswatch.alerts")


def is_alertable(verdict: Verdict | None, settings: AlertsConfig) -> bool:
    """Whether a verdict is the kind editors asked to hear about (whatever ``article.alert``)."""
    if verdict is None:
        return False
    if verdict.category == Category.OFFICER_SHOT:
        if not settings.include_officer_shot:
            return False
    elif not verdict.ois:
        return False
    return verdict.in_region is not False or settings.include_out_of_region


def enqueue(
    conn: Connection,
    article_id: int,
    article: Article,
    config: Config,
    now: datetime | None = None,
    *,
    flagged: bool = False,
) -> int:
    """Group the article into an incident and queue its alerts; returns outbox rows written.

    Storing the same article again writes nothing. Articles with ``alert`` false (backfills)
    still join incidents, so later reports thread onto them, but raise no alert.
    ``flagged``: an editor says it is a police shooting, whatever the verdict says.
    """
    now = now or utcnow()
    if not flagged and not is_alertable(article.verdict, config.alerts):
        return 0
    if incidents.incident_of(conn, article_id) is not None:
        return 0
    report = incidents.report_of(article)
    try:
        nearby = incidents.candidates(conn, report.features, now)
        found = match(report.features, nearby)
    except Exception:  # noqa: BLE001 - a grouping bug must not cost the article or its alert
        log.exception("grouping article %s failed; it opens a new incident", article_id)
        nearby, found = [], None
    changes: tuple[str, ...] = ()
    if found is None:
        incident_id = incidents.open_incident(conn, article_id, article.title, report, now)
        log.info("article %s opens incident %s", article_id, incidents.uid_of(conn, incident_id))
        event = Event.INCIDENT_NEW
    else:
        incident_id = found.incident_id
        joined = incidents.attach(
            conn, incident_id, article_id, found.relation, found.similarity, report, now
        )
        log.info(
            "article %s joins incident %s as %s%s: %s",
            article_id,
            incidents.uid_of(conn, incident_id),
            found.relation,
            " (now its first report)" if joined.earlier else "",
            found.reason,
        )
        if found.relation == Relation.COPY:
            return 0
        # Published before the report editors were first alerted to: an earlier report of a
        # known incident, never a second "new incident".
        event = Event.INCIDENT_EARLIER if joined.earlier else Event.INCIDENT_UPDATE
        # A report that joins an incident may show another to be the same shooting. One
        # that opens an incident cannot: it would have joined the other.
        incident_id, event, merges = _merge_linked(
            conn, article_id, incident_id, report, event, nearby, now
        )
        changes = joined.changes + merges
    if not article.alert:
        return 0
    keys = [d.key for d in destinations(config.alerts)]
    if not keys:
        log.warning(
            "article %s raises %s but no alert destination is configured", article_id, event
        )
    alert = Alert(
        id=0,
        event=event,
        created_at=now,
        article=ArticleRef(
            url=article.canonical_url or article.url,
            title=article.title,
            outlet=article.outlet,
            published=article.published,
            id=article_id,
            relation=Relation.UPDATE if event == Event.INCIDENT_UPDATE else Relation.FIRST,
        ),
        incident=incidents.snapshot(conn, incident_id, exclude_article=article_id),
        verdict=article.verdict,
        changes=changes,
    )
    alert_id = insert_alert(conn, f"article:{article_id}", alert)
    return outbox.add(conn, alert_id, keys, now)


def _merge_linked(
    conn: Connection,
    article_id: int,
    incident_id: int,
    report: incidents.Report,
    event: Event,
    nearby: list[Candidate],
    now: datetime,
) -> tuple[int, Event, tuple[str, ...]]:
    """Merge the incidents this report, which joined ``incident_id``, showed to be that
    shooting (``incidents.linking``; ``nearby``: the candidates grouping found for it); the
    incident, event and merge lines its alert carries then."""
    try:
        # A savepoint: a merge that fails half-way leaves both incidents as they were.
        with conn.begin_nested():
            kept, merges = linking.merge_linked(conn, incident_id, report.features, now, nearby)
    except Exception:  # noqa: BLE001 - a merging bug must not cost the article or its alert
        log.exception("merging incidents linked by article %s failed", article_id)
        return incident_id, event, ()
    if not merges:
        return incident_id, event, ()
    for m in merges:
        log.info(
            "article %s links incident %s into %s: %s",
            article_id,
            m.gone_uid,
            incidents.uid_of(conn, m.kept),
            m.reason,
        )
    first = incidents.first_of(conn, kept) == article_id
    event = Event.INCIDENT_EARLIER if first else Event.INCIDENT_UPDATE
    return kept, event, tuple(m.line() for m in merges)


def has_alert(conn: Connection, article_id: int) -> bool:
    """Whether the article ever had an alert: one per article, whatever happens after (a
    false alarm withdrawn, a label changed, a rule changed)."""
    query = select(alerts_table.c.id).where(alerts_table.c.key == f"article:{article_id}")
    return conn.execute(query).first() is not None


def insert_alert(conn: Connection, key: str, alert: Alert) -> int:
    result = conn.execute(
        alerts_table.insert().values(
            key=key,
            event=alert.event,
            incident_id=alert.incident.id if alert.incident else None,
            article_id=alert.article.id if alert.article else None,
            created_at=alert.created_at,
            payload=codec.dumps(alert),
        )
    )
    return inserted_id(result)
