"""Pull the facts out of a flagged article: outcome, injured officer, agencies, place, follow-up.

Each function looks at the most telling sentences first (the evidence, then the headline) and
only then at the whole article, so a second incident mentioned in passing weighs less.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from classifier.folded import fold
from classifier.rules import Rules
from records import Location


def outcome(
    near: Sequence[str], article: Sequence[str], rules: Rules
) -> tuple[bool | None, bool | None]:
    """(fatal, anyone_hit) from police gunfire; None when the article does not say.

    Between the evidence and the whole article come the few sentences right after each piece
    of evidence, nearest first, where the outcome is usually told: in a round-up, "a woman died
    in a crash" two items later says nothing about the man the officer fired at.
    """
    facts = rules.facts
    groups = [" ".join(near), *_following(near, article), " ".join(article)]
    for text in groups:
        if facts["hit_unknown"].search(text):
            return None, None
        if facts["fatal_yes"].search(text):
            return True, True
        if facts["hit_no"].search(text):
            return False, False
        if facts["fatal_no"].search(text):
            return False, True
    # Nothing says how it ended, but the evidence says someone was shot: hit, outcome unknown.
    if facts["hit_yes"].search(" ".join(near)):
        return None, True
    return None, None


def _following(near: Sequence[str], article: Sequence[str], after: int = 3) -> list[str]:
    """The sentences after each evidence sentence: all the next ones, then the ones after."""
    wanted = set(near)
    starts = [i + 1 for i, sentence in enumerate(article) if sentence in wanted]
    picked: list[str] = []
    for step in range(after):
        for i in starts:
            if i + step < len(article) and article[i + step] not in picked:
                picked.append(article[i + step])
    return picked


def officer_injured(article: Sequence[str], lowered: Sequence[str], rules: Rules) -> bool:
    """Whether an officer was hurt: some "officer was shot / suffered ..." that is not negated.

    A mention inside "no officers were hurt", "neither officer was injured" or "no other
    deputies were hurt" does not count, but does not cancel another sentence that says one was.
    `lowered` is `article` lower-cased, sentence by sentence (computed once by the caller).
    """
    hints, facts = rules.injury_hint, rules.facts
    for sentence, low in zip(article, lowered, strict=True):
        if not (_has(low, hints) and _has(low, rules.agent_hint)):
            continue  # every pattern names an officer and a harm
        unhurt = [m.span() for m in facts["officer_unhurt"].finditer(sentence, low)]
        for m in facts["officer_hurt"].finditer(sentence, low):
            if any(a < m.end() and m.start() < b for a, b in unhurt):
                continue
            before = sentence[max(0, m.start() - 40) : m.start()]
            if rules.negation_before.search(before):
                continue
            return True
    return False


def _has(lower: str, words: tuple[str, ...]) -> bool:
    return _any_of(words).search(lower) is not None


@lru_cache(maxsize=8)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    # One alternation of plain words: a single regex scan instead of one `in` per word.
    return re.compile("|".join(re.escape(w) for w in words))


def agencies(sentences: Sequence[str], rules: Rules) -> tuple[str, ...]:
    """Agencies named as "<Place> police/deputies/troopers" or by acronym, in first-seen order."""
    found: list[str] = []
    for sentence in sentences:
        for pattern in rules.places["agency"]:
            for m in pattern.finditer(sentence):
                name = _agency_name(m, rules)
                if name and name not in found:
                    found.append(name)
    return tuple(n for n in found if not _shorter_form(n, found))


def _shorter_form(name: str, names: Sequence[str]) -> bool:
    """A shorter name of the same agency: "Louisville Police" beside "Louisville Metro Police"."""
    words = name.lower().split()
    for other in names:
        longer = other.lower().split()
        if len(longer) > len(words) and longer[-1] == words[-1] and set(words) <= set(longer):
            return True
    return False


def _agency_name(m: re.Match[str], rules: Rules) -> str | None:
    groups = m.groupdict()
    if groups.get("acro"):
        return groups["acro"]
    place = _strip_place(groups.get("place") or "", rules)
    kind = rules.kinds.get((groups.get("kind") or "").lower().replace("’", "'"))
    if not place or not kind or place.lower() in rules.kinds:
        return None
    return f"{place} {kind}"


def investigating_agency(
    article: Sequence[str], lowered: Sequence[str], rules: Rules
) -> str | None:
    hints = rules.investigator_hint
    sentences = [(s, low) for s, low in zip(article, lowered, strict=True) if _has(low, hints)]
    for pattern in rules.places["investigator"]:
        for sentence, low in sentences:
            m = _search(pattern, sentence, low)
            if m:
                name = _strip_place(m["agency"], rules)
                if name:
                    return _capitalised(name)
    return None


def _capitalised(name: str) -> str:
    """Capitalise a lower-case "state police"; names written capitalised keep their case."""
    small = {"of", "the", "and", "for"}
    return " ".join(w if w in small else w[:1].upper() + w[1:] for w in name.split())


def location(
    near: Sequence[str], article: Sequence[str], text: str, rules: Rules
) -> Location | None:
    """The place as written (intersection, block, road) plus city and state when found."""
    as_written = None
    # The evidence sentences found nothing, so the article pass skips them.
    seen = set(near)
    rest = [s for s in article if s not in seen]
    for group in ([(s, s.lower()) for s in near], [(s, s.lower()) for s in rest]):
        for pattern in rules.places["location"]:
            m = next(filter(None, (_search(pattern, s, low) for s, low in group)), None)
            if m:
                as_written = m["loc"].strip(" ,.")
                break
        if as_written:
            break
    city, state = _dateline(text, rules)
    if city is None:
        city, state = _city_state(list(near) + list(article), rules)
    if as_written is None and city is None and state is None:
        return None
    return Location(as_written=as_written, city=city, state=state)


_OPENS_WITH_WORD = re.compile(r"(?:\(\?:)+[a-z]")


@lru_cache(maxsize=32)
def _prefilter(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The folded form of a place pattern opening with plain words, as a cheap first check.

    Folded, it finds at least every place the pattern finds (see `classifier.folded`), on
    lower-cased text, several times faster. A pattern opening with a capitalised name is not
    filtered: folded, its capital matches any word and the filter would cost more than it saves.
    """
    if not _OPENS_WITH_WORD.match(pattern.pattern):
        return None
    return re.compile(fold(pattern.pattern)[0])


