"""Editors' corrections: an append-only log, read back as the labels that win over the rules.

Nothing is updated or deleted: a later correction of the same article or fact wins, and
the page shows the whole history with who and when.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, ForeignKey, Index, Integer, String, Table, Text, select

from records import Correction, CorrectionAction
from records.status import LABELS
from store.engine import inserted_id, utcnow
from store.schema import UTCDateTime, metadata

corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("editor", String(200), nullable=False),
    Column("action", String(20), nullable=False),  # records.CorrectionAction
    Column("article_id", Integer, ForeignKey("articles.id")),
    Column("incident_id", Integer, ForeignKey("incidents.id")),
    Column("detail", Text, nullable=False, default="{}"),  # JSON
    Column("note", Text),
    Index("ix_corrections_article", "article_id"),
    Index("ix_corrections_incident", "incident_id"),
    Index("ix_corrections_at", "at"),
)


def record(
    conn: Connection,
    editor: str,
    action: CorrectionAction,
    *,
    article_id: int | None = None,
    incident_id: int | None = None,
    detail: dict[str, Any] | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> Correction:
    """Append one correction; the caller's transaction also applies it."""
    if article_id is None and incident_id is None:
        raise ValueError("a correction names an article or an incident")
    if not editor:
        raise ValueError("a correction names its editor")
    when = at or utcnow()
    row = {
        "at": when,
        "editor": editor,
        "action": action.value,
        "article_id": article_id,
        "incident_id": incident_id,
        "detail": json.dumps(detail or {}, sort_keys=True),
        "note": note,
    }
    new_id = inserted_id(conn.execute(corrections.insert().values(**row)))
    return Correction(
        id=new_id,
        at=when,
        editor=editor,
        action=action,
        article_id=article_id,
        incident_id=incident_id,
        detail=detail or {},
        note=note,
    )


def _correction(row: Any) -> Correction:
    return Correction(
        id=row.id,
        at=row.at,
        editor=row.editor,
        action=CorrectionAction(row.action),
        article_id=row.article_id,
        incident_id=row.incident_id,
        detail=json.loads(row.detail or "{}"),
        note=row.note,
    )


def history(
    conn: Connection,
    *,
    article_id: int | None = None,
    incident_id: int | None = None,
    since: datetime | None = None,
) -> list[Correction]:
    """Corrections oldest first, of one article, one incident, or all (since a time)."""
    query = select(corrections).order_by(corrections.c.at, corrections.c.id)
    if article_id is not None:
        query = query.where(corrections.c.article_id == article_id)
    if incident_id is not None:
        query = query.where(corrections.c.incident_id == incident_id)
    if since is not None:
        query = query.where(corrections.c.at >= since)
    return [_correction(row) for row in conn.execute(query)]


def labels(conn: Connection, article_ids: Iterable[int] | None = None) -> dict[int, Correction]:
    """Each labelled article's latest label (false alarm, missed, borderline, confirmed):
    the editor's word on it, which wins over the classifier's."""
    query = (
        select(corrections)
        .where(corrections.c.action.in_([a.value for a in LABELS]))
        .order_by(corrections.c.at, corrections.c.id)
    )
    if article_ids is not None:
        query = query.where(corrections.c.article_id.in_(list(article_ids)))
    latest: dict[int, Correction] = {}
    for row in conn.execute(query):
        latest[row.article_id] = _correction(row)
    return latest


def kept_apart(conn: Connection, one: int, other: int) -> bool:
    """Whether an editor moved or split a report from one of these incidents to the other:
    the editor said they are different shootings, and grouping never merges them again."""
    query = select(corrections.c.detail).where(
        corrections.c.action.in_([CorrectionAction.MOVE.value, CorrectionAction.SPLIT.value]),
        corrections.c.incident_id.in_([one, other]),
    )
    pair = {one, other}
    for (detail,) in conn.execute(query):
        moved = json.loads(detail or "{}")
        if {moved.get("from_incident"), moved.get("to_incident")} == pair:
            return True
    return False
