"""The records the classifier returns: a verdict, its evidence and the place it names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import PlainSerializer

from records.status import Category

# Written with three decimals: more would be noise in an alert or a stored verdict.
Score = Annotated[float, PlainSerializer(lambda score: round(score, 3), when_used="json")]


@dataclass(frozen=True)
class Evidence:
    """One sentence that decided the verdict, with the matched words marked."""

    sentence: str
    spans: tuple[tuple[int, int], ...]
    rule: str


@dataclass(frozen=True)
class Location:
    """Where the incident happened: the words as written, and city / state when known."""

    as_written: str | None = None
    city: str | None = None
    state: str | None = None  # two-letter US postal code


@dataclass(frozen=True)
class Facts:
    """What the classifier pulls out of an article it flags (all unknown otherwise)."""

    fatal: bool | None = None
    anyone_hit: bool | None = None
    officer_injured: bool | None = None
    agencies: tuple[str, ...] = ()
    investigating_agency: str | None = None
    location: Location | None = None
    incident_date: date | None = None
    followup: bool = False
    # The person shot and the officers who fired, as the report names them
    # (``classifier.names``).
    victim_name: str | None = None
    victim_age: int | None = None
    officer_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """What the classifier decided about one article, why, and the facts it pulled out."""

    ois: bool
    category: Category
    score: Score
    evidence: tuple[Evidence, ...]
    reason: str
    fatal: bool | None = None
    anyone_hit: bool | None = None
    officer_injured: bool | None = None
    agencies: tuple[str, ...] = ()
    investigating_agency: str | None = None
    location: Location | None = None
    incident_date: date | None = None
    followup: bool = False
    in_region: bool | None = None
    borderline: bool = False
    # The person shot and the officers who fired, as the report names them
    # (``classifier.names``).
    victim_name: str | None = None
    victim_age: int | None = None
    officer_names: tuple[str, ...] = ()
