"""Near-duplicate text detection: word shingles, MinHash signatures, and proper-noun tokens.

Pure functions. A MinHash signature keeps a fixed number of integers per article, so an
article is compared with an incident's earlier reports without keeping their shingles.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable

SHINGLE_WORDS = 5
PERMUTATIONS = 64
_PRIME = (1 << 61) - 1
# Fixed seed: signatures stored by one process are compared by another.
_rng = random.Random(20240917)
_PERMS = tuple((_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(PERMUTATIONS))

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Wire-copy furniture that differs between syndicated copies of one text.
_BOILERPLATE = re.compile(
    r"\b(story continues( below)?|advertisement|read more|related:|copyright \d{4}"
    r"|all rights reserved|the associated press contributed to this report)\b",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    return _WORD.findall(_BOILERPLATE.sub(" ", text).lower())


def _hash(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[int]:
    """Hashes of every run of ``k`` consecutive words (the whole text if shorter)."""
    w = words(text)
    if not w:
        return set()
    if len(w) <= k:
        return {_hash(" ".join(w))}
    return {_hash(" ".join(w[i : i + k])) for i in range(len(w) - k + 1)}


def minhash(hashes: Iterable[int]) -> tuple[int, ...]:
    """One minimum per permutation; empty input gives an empty signature."""
    values = list(hashes)
    if not values:
        return ()
    return tuple(min((a * v + b) % _PRIME for v in values) for a, b in _PERMS)


def signature(text: str) -> tuple[int, ...]:
    return minhash(shingles(text))


def estimate_jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Share of agreeing minima: an unbiased estimate of the shingle sets' Jaccard index."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def jaccard(a: set[int] | frozenset[str], b: set[int] | frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def encode(sig: tuple[int, ...]) -> str:
    return ",".join(f"{v:x}" for v in sig)


def decode(text: str) -> tuple[int, ...]:
    return tuple(int(v, 16) for v in text.split(",")) if text else ()


# Capitalised words that name no one: calendar words, titles, agency and court words,
# newsroom words (bylines, credits, wire names), state names and their abbreviations, and
# common sentence openers. Shared by two unrelated reports, they would tie them together.
_NOT_NAME_WORDS = """
monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december jan feb mar apr jun jul aug sep
sept oct nov dec today tonight yesterday
police officer officers department dept sheriff sheriff's deputy deputies sgt sergeant lt
lieutenant capt captain chief detective det cpl corporal ofc trooper troopers agent agents
marshal marshals commander spokesman spokeswoman spokesperson
county city state highway patrol office bureau division unit team metro task force swat
court judge jury grand district attorney attorney's general general's prosecutor
prosecutor's federal justice justice's council mayor commission board circuit supreme
examiner examiner's medical coroner coroner's hospital center jail investigation
investigations integrity affairs internal public safety criminal crime crimes stoppers homicide
civil professional standards man woman edition
the a an he she they it his her their this that there these those we our you no one on in
at of for and but or after before when while according authorities investigators mr mrs ms
dr jr st ave avenue street road blvd boulevard drive north south east west northeast
northwest southeast southwest news update updated video photos photo watch breaking staff
reporter reporters writer writers editor editors correspondent contributed contributing
associated press reuters wire file copyright rights reserved posted published related
read more also see subscribe sign newsletter briefing morning evening top stories
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york
carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont
virginia washington wisconsin wyoming
ala ariz ark calif cal colo conn del fla ga ill ind kan kans ky la md mass mich minn miss
mo mont neb nev okla ore pa tenn tex va vt wash wis wisc wyo
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_PROPER = re.compile(
    r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:'[a-z]+)?|\d+(?:st|nd|rd|th))\b"
    # A county or parish names a region, not this shooting.
    r"(?!\s+(?:County|Parish|Borough))"
)
_STREET = re.compile(
    r"((?:\d+(?:st|nd|rd|th)|[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+){0,2})\s+(?:Street|St\b|Avenue|Ave\b|"
    r"Road|Rd\b|Boulevard|Blvd\b|Drive|Dr\b|Lane|Ln\b|Parkway|Pkwy\b|Pike|Circle|Court|Way|"
    r"Place|Terrace|Highway|Trail|Trafficway|Expressway|Freeway|Plaza|Row|Square)\b"
    # "State Highway Patrol", "Supreme Court", "Circuit Court": agencies and courts, no street.
    r"(?!\s+Patrol)(?<!Supreme Court)(?<!Circuit Court)(?<!District Court)"
)
# Directions and words that open a phrase ("The", "On") are no street's name.
_NOT_STREET = frozenset(
    """north south east west n s e w ne nw se sw northeast northwest southeast southwest the
    a an on at in near of and state county""".split()  # noqa: SIM905
)


def street_names(text: str | None) -> frozenset[str]:
    """The names of the streets a report places its shooting on (``reporting_lines``):
    "East 46th Street North and North Hartwell Avenue" gives {46th, hartwell}; words without
    a street after them give none."""
    found = set()
    for m in _STREET.finditer("\n".join(reporting_lines(text or ""))):
        words = [w.lower() for w in m.group(1).split() if w.lower() not in _NOT_STREET]
        if words:
            found.add(" ".join(words))
    return frozenset(found)


