"""When two reports are the same shooting: the sameness rule (pure).

An alerting article either joins an incident or opens one:

* ``copy`` — the same text as one of the incident's articles (equal content hash, or a MinHash
  estimate of the shingle Jaccard index of at least ``COPY_SIMILARITY``): a syndicated copy,
  attached silently;
* ``update`` — another report of the incident: alerted as an update;
* nothing — a new incident.

What costs most is filing a new shooting under another incident: an editor reads
"[OIS update]" as "nothing new". So the rule first looks for what proves two reports
*different*, then weighs what shows them the same, and a missing fact is never agreement.

1. *Vetoes* (any one keeps them apart): different victims (both name the person shot and
   no family name is shared); different states or cities, unless both name the same person
   shot (first and family name) and the same officer or street, or the article is a
   follow-up naming the same person shot (a follow-up is written where the family or the
   court is, a round-up's other items name other places); shooting dates more than
   ``DATE_WINDOW_DAYS`` apart, unless both name the same person shot.
2. *Evidence*, added up (``WEIGHTS``): the person shot named in both (the most), an officer
   who fired named in both, the street where it happened (or, strongly against, streets
   with none in common), the same city, the same state, the same day, a shared agency,
   similar text, shared names of streets and people. Both sides naming at least ``MIN_NAMES``
   such names with none in common counts against. The article joins the incident with the
   highest total of at least ``THRESHOLD`` that holds something telling one shooting from
   another (``telling``: a ``TELLING`` kind or two shared names).

With the weights below, two bare briefs naming only city, day and police are one incident;
two shootings in one city on one day are two as soon as either names its street or person;
a follow-up years later joins by the name of the person shot however little else it shares.

*Two incidents* are one shooting (``links``) when a report that joined one would join the
other too, with at least ``MERGE_THRESHOLD`` and a fact that tells a shooting apart (the
person shot, an officer, a street, the day or close text), the article is not vetoed by
the other incident, and the two incidents name neither different people shot nor days more
than a day apart (their places may be a round-up's or a court's dateline). Reports fetched
out of order open an incident each (a follow-up naming the person shot, a brief naming the
street and the day) until a report naming both links them; the store then merges the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from classifier.names import family_names, fold
from incidents.similarity import estimate_jaccard
from records import Relation

COPY_SIMILARITY = 0.7
RELATED_SIMILARITY = 0.25
CLOSE_SIMILARITY = 0.45
DATE_WINDOW_DAYS = 1
MIN_NAMES = 3
THRESHOLD = 5
WEIGHTS = {
    "victim": 6,
    "officer": 4,
    "city": 2,
    "state": 1,
    "day": 2,
    "next day": 1,
    "told day": 1,  # the day a follow-up names, the incident's own
    "agency": 1,
    "related text": 3,
    "close text": 5,
    "name": 1,  # each shared name of a street or person, up to MAX_SHARED_NAMES
    "no name in common": -3,
    "few names, none in common": -1,
    "other officers": -2,
    "street": 3,
    "other street": -6,
}
MAX_SHARED_NAMES = 3
# Two incidents are merged on more than an article needs to join: each side's names are the
# union of several reports', so shared names come easier.
MERGE_THRESHOLD = 6
# What tells one shooting from another; city, state, agency, names and a day apart only
# place it near one.
IDENTIFYING = ("victim", "officer", "street", "day", "close text")
# A report joins an incident only with one of these (or two shared names): a report naming
# only the place, a neighbouring day and one name is as like the shooting down the road the
# day before.
TELLING = (*IDENTIFYING, "related text", "told day")


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
    # Full names of the person shot ("Kendrick Moss"; an incident keeps every form seen).
    victims: frozenset[str] = field(default_factory=frozenset)
    # Family names of the officers who fired, folded ("kessler").
    officers: frozenset[str] = field(default_factory=frozenset)
    # Names of the streets where it happened ("46th", "hartwell"), from the place as written.
    streets: frozenset[str] = field(default_factory=frozenset)
    followup: bool = False
    # The shooting's day as a follow-up tells it ("the man shot Tuesday night"): agreement
    # when it matches, never a veto (a follow-up's first date may be the day of a ruling).
    told_date: date | None = None


@dataclass(frozen=True)
class Candidate:
    """An incident: its merged facts and each member article's text fingerprint."""

    incident_id: int
    facts: Features
    members: tuple[Features, ...]


