"""Incident rows after their reports change hands: rebuild, absorb, detach. No corrections.

Grouping builds an incident one report at a time (``incidents.db.attach``). When reports
leave or arrive otherwise (an editor moves, splits or merges; a later report shows two
incidents to be one shooting; a false alarm leaves), the incident is rebuilt from the
reports it has now, in publication order: its first report is the earliest published
(copies aside), its facts are merged again (``incidents.facts``), with the facts editors
corrected put back on top, and its keys (``incident_keys``) are those of its reports.

An incident with no reports left is kept (alerts and corrections name it): merged into the
one its reports went to (``merged_into``), or, when they left as false alarms, empty; both
are skipped by grouping, the digest and the export.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from classifier.names import family_names
from incidents import facts as incident_facts
from incidents.db import Report, _name_keys, incident_of, place_key, report_of
from records import Article, Relation
from store.engine import utcnow
from store.reads import article_of
from store.schema import alerts, articles, incident_articles, incident_keys
from store.schema import incidents as incidents_table

__all__ = ["absorb", "detach", "live_id", "load_article", "members_of", "rebuild"]


def load_article(conn: Connection, article_id: int) -> Article:
    """A stored article with its verdict, read inside the caller's transaction."""
    row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().first()
    if row is None:
        raise KeyError(f"No article with id {article_id}")
    return article_of(row)


def live_id(conn: Connection, incident_id: int) -> int:
    """The incident that stands for ``incident_id`` now: itself, or the one it was merged
    into (followed to the end)."""
    seen = {incident_id}
    current = incident_id
    while True:
        row = conn.execute(
            select(incidents_table.c.merged_into).where(incidents_table.c.id == current)
        ).first()
        if row is None:
            raise KeyError(f"No incident with id {incident_id}")
        if row.merged_into is None or row.merged_into in seen:
            return current
        current = row.merged_into
        seen.add(current)


def members_of(conn: Connection, incident_id: int) -> list[tuple[int, str]]:
    """(article id, relation) of the incident's reports, earliest published first."""
    rows = conn.execute(
        select(incident_articles.c.article_id, incident_articles.c.relation, articles.c.published)
        .join(articles, articles.c.id == incident_articles.c.article_id)
        .where(incident_articles.c.incident_id == incident_id)
    ).all()
    rows = sorted(rows, key=lambda r: (r.published is None, r.published, r.article_id))
    return [(r.article_id, r.relation) for r in rows]


def _keys(conn: Connection, incident_id: int, keys: set[str]) -> None:
    conn.execute(delete(incident_keys).where(incident_keys.c.incident_id == incident_id))
    if keys:
        rows = [{"key": k[:120], "incident_id": incident_id} for k in sorted(keys)]
        conn.execute(incident_keys.insert(), rows)


def _edited_keys(edited: dict[str, Any]) -> set[str]:
    keys = {f"victim:{n}" for n in family_names(edited.get("victim_name") or "")}
    for name in edited.get("officer_names") or ():
        keys |= {f"officer:{n}" for n in family_names(name)}
    return keys


