"""How an incident and its articles are shown: frozen, JSON-round-trippable, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class ArticleRef:
    """An article as an alert shows it."""

    url: str
    title: str | None
    outlet: str | None
    published: datetime | None
    id: int | None = None
    relation: str = "first"  # first | update | copy: how it joined its incident

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "outlet": self.outlet,
            "published": _iso(self.published),
            "relation": self.relation,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ArticleRef:
        return cls(
            url=d["url"],
            title=d.get("title"),
            outlet=d.get("outlet"),
            published=_dt(d.get("published")),
            id=d.get("id"),
            relation=d.get("relation", "first"),
        )


@dataclass(frozen=True)
class IncidentRef:
    """One incident as an alert shows it, with its articles known when the alert was made."""

    id: int
    uid: str
    opened_at: datetime
    city: str | None = None
    state: str | None = None
    event_date: date | None = None
    articles: tuple[ArticleRef, ...] = ()

    @property
    def place(self) -> str | None:
        return ", ".join(p for p in (self.city, self.state) if p) or None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "opened_at": _iso(self.opened_at),
            "city": self.city,
            "state": self.state,
            "event_date": _iso(self.event_date),
            "articles": [a.to_dict() for a in self.articles],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IncidentRef:
        day = d.get("event_date")
        return cls(
            id=int(d["id"]),
            uid=d["uid"],
            opened_at=datetime.fromisoformat(d["opened_at"]),
            city=d.get("city"),
            state=d.get("state"),
            event_date=date.fromisoformat(day) if day else None,
            articles=tuple(ArticleRef.from_dict(a) for a in d.get("articles", ())),
        )
