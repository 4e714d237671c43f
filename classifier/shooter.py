"""Who fired: find sentences saying an officer fired, or that an officer was shot.

A rule match only counts when its guards pass: the officer word is not negated ("no officers
fired"), the clause is not a question ("unclear whether an officer fired"), and the rounds were
not less-lethal ("fired beanbag rounds"). Clause and subject checks are inside the patterns
themselves (the bounded gaps of `config/classifier.toml`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from classifier.coref import Resolution, Resolver
from classifier.rules import Rule, Rules
from classifier.sentences import Sentence

FIRED, VICTIM, BORDERLINE = "fired", "victim", "borderline"
_LOOK_BEHIND = 90  # characters before a match searched for negation and hedges
_LOOK_AHEAD = 45  # characters after a match searched for less-lethal words
STATISTIC = "a yearly count (statistic)"
GENERAL = "a general statement (present tense after when/after)"


@dataclass(frozen=True)
class Hit:
    """One rule matching one sentence."""

    sentence: Sentence
    rule: str
    weight: float
    spans: tuple[tuple[int, int], ...]
    kind: str


@dataclass(frozen=True)
class Blocked:
    """A firing pattern that matched but was cancelled by a guard; kept to explain negatives."""

    sentence: Sentence
    rule: str
    why: str


@dataclass
class Findings:
    """Everything the shooter rules found in one article."""

    fired: list[Hit]
    victim: list[Hit]
    borderline: list[Hit]
    blocked: list[Blocked]
    candidate_sentences: int  # sentences that passed the cheap trigger and sense checks


# a sentence the victim rules may read: (as read, lowered, officer-word starts, required words
# present, as written, its resolution or None)
_Candidate = tuple[Sentence, str, list[int], set[str], Sentence, Resolution | None]


def scan(sentences: list[Sentence], rules: Rules) -> Findings:
    """Run the rules over every sentence that could be evidence.

    Cheap substring checks come first; victim rules ("officer was shot") only run when no
    sentence says an officer fired, since they can then only change the category. A sentence
    with no firing match is read again with officers' surnames and pronouns standing for "the
    officer" (`classifier.coref`), when the article gives it any.
    """
    found = Findings([], [], [], [], 0)
    # A story headlined on a less-lethal weapon: its "fired five rounds" means that weapon
    # unless the sentence names a real firearm.
    less_lethal_story = any(
        s.title and _less_lethal(s.text, s.text.lower(), 0, len(s.text), rules) for s in sentences
    )
    candidates: list[_Candidate] = []
    # candidates with no firing match: (sentence, lowered, the sentence before it)
    unresolved: list[tuple[Sentence, str, str | None]] = []
    previous: str | None = None
    for sentence in sentences:
        text = sentence.text
        before, previous = previous, (None if sentence.title else text)
        lower = text.lower()
        # Substrings first (fast), then whole-word starts: "around" has no shooting word.
        if not any(word in lower for word in rules.trigger):
            continue
        if not rules.trigger_word.search(text, lower):
            continue
        found.candidate_sentences += 1
        for rule in rules.borderline:
            if rule.requires_any is not None and not rule.requires_any.search(lower):
                continue
            m = rule.regex.search(text, lower)
            if m:
                found.borderline.append(Hit(sentence, rule.name, 0.0, (m.span(),), BORDERLINE))
        fired = len(found.fired)
        reading = _Reading(sentence, lower, rules)
        if reading.names_officer:
            candidates.append((sentence, lower, reading.starts, reading.present, sentence, None))
            _fire(reading, rules, less_lethal_story, found)
        if len(found.fired) == fired:
            unresolved.append((sentence, lower, before))
    # An article already flagged by sentences as written (not by its headline alone) needs no
    # second reading; the others are read again with surnames and pronouns resolved.
    if score(found.fired, rules.threshold) < rules.threshold or all(
        h.sentence.title for h in found.fired
    ):
        resolver = Resolver("\n".join(s.text for s in sentences), rules.coref)
        for sentence, lower, before in unresolved:
            _fire_resolved(
                sentence, lower, before, resolver, rules, less_lethal_story, found, candidates
            )
    _headline_topic(found)
    if not any(h.weight >= rules.threshold for h in found.fired):
        for sentence, lower, starts, present, written, resolved in candidates:
            for rule in rules.victim:
                if rule.requires and present.isdisjoint(rule.requires):
                    continue
                hit, _ = _first_match(sentence, lower, rule, rules, VICTIM, starts)
                if hit and not _other_sense(sentence.text, lower, rules):
                    found.victim.append(_as_written(hit, written, resolved))
    return found


def _fire_resolved(
    sentence: Sentence,
    lower: str,
    before: str | None,
    resolver: Resolver,
    rules: Rules,
    less_lethal_story: bool,
    found: Findings,
    candidates: list[_Candidate],
) -> None:
    """Run the firing rules on `sentence` read with officers' surnames and pronouns resolved."""
    resolved = resolver.resolve(sentence.text, lower, before)
    if resolved is None:
        return
    again = _Reading(Sentence(resolved.text, sentence.start, sentence.title), None, rules)
    if not again.names_officer:
        return
    candidates.append(
        (again.sentence, again.lower, again.starts, again.present, sentence, resolved)
    )
    mapped = Findings([], [], [], [], 0)
    _fire(again, rules, less_lethal_story, mapped)
    found.fired.extend(_as_written(hit, sentence, resolved) for hit in mapped.fired)
    found.blocked.extend(Blocked(sentence, b.rule, b.why) for b in mapped.blocked)