def _search(pattern: re.Pattern[str], sentence: str, low: str) -> re.Match[str] | None:
    """`pattern.search(sentence)`, skipped when the folded filter finds nothing in `low`."""
    quick = _prefilter(pattern)
    if quick is not None and len(low) == len(sentence) and quick.search(low) is None:
        return None
    return pattern.search(sentence)


def _dateline(text: str, rules: Rules) -> tuple[str | None, str | None]:
    for pattern in rules.places["dateline"]:
        m = pattern.search(text[:600])
        if m:
            state = _state(m["state"], rules)
            if state:
                return m["city"].strip().title(), state
    return None, None


def _city_state(sentences: Sequence[str], rules: Rules) -> tuple[str | None, str | None]:
    for sentence in sentences:
        for pattern in rules.places["city_state"]:
            for m in pattern.finditer(sentence):
                state = _state(m["state"], rules)
                city = _strip_place(m["city"], rules)
                if state and city and city.lower() not in rules.states:
                    return city, state
    return None, None


def _state(name: str, rules: Rules) -> str | None:
    key = name.strip().rstrip(".").lower()
    return rules.states.get(key) or rules.states.get(key.split()[0]) if key else None


def _strip_place(name: str, rules: Rules) -> str:
    for pattern in rules.places["not_a_place"]:
        name = pattern.sub("", name)
    return name.strip(" ,.")


def followup(
    title: str, article: Sequence[str], rules: Rules, incident: date | None, published: date | None
) -> bool:
    """An article about an earlier shooting: legal or video news, or an incident long before."""
    if incident and published and (published - incident).days > 14:
        return True
    strong, weak = rules.facts["followup_strong"], rules.facts["followup_weak"]
    if title and (strong.search(title) or rules.facts["followup_title"].search(title)):
        return True
    text = " ".join(article)
    lower = text.lower()
    points = 2 * strong.count(text, lower) + weak.count(text, lower)
    if points < 4:  # "fresh" cues only take points away
        return False
    return points - 2 * rules.facts["followup_fresh"].count(text, lower) >= 4
