"""The records alerts are made of: frozen, JSON-round-trippable, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import Field

from records import ArticleRef, Event, IncidentRef, Verdict
from records.codec import Timestamp


@dataclass(frozen=True)
class DeskLinks:
    """Where an alert leads on the editors' desk, computed when it is sent: the article's
    and the incident's pages, and the signed one-click links (``alerts.links``)."""

    article: str
    incident: str
    false_alarm: str
    wrong_incident: str


@dataclass(frozen=True)
class Alert:
    """What one alert says. ``delivery_id`` is set per destination by the dispatcher."""

    id: int
    event: Event
    created_at: Timestamp
    article: ArticleRef | None = None
    incident: IncidentRef | None = None
    verdict: Verdict | None = None
    # A digest lists the day's incidents instead of one article.
    incidents: tuple[IncidentRef, ...] = ()
    # Not part of the stored payload: each destination's copy gets its own.
    delivery_id: Annotated[str, Field(exclude=True)] = ""
    # What this report changed in the incident's facts ("fatal: no → yes").
    changes: tuple[str, ...] = ()
    # Not part of the stored payload either: signed and dated when sent.
    links: Annotated[DeskLinks | None, Field(exclude=True)] = None

    @property
    def is_test(self) -> bool:
        return self.event == Event.TEST


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