def _as_written(hit: Hit, sentence: Sentence, resolved: Resolution | None) -> Hit:
    """A hit on a resolved reading, told on the sentence as written, with what was read."""
    if resolved is None:
        return hit
    spans = tuple(resolved.span(a, b) for a, b in hit.spans)
    rule = f"{hit.rule} ({'; '.join(resolved.notes)})"
    return Hit(sentence, rule, hit.weight, spans, hit.kind)


def score(hits: list[Hit], threshold: float) -> float:
    """Combine the strongest match of each distinct sentence (a repeated headline counts once).

    A weak rule (weight below the threshold) counts once per article however many sentences it
    matches: "police shootings fell" in headline and body is one statistic, not corroboration.
    """
    best: dict[str, float] = {}
    for hit in hits:
        key = hit.sentence.text.lower() if hit.weight >= threshold else f"rule:{hit.rule}"
        best[key] = max(best.get(key, 0.0), hit.weight)
    remaining = 1.0
    for weight in best.values():
        remaining *= 1.0 - weight
    return 1.0 - remaining


class _Reading:
    """One sentence (as written or rewritten) prepared for the rules: where officer words start."""

    def __init__(self, sentence: Sentence, lower: str | None, rules: Rules) -> None:
        text = sentence.text
        self.sentence, self.lower = sentence, text.lower() if lower is None else lower
        has_hint = any(word in self.lower for word in rules.agent_hint)
        self.starts = (
            [m.start() for m in rules.agent_starts.finditer(text, self.lower)] if has_hint else []
        )
        # every firing and victim rule names an officer, or says "OIS"
        self.names_officer = bool(self.starts or rules.agentless.search(text, self.lower))
        self.present = (
            {word for word in rules.require_words if word in self.lower}
            if self.names_officer
            else set()
        )


def _fire(reading: _Reading, rules: Rules, less_lethal_story: bool, found: Findings) -> None:
    """Run the firing rules on one sentence, adding hits and cancelled matches to `found`."""
    sentence, lower, text = reading.sentence, reading.lower, reading.sentence.text
    firearm = other = None  # looked up once per sentence, and only for a match
    for rule in rules.fired:
        if rule.requires and reading.present.isdisjoint(rule.requires):
            continue
        hit, why = _first_match(sentence, lower, rule, rules, FIRED, reading.starts)
        if hit and less_lethal_story:
            if firearm is None:
                firearm = rules.named_firearm.search(text, lower) is not None
            if not firearm:
                hit, why = None, "less-lethal story and no firearm named"
        if hit:
            if other is None:  # checked late: it is rarely needed
                other = _other_sense(text, lower, rules)
            if other:
                hit, why = None, "another sense of the word (sport, film, vaccine ...)"
        if hit:
            found.fired.append(hit)
        elif why:
            found.blocked.append(Blocked(sentence, rule.name, why))


