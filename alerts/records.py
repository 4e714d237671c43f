"""The records alerts are made of: frozen, JSON-round-trippable, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from records import ArticleRef, IncidentRef, Verdict

EVENTS = ("incident.new", "incident.update", "digest", "test")


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

    @property
    def is_test(self) -> bool:
        return self.event == "test"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "created_at": self.created_at.isoformat(),
            "article": self.article.to_dict() if self.article else None,
            "incident": self.incident.to_dict() if self.incident else None,
            "verdict": self.verdict.to_dict() if self.verdict else None,
            "incidents": [i.to_dict() for i in self.incidents],
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
