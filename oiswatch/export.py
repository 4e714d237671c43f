"""``oiswatch export``: incidents and their articles, shaped like the public police-shooting
trackers (one row per incident: when, where, which agencies, outcome, the coverage).

An incident's facts are the ones merged as its reports joined (``incidents.facts``: a later
"died at the hospital" makes it fatal, "the state patrol took over the investigation"
changes the investigating agency); for incidents stored before those were kept, the latest
article that states a fact wins. Its first report is its earliest published one, as
``incident.first`` says; copies (syndication) count as coverage, not as first or latest.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TextIO

from sqlalchemy import Connection, select

from incidents.db import agency_key
from records import Relation
from store import Store
from store.schema import articles, incident_articles, incidents

COLUMNS = [
    "incident_id",
    "date",
    "city",
    "state",
    "place",
    "victim_name",
    "victim_age",
    "officer_names",
    "agencies",
    "investigating_agency",
    "fatal",
    "anyone_hit",
    "officer_injured",
    "article_count",
    "first_article_url",
    "first_article_outlet",
    "first_article_published",
    "latest_article_url",
    "latest_article_outlet",
    "latest_article_published",
    "opened_at",
    "updated_at",
]


@dataclass(frozen=True)
class ExportArticle:
    url: str
    title: str | None
    outlet: str | None
    published: datetime | None
    relation: str
    verdict: dict[str, Any]


def _latest(arts: list[ExportArticle], get: Any) -> Any:
    for a in reversed(arts):
        value = get(a.verdict)
        if value not in (None, "", [], ()):
            return value
    return None


def _agencies(arts: list[ExportArticle]) -> list[str]:
    """Every agency whose officers fired, as first written, once each (case and
    punctuation aside). The incident row keeps only normalised keys, for matching."""
    seen: dict[str, str] = {}
    for a in arts:
        for name in a.verdict.get("agencies") or ():
            seen.setdefault(agency_key(name), name)
    return list(seen.values())


def _investigator(verdict: dict[str, Any]) -> Any:
    return verdict.get("investigating_agency")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def incident_record(row: Any, arts: list[ExportArticle]) -> dict[str, Any]:
    """One incident as a flat record (COLUMNS) plus its ``articles`` list. Pure."""
    # Copies (syndication) are coverage, not new reporting: first/latest skip them.
    reports = [a for a in arts if a.relation != Relation.COPY] or arts
    first = next((a for a in reports if a.relation == Relation.FIRST), reports[0])
    latest = reports[-1]
    merged = json.loads(row.facts) if getattr(row, "facts", None) else {}

    def fact(key: str, get: Any) -> Any:
        value = merged.get(key)
        return value if value not in (None, "", []) else _latest(arts, get)

    date_value = row.event_date or _latest(arts, lambda v: v.get("incident_date"))
    if date_value is None and first.published:
        date_value = first.published.date()
    record: dict[str, Any] = {
        "incident_id": row.uid,
        "date": _iso(date_value),
        "city": row.city or _latest(arts, lambda v: (v.get("location") or {}).get("city")),
        "state": row.state or _latest(arts, lambda v: (v.get("location") or {}).get("state")),
        "place": fact("place", lambda v: (v.get("location") or {}).get("as_written")),
        "victim_name": fact("victim_name", lambda v: v.get("victim_name")),
        "victim_age": fact("victim_age", lambda v: v.get("victim_age")),
        "officer_names": list(fact("officer_names", lambda v: v.get("officer_names")) or []),
        "agencies": list(merged.get("agencies") or _agencies(arts)),
        "investigating_agency": fact("investigating_agency", _investigator),
        "fatal": fact("fatal", lambda v: v.get("fatal")),
        "anyone_hit": fact("anyone_hit", lambda v: v.get("anyone_hit")),
        "officer_injured": fact("officer_injured", lambda v: v.get("officer_injured")),
        "article_count": len(arts),
        "first_article_url": first.url,
        "first_article_outlet": first.outlet,
        "first_article_published": _iso(first.published),
        "latest_article_url": latest.url,
        "latest_article_outlet": latest.outlet,
        "latest_article_published": _iso(latest.published),
        "opened_at": _iso(row.opened_at),
        "updated_at": _iso(row.updated_at),
    }
    record["articles"] = [
        {
            "url": a.url,
            "title": a.title,
            "outlet": a.outlet,
            "published": _iso(a.published),
            "relation": a.relation,
            "followup": a.verdict.get("followup"),
            "score": a.verdict.get("score"),
        }
        for a in arts
    ]
    return record


def _articles_of(conn: Connection, incident_id: int) -> list[ExportArticle]:
    rows = conn.execute(
        select(
            articles.c.url,
            articles.c.canonical_url,
            articles.c.title,
            articles.c.outlet,
            articles.c.published,
            articles.c.verdict,
            incident_articles.c.relation,
        )
        .join(incident_articles, incident_articles.c.article_id == articles.c.id)
        .where(incident_articles.c.incident_id == incident_id)
        .order_by(articles.c.published, articles.c.id)
    ).all()
    return [
        ExportArticle(
            r.canonical_url or r.url,
            r.title,
            r.outlet,
            r.published,
            r.relation,
            json.loads(r.verdict) if r.verdict else {},
        )
        for r in rows
    ]


def incident_records(store: Store, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Every incident (opened at or after ``since``), oldest first."""
    # A merged incident's reports are in the one it went into; one whose every report was
    # marked a false alarm has none: neither is a row of the trackers.
    query = (
        select(incidents)
        .where(incidents.c.merged_into.is_(None))
        .order_by(incidents.c.opened_at, incidents.c.id)
    )
    if since is not None:
        query = query.where(incidents.c.opened_at >= since.astimezone(UTC))
    with store.engine.connect() as conn:
        for row in conn.execute(query).all():
            arts = _articles_of(conn, row.id)
            if arts:
                yield incident_record(row, arts)


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    # Titles and places come from the web: a spreadsheet must not run one as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """CSV with COLUMNS; unknown facts are empty cells, lists are "; "-joined."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for rec in records:
        writer.writerow([csv_cell(rec[c]) for c in COLUMNS])
        n += 1
    return n


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """One JSON object per incident: COLUMNS plus its ``articles``."""
    n = 0
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n
