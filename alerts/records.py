"""The records alerts are made of: frozen, JSON-round-trippable, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from classifier import Verdict

# incident.earlier: a report published before the incident's first alerted one (a feed
# polled late); it becomes the incident's first report but is not a new incident.
EVENTS = ("incident.new", "incident.update", "incident.earlier", "digest", "test")


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
    # Merged facts of all its reports (``alerts.incident_facts.FIELDS``).
    facts: dict[str, Any] = field(default_factory=dict)

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
            "facts": dict(self.facts),
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
            facts=dict(d.get("facts") or {}),
        )


@dataclass(frozen=True)
class Alert:
    """What one alert says. ``delivery_id`` is set per destination by the dispatcher."""

    id: int
    event: str
    created_at: datetime
    article: ArticleRef | None = None
    incident: IncidentRef | None = None
    verdict: Verdict | None = None
    # A digest lists the day's incidents instead of one article.
    incidents: tuple[IncidentRef, ...] = ()
    delivery_id: str = ""
    # What this report changed in the incident's facts ("fatal: no → yes").
    changes: tuple[str, ...] = ()

    @property
    def is_test(self) -> bool:
        return self.event == "test"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "created_at": _iso(self.created_at),
            "article": self.article.to_dict() if self.article else None,
            "incident": self.incident.to_dict() if self.incident else None,
            "verdict": self.verdict.to_dict() if self.verdict else None,
            "incidents": [i.to_dict() for i in self.incidents],
            "changes": list(self.changes),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, id: int | None = None) -> Alert:
        return cls(
            id=int(id if id is not None else d["id"]),
            event=d["event"],
            created_at=datetime.fromisoformat(d["created_at"]),
            article=ArticleRef.from_dict(d["article"]) if d.get("article") else None,
            incident=IncidentRef.from_dict(d["incident"]) if d.get("incident") else None,
            verdict=Verdict.from_dict(d["verdict"]) if d.get("verdict") else None,
            incidents=tuple(IncidentRef.from_dict(i) for i in d.get("incidents", ())),
            changes=tuple(d.get("changes") or ()),
        )


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one send: channels return it instead of raising."""

    ok: bool
    detail: str = ""  # status line or error, already masked and truncated

    @classmethod
    def failure(cls, detail: str) -> DeliveryResult:
        return cls(False, detail[:500])


@dataclass(frozen=True)
class DispatchStats:
    """What one dispatch pass did."""

    sent: int = 0
    failed: int = 0  # failed this time, to be retried
    dead: int = 0  # failed for good this time
    skipped: int = 0  # claimed by another dispatcher meanwhile
    errors: tuple[str, ...] = field(default=())

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.dead
