"""The desk's reads of incidents: the filtered list, and one incident with all it has.

Plain reads returning small dataclasses; the pages (``desk.pages``) only lay them out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection, and_, or_, select

from records import Correction, Verdict, codec
from store.corrections import corrections, history
from store.schema import alerts, articles, incident_articles, incidents, outbox

LIST_LIMIT = 200


@dataclass(frozen=True)
class Filters:
    """What the incidents page was asked for; every field optional."""

    since: date | None = None
    until: date | None = None
    place: str = ""
    agency: str = ""
    fatal: bool | None = None
    followup: bool | None = None  # has updates: more than the report that opened it
    reviewed: bool | None = None  # an editor corrected it or one of its reports
    page: int = 0  # pages of LIST_LIMIT, newest first

    @classmethod
    def parse(cls, query: Any) -> Filters:
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(query.get(name, ""))
            except ValueError:
                return None

        def yes_no(name: str) -> bool | None:
            return {"yes": True, "no": False}.get(query.get(name, ""))

        return cls(
            since=day("since"),
            until=day("until"),
            place=query.get("place", "").strip()[:100],
            agency=query.get("agency", "").strip()[:100],
            fatal=yes_no("fatal"),
            followup=yes_no("followup"),
            reviewed=yes_no("reviewed"),
            page=min(int(query.get("page", "0")), 10_000) if query.get("page", "").isdigit() else 0,
        )

    def query_for(self, page: int) -> str:
        """The query string of these filters on another page."""
        values = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "place": self.place,
            "agency": self.agency,
            **{
                name: {True: "yes", False: "no"}.get(getattr(self, name), "")
                for name in ("fatal", "followup", "reviewed")
            },
        }
        kept = {k: v for k, v in values.items() if v}
        return urlencode({**kept, "page": page} if page else kept)


@dataclass(frozen=True)
class Row:
    id: int
    uid: str
    opened_at: datetime
    event_date: date | None
    title: str | None
    place: str
    facts: dict[str, Any]
    reports: int
    followup: bool
    reviewed: bool


def _place(row: Any, facts: dict[str, Any]) -> str:
    return ", ".join(p for p in (facts.get("place"), row.city, row.state) if p)


def _reviewed_ids(conn: Connection) -> set[int]:
    direct = select(corrections.c.incident_id).where(corrections.c.incident_id.is_not(None))
    via_article = select(incident_articles.c.incident_id).join(
        corrections, corrections.c.article_id == incident_articles.c.article_id
    )
    return {r[0] for r in conn.execute(direct)} | {r[0] for r in conn.execute(via_article)}


def listing(conn: Connection, filters: Filters) -> list[Row]:
    """Incidents newest first (not those merged into another), as the filters ask."""
    query = select(incidents).where(incidents.c.merged_into.is_(None))
    if filters.since:
        start = datetime.combine(filters.since, time(), tzinfo=UTC)
        query = query.where(
            or_(
                incidents.c.event_date >= filters.since,
                and_(incidents.c.event_date.is_(None), incidents.c.opened_at >= start),
            )
        )
    if filters.until:
        end = datetime.combine(filters.until, time.max, tzinfo=UTC)
        query = query.where(
            or_(
                incidents.c.event_date <= filters.until,
                and_(incidents.c.event_date.is_(None), incidents.c.opened_at <= end),
            )
        )
    if filters.place:
        words = filters.place
        query = query.where(
            or_(
                incidents.c.city.icontains(words, autoescape=True),
                incidents.c.state.icontains(words, autoescape=True),
                incidents.c.facts.icontains(words, autoescape=True),
            )
        )
    if filters.agency:
        query = query.where(incidents.c.agencies.icontains(filters.agency, autoescape=True))
    query = query.order_by(incidents.c.opened_at.desc(), incidents.c.id.desc())
    counts: dict[int, list[str]] = {}
    for link in conn.execute(select(incident_articles.c.incident_id, incident_articles.c.relation)):
        counts.setdefault(link.incident_id, []).append(link.relation)
    reviewed = _reviewed_ids(conn)
    out = []
    for row in conn.execute(query):
        facts = json.loads(row.facts) if row.facts else {}
        relations = counts.get(row.id, [])
        item = Row(
            id=row.id,
            uid=row.uid,
            opened_at=row.opened_at,
            event_date=row.event_date,
            title=row.title,
            place=_place(row, facts),
            facts=facts,
            reports=len(relations),
            followup="update" in relations,
            reviewed=row.id in reviewed,
        )
        if filters.fatal is not None and bool(facts.get("fatal")) != filters.fatal:
            continue
        if filters.followup is not None and item.followup != filters.followup:
            continue
        if filters.reviewed is not None and item.reviewed != filters.reviewed:
            continue
        out.append(item)
        if len(out) > (filters.page + 1) * LIST_LIMIT:
            break  # one more than the page: there is an older page
    return out[filters.page * LIST_LIMIT :]


@dataclass(frozen=True)
class Report:
    """One article of an incident as the incident page shows it."""

    article_id: int
    url: str
    title: str | None
    outlet: str | None
    published: datetime | None
    relation: str
    verdict: Verdict | None


@dataclass(frozen=True)
class Sent:
    """One alert for the incident, to one destination."""

    outbox_id: int
    event: str
    article_id: int | None
    article_title: str | None
    destination: str
    status: str
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class Incident:
    id: int
    uid: str
    opened_at: datetime
    updated_at: datetime
    event_date: date | None
    title: str | None
    place: str
    facts: dict[str, Any]
    reports: tuple[Report, ...]
    sent: tuple[Sent, ...]
    corrections: tuple[Correction, ...] = field(default=())


def resolve_uid(conn: Connection, uid: str) -> tuple[int | None, str | None]:
    """(incident id, None) for a live incident; (None, uid it was merged into) for one
    merged away; (None, None) for none."""
    row: Any = conn.execute(
        select(incidents.c.id, incidents.c.merged_into).where(incidents.c.uid == uid)
    ).first()
    seen: set[int] = set()
    while row is not None and row.merged_into is not None and row.merged_into not in seen:
        seen.add(row.merged_into)
        target = conn.execute(
            select(incidents.c.id, incidents.c.uid, incidents.c.merged_into).where(
                incidents.c.id == row.merged_into
            )
        ).first()
        if target is None:
            break
        if target.merged_into is None:
            return None, str(target.uid)
        row = target
    return (int(row.id), None) if row is not None else (None, None)


def verdict_of(text: str | None) -> Verdict | None:
    return codec.loads(Verdict, text) if text else None


def detail(conn: Connection, incident_id: int) -> Incident:
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).one()
    facts = json.loads(row.facts) if row.facts else {}
    reports = tuple(
        Report(r.id, r.canonical_url or r.url, r.title, r.outlet, r.published, r.relation,
               verdict_of(r.verdict))
        for r in conn.execute(
            select(articles, incident_articles.c.relation)
            .join(incident_articles, incident_articles.c.article_id == articles.c.id)
            .where(incident_articles.c.incident_id == incident_id)
            .order_by(articles.c.published, articles.c.id)
        )
    )  # fmt: skip
    sent = tuple(
        Sent(r.id, r.event, r.article_id, r.title, r.destination, r.status, r.sent_at, r.last_error)
        for r in conn.execute(
            select(outbox, alerts.c.event, alerts.c.article_id, articles.c.title)
            .join(alerts, alerts.c.id == outbox.c.alert_id)
            .outerjoin(articles, articles.c.id == alerts.c.article_id)
            .where(alerts.c.incident_id == incident_id)
            .order_by(outbox.c.id)
        )
    )
    ids = {r.article_id for r in reports}
    found = {c.id: c for c in history(conn, incident_id=incident_id)}
    for article_id in ids:
        found.update({c.id: c for c in history(conn, article_id=article_id)})
    return Incident(
        id=row.id,
        uid=row.uid,
        opened_at=row.opened_at,
        updated_at=row.updated_at,
        event_date=row.event_date,
        title=row.title,
        place=_place(row, facts),
        facts=facts,
        reports=reports,
        sent=sent,
        corrections=tuple(sorted(found.values(), key=lambda c: (c.at, c.id))),
    )


def choices(
    conn: Connection, near: int | None = None, limit: int = 100
) -> list[tuple[int, str, str]]:
    """Live incidents as (id, uid, title), for the "move to" form: those in the same place
    as incident ``near``, nearest in date first (where a report filed under the wrong
    shooting most likely belongs), then the most recently opened."""
    live = select(incidents.c.id, incidents.c.uid, incidents.c.title, incidents.c.event_date)
    live = live.where(incidents.c.merged_into.is_(None))
    nearby: list[Any] = []
    if near is not None:
        here = conn.execute(
            select(incidents.c.place_key, incidents.c.event_date).where(incidents.c.id == near)
        ).first()
        if here is not None and here.place_key:
            same_place = live.where(incidents.c.place_key == here.place_key, incidents.c.id != near)
            rows = conn.execute(same_place.order_by(incidents.c.opened_at.desc()).limit(limit))
            day = here.event_date
            nearby = sorted(
                rows,
                key=lambda r: abs((r.event_date - day).days) if r.event_date and day else 10**6,
            )
    recent = conn.execute(live.order_by(incidents.c.opened_at.desc()).limit(limit))
    out: dict[int, tuple[int, str, str]] = {}
    for r in [*nearby, *recent]:
        if r.id != near and len(out) < limit:
            out.setdefault(r.id, (r.id, r.uid, r.title or ""))
    return list(out.values())