def rebuild(conn: Connection, incident_id: int, now: datetime | None = None) -> None:
    """Recompute the incident's row from the reports it has now (see the module doc)."""
    now = now or utcnow()
    row = conn.execute(select(incidents_table).where(incidents_table.c.id == incident_id)).one()
    old = json.loads(row.facts) if row.facts else {}
    edited: dict[str, Any] = old.get(incident_facts.EDITED) or {}
    members = members_of(conn, incident_id)
    if not members:
        # Nothing left to match a later report with; the row stays for what names it.
        _keys(conn, incident_id, set())
        emptied = update(incidents_table).where(incidents_table.c.id == incident_id)
        conn.execute(emptied.values(updated_at=now))
        return
    reports: list[tuple[int, str, Report]] = [
        (aid, rel, report_of(load_article(conn, aid))) for aid, rel in members
    ]
    first_id = next((aid for aid, rel, _ in reports if rel != Relation.COPY), reports[0][0])
    for aid, rel, _ in reports:
        # First means earliest published; a former first steps back to an update.
        wanted = Relation.FIRST if aid == first_id else rel
        if aid != first_id and rel == Relation.FIRST:
            wanted = Relation.UPDATE
        if wanted != rel:
            conn.execute(
                update(incident_articles)
                .where(incident_articles.c.article_id == aid)
                .values(relation=wanted)
            )
    merged: dict[str, Any] = {}
    victims: set[str] = set()
    officers: set[str] = set()
    streets: set[str] = set()
    agencies: set[str] = set()
    keys: set[str] = set()
    city = state = event_date = None
    for _, _, report in reports:
        feats = report.features
        merged = incident_facts.merge(merged, report.facts)
        victims |= feats.victims
        officers |= feats.officers
        streets |= feats.streets
        agencies |= feats.agencies
        keys |= _name_keys(feats)
        event_date = event_date or feats.event_date
        if city is None and feats.city:
            city = feats.city
            state = feats.state or state
        elif state is None and feats.state and (not feats.city or feats.city == city):
            state = feats.state
    merged = incident_facts.apply_edits(merged, edited)
    if "city" in edited:
        city = edited["city"]
    if "state" in edited:
        state = edited["state"]
    if "date" in edited:
        event_date = _day(edited["date"])
    if "agencies" in edited:
        agencies = {incident_facts.agency_key(a) for a in edited["agencies"] or ()}
    stored = {
        **merged,
        "victims": sorted(victims | set(filter(None, [edited.get("victim_name")]))),
        "officer_keys": sorted(
            officers | {k for o in edited.get("officer_names") or () for k in family_names(o)}
        ),
        "streets": sorted(streets),
    }
    if edited:
        stored[incident_facts.EDITED] = edited
    title = conn.execute(select(articles.c.title).where(articles.c.id == first_id)).scalar()
    conn.execute(
        update(incidents_table)
        .where(incidents_table.c.id == incident_id)
        .values(
            updated_at=now,
            first_article_id=first_id,
            title=title or row.title,
            city=city,
            state=state,
            event_date=event_date,
            agencies=json.dumps(sorted(agencies)),
            place_key=place_key(city),
            facts=json.dumps(stored, sort_keys=True),
        )
    )
    _keys(conn, incident_id, keys | _edited_keys(edited))


def _day(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def absorb(conn: Connection, keep_id: int, gone_id: int, now: datetime | None = None) -> None:
    """Make ``gone_id`` part of ``keep_id``: its reports, keys and alerts' references move
    to ``keep_id``, and it is marked merged into it (links to it lead there). Facts editors
    corrected on either are kept, ``keep_id``'s winning. Records no correction: an editor's
    merge (``incidents.edit.merge``) and a later report that links two incidents both call
    it, inside their own transaction."""
    now = now or utcnow()
    keep_id = live_id(conn, keep_id)
    if live_id(conn, gone_id) != gone_id:
        raise ValueError(f"incident {gone_id} was already merged into another")
    if keep_id == gone_id:
        raise ValueError("an incident cannot be merged into itself")
    keep_row, gone_row = (
        conn.execute(select(incidents_table).where(incidents_table.c.id == i)).one()
        for i in (keep_id, gone_id)
    )
    keep_facts = json.loads(keep_row.facts) if keep_row.facts else {}
    gone_facts = json.loads(gone_row.facts) if gone_row.facts else {}
    edited = {
        **(gone_facts.get(incident_facts.EDITED) or {}),
        **(keep_facts.get(incident_facts.EDITED) or {}),
    }
    if edited:
        keep_facts[incident_facts.EDITED] = edited
        conn.execute(
            update(incidents_table)
            .where(incidents_table.c.id == keep_id)
            .values(facts=json.dumps(keep_facts, sort_keys=True))
        )
    conn.execute(
        update(incident_articles)
        .where(incident_articles.c.incident_id == gone_id)
        .values(incident_id=keep_id)
    )
    conn.execute(update(alerts).where(alerts.c.incident_id == gone_id).values(incident_id=keep_id))
    conn.execute(
        update(incidents_table)
        .where(incidents_table.c.merged_into == gone_id)
        .values(merged_into=keep_id)
    )
    conn.execute(
        update(incidents_table)
        .where(incidents_table.c.id == gone_id)
        .values(merged_into=keep_id, updated_at=now)
    )
    _keys(conn, gone_id, set())
    rebuild(conn, keep_id, now)


def detach(conn: Connection, article_id: int, now: datetime | None = None) -> int | None:
    """Take the article out of its incident (rebuilt without it); the incident it left, or
    None when it was in none."""
    incident_id = incident_of(conn, article_id)
    if incident_id is None:
        return None
    conn.execute(delete(incident_articles).where(incident_articles.c.article_id == article_id))
    rebuild(conn, incident_id, now)
    return incident_id