@dataclass(frozen=True)
class Match:
    incident_id: int
    relation: str  # copy | update
    similarity: float
    reason: str
    score: int = 0


def _norm(value: str | None) -> str | None:
    return " ".join(value.casefold().replace(".", "").split()) if value else None


def _conflict(a: str | None, b: str | None) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b and a != b)


def _city_conflict(a: str | None, b: str | None) -> bool:
    """Two different cities; a county (known when no city is) holds cities, so it conflicts
    only with another county."""
    a, b = _norm(a), _norm(b)
    if not (a and b) or a == b:
        return False
    return a.endswith(" county") == b.endswith(" county")


def _same(a: str | None, b: str | None) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b and a == b)


def copy_similarity(article: Features, member: Features) -> float:
    if article.content_hash and article.content_hash == member.content_hash:
        return 1.0
    return estimate_jaccard(article.signature, member.signature)


def same_victim(a: Iterable[str], b: Iterable[str], *, full: bool = False) -> bool:
    """Whether two sets of names of the person shot name one person: a family name in common
    ("Velasco-Ruiz" and "Velasco Ruiz"), and with ``full`` first names that agree too
    (one the start of the other: "Chris" and "Christopher", "T." and "Terrence")."""
    for x in a:
        for y in b:
            if not family_names(x) & family_names(y):
                continue
            if not full:
                return True
            fx, fy = fold(x.split()[0]).strip(".'\""), fold(y.split()[0]).strip(".'\"")
            if fx.startswith(fy) or fy.startswith(fx):
                return True
    return False


def _name_words(names: Iterable[str]) -> frozenset[str]:
    return frozenset(fold(w).strip('.,"“”') for n in names for w in n.split())


def veto(article: Features, incident: Features) -> str | None:
    """Why the article cannot be a report of the incident, or None."""
    if article.victims and incident.victims and not same_victim(article.victims, incident.victims):
        return "different person shot"
    same_person = same_victim(article.victims, incident.victims, full=True)
    # The same person shot (first and family name) and the same officer or street: one
    # shooting, whatever place a round-up or a court report was datelined in.
    identified = same_person and bool(
        article.officers & incident.officers or article.streets & incident.streets
    )
    if _conflict(article.state, incident.state) and not identified:
        return "different state"
    if _city_conflict(article.city, incident.city) and not (
        identified or (article.followup and same_person)
    ):
        return "different city"
    apart = (
        abs((article.event_date - incident.event_date).days)
        if article.event_date and incident.event_date
        else 0
    )
    if apart > DATE_WINDOW_DAYS and not same_person:
        return "different date"
    return None


