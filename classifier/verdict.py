"""The records the classifier returns: a verdict, its evidence and the place it names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

CATEGORIES = ("ois", "officer_shot", "not_ois")


@dataclass(frozen=True)
class Evidence:
    """One sentence that decided the verdict, with the matched words marked."""

    sentence: str
    spans: tuple[tuple[int, int], ...]
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "spans": [list(s) for s in self.spans],
            "rule": self.rule,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        spans = tuple((int(a), int(b)) for a, b in d.get("spans", ()))
        return cls(sentence=d["sentence"], spans=spans, rule=d["rule"])


@dataclass(frozen=True)
class Location:
    """Where the incident happened: the words as written, and city / state when known."""

    as_written: str | None = None
    city: str | None = None
    state: str | None = None  # two-letter US postal code

    def to_dict(self) -> dict[str, Any]:
        return {"as_written": self.as_written, "city": self.city, "state": self.state}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        return cls(as_written=d.get("as_written"), city=d.get("city"), state=d.get("state"))


@dataclass(frozen=True)
class Verdict:
    """What the classifier decided about one article, why, and the facts it pulled out."""

    ois: bool
    category: str
    score: float
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values: dates as ISO strings, evidence and location as plain dicts."""
        return {
            "ois": self.ois,
            "category": self.category,
            "score": round(self.score, 3),
            "evidence": [e.to_dict() for e in self.evidence],
            "reason": self.reason,
            "fatal": self.fatal,
            "anyone_hit": self.anyone_hit,
            "officer_injured": self.officer_injured,
            "agencies": list(self.agencies),
            "investigating_agency": self.investigating_agency,
            "location": self.location.to_dict() if self.location else None,
            "incident_date": self.incident_date.isoformat() if self.incident_date else None,
            "followup": self.followup,
            "in_region": self.in_region,
            "borderline": self.borderline,
            "victim_name": self.victim_name,
            "victim_age": self.victim_age,
            "officer_names": list(self.officer_names),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        """Rebuild a verdict saved with `to_dict` (extra keys such as `id` are ignored)."""
        loc = d.get("location")
        day = d.get("incident_date")
        return cls(
            ois=bool(d["ois"]),
            category=d["category"],
            score=float(d["score"]),
            evidence=tuple(Evidence.from_dict(e) for e in d.get("evidence", ())),
            reason=d.get("reason", ""),
            fatal=d.get("fatal"),
            anyone_hit=d.get("anyone_hit"),
            officer_injured=d.get("officer_injured"),
            agencies=tuple(d.get("agencies", ())),
            investigating_agency=d.get("investigating_agency"),
            location=Location.from_dict(loc) if loc else None,
            incident_date=date.fromisoformat(day) if day else None,
            followup=bool(d.get("followup", False)),
            in_region=d.get("in_region"),
            borderline=bool(d.get("borderline", False)),
            victim_name=d.get("victim_name"),
            victim_age=d.get("victim_age"),
            officer_names=tuple(d.get("officer_names", ())),
        )
