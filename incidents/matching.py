"""When is an article the same shooting as an incident we already have? A pure rule.

An article joins an open incident in one of two ways:

* **copy** — its body is the same text as one of the incident's articles: the same content
  hash, or a MinHash estimate of the Jaccard index of their 5-word shingles of at least
  ``COPY_SIMILARITY`` (0.7). Syndicated copies ("Story continues", another headline, another
  site) land here. A copy is attached to the incident and raises **no** alert.
* **update** — a different text about the same shooting: another outlet's report or a later
  follow-up. It raises an ``incident.update`` alert, threaded under the first one.

"The same shooting" is decided from the extracted facts, and every clause must hold:

1. *No contradiction*: the states, the cities and the incident dates (± ``DATE_WINDOW_DAYS``)
   agree wherever both sides know them; and when both sides name at least ``MIN_NAMES``
   people or streets (proper-noun tokens, see ``similarity.proper_names``), they share one.
2. *Corroboration*: either strong — at least two shared names, or a text similarity of at
   least ``RELATED_SIMILARITY`` — or, when both city and date are known and agree, one shared
   name or one shared agency.

When several incidents qualify, the best copy wins, else the update with most shared names
and the most similar text. An article matching nothing opens a new incident.

Mistakes cost little: two shootings merged still alert (as an update, threaded wrongly), one
shooting split alerts as a second new incident. Only copies are silent, and they need the
same text. Two shootings in one city on one day, both "Kansas City police", are kept apart by
their names and streets; two bare briefs naming nothing but city, date and police are merged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from incidents.similarity import estimate_jaccard
from records import Relation

COPY_SIMILARITY = 0.7
RELATED_SIMILARITY = 0.25
DATE_WINDOW_DAYS = 1
MIN_NAMES = 3


@dataclass(frozen=True)
class Features:
    """What sameness is judged on, for one article or (merged) for one incident."""

    signature: tuple[int, ...]
    names: frozenset[str]
    city: str | None
    state: str | None
    event_date: date | None
    agencies: frozenset[str]
    content_hash: str = ""


@dataclass(frozen=True)
class Candidate:
    """An open incident: its merged facts and each member article's text fingerprint."""

    incident_id: int
    facts: Features
    members: tuple[Features, ...]


@dataclass(frozen=True)
class Match:
    incident_id: int
    relation: str  # copy | update
    similarity: float
    reason: str


def _norm(value: str | None) -> str | None:
    return " ".join(value.casefold().split()) if value else None


def _conflict(a: str | None, b: str | None) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b and a != b)


def copy_similarity(article: Features, member: Features) -> float:
    if article.content_hash and article.content_hash == member.content_hash:
        return 1.0
    return estimate_jaccard(article.signature, member.signature)


def contradiction(article: Features, incident: Features) -> str | None:
    if _conflict(article.state, incident.state):
        return "different state"
    if _conflict(article.city, incident.city):
        return "different city"
    days_apart = (
        abs((article.event_date - incident.event_date).days)
        if article.event_date and incident.event_date
        else 0
    )
    if days_apart > DATE_WINDOW_DAYS:
        return "different date"
    a, b = article.names, incident.names
    if len(a) >= MIN_NAMES and len(b) >= MIN_NAMES and not a & b:
        return "no name in common"
    return None


def corroboration(article: Features, incident: Features, text_similarity: float) -> str | None:
    shared = article.names & incident.names
    if len(shared) >= 2:
        return f"shared names {sorted(shared)}"
    if text_similarity >= RELATED_SIMILARITY:
        return f"similar text ({text_similarity:.2f})"
    place_and_day = (
        article.city and incident.city and article.event_date and incident.event_date
        # contradiction() has already ruled out a different city or date
    )
    if place_and_day and shared:
        return f"same place and day, shared name {sorted(shared)}"
    if place_and_day and article.agencies & incident.agencies:
        return "same place, day and agency"
    return None


def match(article: Features, candidates: Iterable[Candidate]) -> Match | None:
    """The incident ``article`` belongs to, and how; None opens a new incident."""
    best_copy: Match | None = None
    best_update: tuple[tuple[int, float], Match] | None = None
    for cand in candidates:
        sims = [copy_similarity(article, m) for m in cand.members]
        top = max(sims, default=0.0)
        if top >= COPY_SIMILARITY:
            if best_copy is None or top > best_copy.similarity:
                best_copy = Match(cand.incident_id, Relation.COPY, top, f"same text ({top:.2f})")
            continue
        if contradiction(article, cand.facts):
            continue
        why = corroboration(article, cand.facts, top)
        if why is None:
            continue
        rank = (len(article.names & cand.facts.names), top)
        if best_update is None or rank > best_update[0]:
            best_update = (rank, Match(cand.incident_id, Relation.UPDATE, top, why))
    if best_copy:
        return best_copy
    return best_update[1] if best_update else None


def merge(facts: Features, article: Features) -> Features:
    """An incident's facts after an article joins: known values kept, new ones filled in."""
    return Features(
        signature=facts.signature,
        names=facts.names | article.names,
        city=facts.city or article.city,
        state=facts.state or article.state,
        event_date=facts.event_date or article.event_date,
        agencies=facts.agencies | article.agencies,
        content_hash=facts.content_hash,
    )