def _other_sense(text: str, lower: str, rules: Rules) -> bool:
    """Another sense of the shooting word: sport, film, vaccine, training, "a calendar shoot"."""
    if rules.other_sense.search(text, lower):
        return True
    return "shoot" in lower and rules.noun_shoot.search(text, lower) is not None


def _headline_topic(found: Findings) -> None:
    """Drop headline-only evidence when the body speaks of shootings only in general.

    "Council approves release of police shooting video" over a body whose only firing
    sentences are rules or yearly counts names a topic, not an incident.
    """
    if not found.fired or any(not h.sentence.title for h in found.fired):
        return
    if any(b.why in (STATISTIC, GENERAL) for b in found.blocked if not b.sentence.title):
        why = "headline names a topic the body treats only in general"
        found.blocked.extend(Blocked(h.sentence, h.rule, why) for h in found.fired)
        found.fired.clear()


def _first_match(
    sentence: Sentence, lower: str, rule: Rule, rules: Rules, kind: str, starts: list[int]
) -> tuple[Hit | None, str | None]:
    """The first guarded match of `rule` in `sentence`, or why the last match was cancelled.

    A rule that begins with the officer word is only tried where an officer word starts.
    """
    text = sentence.text
    why = None
    # A headline's present tense is news; the body's "after an officer shoots" is a rule, and so
    # is a headline's about a rule or a vote ("Council votes to limit when police shoot").
    general: bool | None = kind == FIRED and not sentence.title
    if kind == FIRED and sentence.title:
        general = None  # looked up at the first match: most headlines have none
    if rule.at_agent:
        matches: Iterable[re.Match[str] | None] = (
            rule.regex.match_at(text, i, lower) for i in starts
        )
    else:
        matches = rule.regex.finditer(text, lower)
    for m in matches:
        if m is None:
            continue
        if general is None:
            general = rules.policy.search(text, lower) is not None
        why = _guard(text, lower, m, rules, check_weapon=kind == FIRED, check_general=general)

        if why is None:
            return Hit(sentence, rule.name, rule.weight, _spans(m), kind), None
    return None, why


def _guard(
    text: str,
    lower: str,
    m: re.Match[str],
    rules: Rules,
    *,
    check_weapon: bool,
    check_general: bool = False,
) -> str | None:
    start = min(s for s, _ in _spans(m))
    begin = max(0, start - _LOOK_BEHIND)
    before, before_lower = text[begin:start], lower[begin:start]
    if rules.negation_before.search(before[-40:], before_lower[-40:]):
        return "negated"
    if rules.hedge_before.search(before, before_lower):
        return "hedged"
    end = m.end() + _LOOK_AHEAD
    if check_weapon and _less_lethal(text, lower, m.start(), end, rules):
        return "less-lethal weapon"
    if check_weapon and rules.statistic_after.search(text[m.end() : end], lower[m.end() : end]):
        return STATISTIC
    if check_weapon and any(word in before_lower for word in rules.count_hint):
        if rules.statistic_before.search(before, before_lower) or (
            rules.count_before.search(before, before_lower)
            and rules.statistic_period.search(text, lower)
        ):
            return STATISTIC
        if rules.generic_before.search(before, before_lower):
            return GENERAL
    if check_general and rules.generic.search(text[begin : m.end()], lower[begin : m.end()]):
        return GENERAL
    return None


def _less_lethal(text: str, lower: str, start: int, end: int, rules: Rules) -> bool:
    """A less-lethal weapon named next to the firing verb; a police dog that was hurt is not one."""
    found = list(rules.less_lethal.finditer(text[start:end], lower[start:end]))
    if not found:
        return False
    hurt = [h.span() for h in rules.hurt_k9.finditer(text, lower)]
    return any(
        not any(a <= start + w.start() and start + w.end() <= b for a, b in hurt) for w in found
    )


def _spans(m: re.Match[str]) -> tuple[tuple[int, int], ...]:
    """Spans of the named agent/verb groups that took part, else of the whole match."""
    spans = sorted(
        m.span(name)
        for name, value in m.groupdict().items()
        if value is not None and name.startswith(("agent", "verb"))
    )
    return tuple(spans) if spans else (m.span(),)