def evidence(article: Features, incident: Features, text_similarity: float) -> dict[str, int]:
    """Each kind of agreement (or telling disagreement) found, with its weight."""
    found: dict[str, int] = {}
    if same_victim(article.victims, incident.victims):
        found["victim"] = WEIGHTS["victim"]
    if article.officers and incident.officers:
        key = "officer" if article.officers & incident.officers else "other officers"
        found[key] = WEIGHTS[key]
    if article.streets and incident.streets:
        if article.streets & incident.streets:
            found["street"] = WEIGHTS["street"]
        elif not same_victim(article.victims, incident.victims, full=True):
            # Streets tell two shootings apart, but the person shot outweighs them.
            found["other street"] = WEIGHTS["other street"]
    if _same(article.city, incident.city):
        found["city"] = WEIGHTS["city"]
    if _same(article.state, incident.state):
        found["state"] = WEIGHTS["state"]
    day = article.event_date or article.told_date
    if day and incident.event_date and abs((day - incident.event_date).days) <= DATE_WINDOW_DAYS:
        # veto() has ruled out days further apart; a day apart is only a date misread. The
        # day a follow-up tells ("the Aug. 17 confrontation") is weaker: months later, a
        # city's other shooting that day fits it as well, so it weighs as a day apart; but
        # it is that incident's own day, which tells it from the city's other shootings.
        if day != incident.event_date:
            key = "next day"
        else:
            key = "day" if article.event_date is not None else "told day"
        found[key] = WEIGHTS[key]
    if article.agencies & incident.agencies:
        found["agency"] = WEIGHTS["agency"]
    if text_similarity >= CLOSE_SIMILARITY:
        found["close text"] = WEIGHTS["close text"]
    elif text_similarity >= RELATED_SIMILARITY:
        found["related text"] = WEIGHTS["related text"]
    shared = article.names & incident.names
    # The people a report names first cannot be among the names of an incident that has
    # not named them: they count for nothing against it.
    people = _name_words(article.victims) | article.officers
    people |= _name_words(incident.victims) | incident.officers
    mine, theirs = article.names - people, incident.names - people
    if shared:
        found["name"] = WEIGHTS["name"] * min(len(shared), MAX_SHARED_NAMES)
    elif mine and theirs and article.event_date and incident.event_date:
        # Only reports of the shooting itself (both dated) are expected to share names: a
        # follow-up names the coroner, the family, the court, not the street.
        few = min(len(mine), len(theirs)) < MIN_NAMES
        # Names on both sides and none shared: against, weakly when one side names little.
        key = "few names, none in common" if few else "no name in common"
        found[key] = WEIGHTS[key]
    return found


def telling(found: dict[str, int]) -> bool:
    """Whether the evidence holds something that tells one shooting from another (a
    ``TELLING`` kind, or two names shared), not only where and about when."""
    return any(k in found for k in TELLING) or found.get("name", 0) >= 2 * WEIGHTS["name"]


def match(article: Features, candidates: Iterable[Candidate]) -> Match | None:
    """The incident ``article`` belongs to, and how; None opens a new incident."""
    best_copy: Match | None = None
    best_update: tuple[tuple[int, float], Match] | None = None
    for cand in candidates:
        sims = [copy_similarity(article, m) for m in cand.members]
        top = max(sims, default=0.0)
        why_not = veto(article, cand.facts)
        if why_not:
            continue
        if top >= COPY_SIMILARITY:
            if best_copy is None or top > best_copy.similarity:
                best_copy = Match(cand.incident_id, Relation.COPY, top, f"same text ({top:.2f})")
            continue
        found = evidence(article, cand.facts, top)
        total = sum(found.values())
        if total < THRESHOLD or not telling(found):
            continue
        reason = ", ".join(f"{k} {v:+d}" for k, v in found.items()) + f" = {total}"
        shared = sorted(article.names & cand.facts.names)
        if shared:
            reason += f" (shared names: {', '.join(shared)})"
        rank = (total, top)
        if best_update is None or rank > best_update[0]:
            best_update = (rank, Match(cand.incident_id, Relation.UPDATE, top, reason, total))
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
        victims=facts.victims | article.victims,
        officers=facts.officers | article.officers,
        streets=facts.streets | article.streets,
    )


def links(article: Features, joined: Candidate, other: Candidate) -> Match | None:
    """Whether ``article``, which joined ``joined``, shows ``other`` to be the same shooting
    (see the module doc); the Match names ``other``."""
    if veto(article, other.facts):
        return None
    # Between the incidents themselves only the person shot and the day count: an incident's
    # place may be a round-up's or a court's dateline, and the article, checked against both
    # places, is what ties them.
    between = veto(joined.facts, other.facts) or veto(other.facts, joined.facts)
    if between in ("different person shot", "different date"):
        return None
    top = max((copy_similarity(article, m) for m in other.members), default=0.0)
    found = evidence(article, other.facts, min(top, 1.0))
    total = sum(found.values())
    if total < MERGE_THRESHOLD or not any(k in found for k in IDENTIFYING):
        return None
    reason = ", ".join(f"{k} {v:+d}" for k, v in found.items()) + f" = {total}"
    return Match(other.incident_id, Relation.UPDATE, top, reason, total)
