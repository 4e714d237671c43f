"""Incidents a report showed to be one shooting, found and merged after the fact.

Reports fetched out of order (a backfill, a feed polled late) can open two incidents for one
shooting: a follow-up naming the person shot opens one, a brief naming the street and the
day opens another, and neither says enough to join the other. When a later report joins
one of them and would join the other as well (``matching.links``), the two are merged
(``incidents.rebuild.absorb``): the one editors were alerted to first is kept, and the
other's reports, keys and alert references move to it. Two incidents an editor kept apart (a
report moved or split from one to the other) are never merged again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from incidents.db import candidates, load
from incidents.matching import Candidate, Features, links
from incidents.rebuild import absorb
from store.corrections import kept_apart
from store.schema import incident_articles, incidents

__all__ = ["Merged", "linked", "merge_linked"]

# A chain of merges set off by one report stops here (each merge is re-checked).
MAX_MERGES = 5


@dataclass(frozen=True)
class Merged:
    """One merge: ``gone`` (its uid, first report's title and report count, as editors knew
    it) is now part of ``kept``."""

    kept: int
    gone: int
    gone_uid: str
    gone_title: str | None
    reports: int
    reason: str

    def line(self) -> str:
        """The line an update alert carries about it (``alerts.records.Alert.changes``)."""
        title = f" “{self.gone_title}”" if self.gone_title else ""
        reports = f"{self.reports} report{'s' if self.reports != 1 else ''}"
        return f"merged: incident {self.gone_uid}{title} is this shooting ({reports} moved here)"


def linked(
    conn: Connection, incident_id: int, article: Features, nearby: list[Candidate]
) -> list[tuple[int, str]]:
    """Other incidents among ``nearby`` that ``article``, a report of ``incident_id``, shows
    to be the same shooting, strongest first, each with the evidence found."""
    own = load(conn, [incident_id])
    if not own:
        return []
    found = []
    for cand in nearby:
        if cand.incident_id == incident_id:
            continue
        same = links(article, own[0], cand)
        if same and not kept_apart(conn, incident_id, cand.incident_id):
            found.append((same.score, cand.incident_id, same.reason))
    return [(i, why) for _, i, why in sorted(found, reverse=True)]


def merge_linked(
    conn: Connection,
    incident_id: int,
    article: Features,
    now: datetime,
    nearby: list[Candidate] | None = None,
) -> tuple[int, list[Merged]]:
    """Merge every incident that ``article``, a report of ``incident_id``, shows to be the
    same shooting (see the module doc); returns the incident that stands for it now and the
    merges made. ``nearby``: the candidates grouping already found for the article (the
    other incidents are as they were); read again after a merge."""
    merged: list[Merged] = []
    current = incident_id
    while len(merged) < MAX_MERGES:
        if nearby is None or merged:
            nearby = candidates(conn, article, now)
        links_found = linked(conn, current, article, nearby)
        if not links_found:
            break
        other, reason = links_found[0]
        keep, gone = sorted((current, other), key=lambda i: _opened(conn, i))
        merged.append(_describe(conn, keep, gone, reason))
        absorb(conn, keep, gone, now)
        current = keep
    return current, merged


def _opened(conn: Connection, incident_id: int) -> tuple[datetime, int]:
    opened = conn.execute(
        select(incidents.c.opened_at).where(incidents.c.id == incident_id)
    ).scalar_one()
    return opened, incident_id


def _describe(conn: Connection, keep: int, gone: int, reason: str) -> Merged:
    row = conn.execute(
        select(incidents.c.uid, incidents.c.title).where(incidents.c.id == gone)
    ).one()
    count = conn.execute(
        select(func.count()).where(incident_articles.c.incident_id == gone)
    ).scalar_one()
    return Merged(keep, gone, row.uid, row.title, count, reason)