# Lines that credit, date or sell rather than report: "By Staff Reporter", "Photo: ...",
# "Posted: ...", "Copyright 2024 ...", "Related: ...", "(AP Photo/Jane Doe)".
_FURNITURE_LINE = re.compile(
    r"^\s*(?:by\s|photo\b|posted\b|updated\b|published\b|copyright\b|©|related\b|read more\b"
    r"|more:|see also\b|watch\b|subscribe\b|sign up\b|forward this\b|\(?ap photo\b"
    r"|[\w .'’-]{0,60}\b(?:staff|reporter|writer|correspondent|associated press|contributed)\b"
    r"[^.!?]{0,40}$)",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"\((?:[^()]{0,40}\b(?:photo|file|credit|courtesy)\b[^()]{0,60})\)"
    r"|\b(?:photo|file photo|credit|courtesy)(?: by| of)?:?\s+(?:[A-Z][\w.'’-]*\s*){1,4}",
    re.IGNORECASE,
)
# A dateline: "KANSAS CITY, Kan. —", "COLUMBUS —" opening a line.
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?\s*(?:—|–|--)\s*"
)


_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“]?[A-Z0-9])|;\s+")
# A sentence about another shooting than the report's own: "hours after another officer
# shot a man on Tolliver Road", "On Friday night, an officer shot a man on Dellwood Ridge
# Avenue", "Earlier Saturday, a KCK officer shot ...". Its streets and names would tie the
# report to the shooting it recalls. A follow-up's "the man shot by police last week" is its
# own shooting: a time word counts only beside someone new ("a man", "a driver").
_OTHER_SHOOTING = re.compile(
    r"\b(?:another (?:officer|deputy|trooper|police|shooting)|(?:second|third) (?:police |"
    r"officer-involved )?shooting|the (?:first|other|earlier|previous) (?:shooting|incident))\b",
    re.IGNORECASE,
)
_TIME_SHIFT = re.compile(
    r"\b(?:earlier|previous(?:ly)?|prior|last (?:week|month|year)|(?:hours|days|weeks|months) "
    r"(?:after|before|earlier|later)|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"(?:the|a) (?:next|following|previous|day before|night before) ?(?:day|morning|afternoon|"
    r"evening|night)?|a day (?:later|earlier))\b",
    re.IGNORECASE,
)
_SOMEONE_NEW = re.compile(
    r"\b(?:a|an|another)\s+(?:\d+-year-old\s+)?(?:man|woman|driver|car|teen|teenager|boy|girl|"
    r"person|suspect|motorist|pedestrian|sedan|truck|vehicle)\b",
    re.IGNORECASE,
)


# A sentence that sends the reader to other coverage ("For coverage of the July 11 shooting
# on East Calloway Street in Springfield, Illinois, see ..."): the place it names is the
# other story's.
_POINTER = re.compile(
    r"\b(?:for (?:more |earlier |our |full )?(?:coverage|details|background|reporting) "
    r"(?:of|on|about)|see [\w.-]+\.(?:com|org|net|example)\b)",
    re.IGNORECASE,
)


def recalls_another(sentence: str) -> bool:
    return bool(
        _OTHER_SHOOTING.search(sentence)
        or _POINTER.search(sentence)
        or (_TIME_SHIFT.search(sentence) and _SOMEONE_NEW.search(sentence))
    )


def reporting_lines(text: str) -> list[str]:
    """The sentences of ``text`` that report this shooting, one per line: no bylines,
    credits or datelines, no sentence recalling another shooting."""
    out: list[str] = []
    for line in text.splitlines():
        if _FURNITURE_LINE.match(line):
            continue
        line = _CREDIT.sub(" ", _DATELINE.sub("", line))
        out.extend(s for s in _SENTENCE_END.split(line) if s and not recalls_another(s))
    return out


_SPEAKER = re.compile(
    r"\b([A-Z][a-z]+)?\s?\b([A-Z][a-z]+)(?:,[^,.\n]{0,60},)?\s+(?:said|says|told|added)\b"
    r"|\bspokes(?:man|woman|person)\s+(?:[A-Z][a-z]+\.?\s+)?([A-Z][a-z]+)\s+([A-Z][a-z]+)"
)


def proper_names(text: str, exclude: Iterable[str] = ()) -> frozenset[str]:
    """Lower-cased capitalised words and street ordinals not opening a sentence.

    Two reports of one shooting share the victim's and streets' names; two shootings in one
    city on one day share only the city and the police, which ``exclude`` removes, and the
    furniture of news pages (bylines, credits, datelines, wire names), which is never read.
    """
    skip = set(_NOT_NAMES)
    for phrase in exclude:
        skip.update(w.lower() for w in re.findall(r"[A-Za-z]+", phrase or ""))
    lines = reporting_lines(text)
    # A spokesperson speaks for every shooting of the department: not a name of this one.
    for m in _SPEAKER.finditer("\n".join(lines)):
        skip.update(w.lower() for w in m.groups() if w)
    found = set()
    for line in lines:
        for m in _PROPER.finditer(line.strip()):
            token = m.group(1).lower()
            base = token.removesuffix("'s")
            if token not in skip and base not in skip and len(base) > 2:
                found.add(base)
    return frozenset(found)
