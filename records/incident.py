"""How an incident and its articles are shown: frozen, JSON-round-trippable, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from records.codec import Timestamp
from records.status import Relation


@dataclass(frozen=True)
class ArticleRef:
    """An article as an alert shows it."""

    url: str
    title: str | None
    outlet: str | None
    published: Timestamp | None
    id: int | None = None
    relation: Relation = Relation.FIRST  # how it joined its incident


@dataclass(frozen=True)
class IncidentRef:
    """One incident as an alert shows it, with its articles known when the alert was made."""

    id: int
    uid: str
    opened_at: Timestamp
    city: str | None = None
    state: str | None = None
    event_date: date | None = None
    articles: tuple[ArticleRef, ...] = ()
    # Merged facts of all its reports (``incidents.facts.FIELDS``).
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def place(self) -> str | None:
        return ", ".join(p for p in (self.city, self.state) if p) or None
