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


def scan(sentences: list[Sentence], rules: Rules) -> Findings:
    """Run the rules over every sentence that could be evidence.

    Cheap substring checks come first; victim rules ("officer was shot") only run when no
    sentence says an officer fired, since they can then only change the category.
    """
    found = Findings([], [], [], [], 0)
    # A story headlined on a less-lethal weapon: its "fired five rounds" means that weapon
    # unless the sentence names a real firearm.
    less_lethal_story = any(s.title and rules.less_lethal.search(s.text) for s in sentences)
    # (sentence, lowered, where officer words start, the required words present)
    candidates: list[tuple[Sentence, str, list[int], set[str]]] = []
    for sentence in sentences:
        text = sentence.text
        lower = text.lower()
        # Substrings first (fast), then whole-word starts: "around" has no shooting word.
        if not any(word in lower for word in rules.trigger):
            continue
        if not rules.trigger_word.search(text, lower):
            continue
        has_hint = any(word in lower for word in rules.agent_hint)
        starts = [m.start() for m in rules.agent_starts.finditer(text, lower)] if has_hint else []
        names_officer = starts or rules.agentless.search(text, lower)
        found.candidate_sentences += 1
        for rule in rules.borderline:
            if rule.requires and not any(word in lower for word in rule.requires):
                continue
            m = rule.regex.search(text, lower)
            if m:
                found.borderline.append(Hit(sentence, rule.name, 0.0, (m.span(),), BORDERLINE))
        if not names_officer:
            continue  # every firing and victim rule names an officer, or says "OIS"
        present = {word for word in rules.require_words if word in lower}
        candidates.append((sentence, lower, starts, present))
        firearm = other = None  # looked up once per sentence, and only for a match
        for rule in rules.fired:
            if rule.requires and present.isdisjoint(rule.requires):
                continue
            hit, why = _first_match(sentence, lower, rule, rules, FIRED, starts)
            if hit and less_lethal_story:
                if firearm is None:
                    firearm = rules.named_firearm.search(text, lower) is not None
                if not firearm:
                    hit, why = None, "less-lethal story and no firearm named"
            if hit:
                if other is None:  # checked late: it is rarely needed
                    other = rules.other_sense.search(text, lower) is not None
                if other:
                    hit, why = None, "another sense of the word (sport, film, vaccine ...)"
            if hit:
                found.fired.append(hit)
            elif why:
                found.blocked.append(Blocked(sentence, rule.name, why))
    _headline_topic(found)
    if not any(h.weight >= rules.threshold for h in found.fired):
        for sentence, lower, starts, present in candidates:
            for rule in rules.victim:
                if rule.requires and present.isdisjoint(rule.requires):
                    continue
                hit, _ = _first_match(sentence, lower, rule, rules, VICTIM, starts)
                if hit and not rules.other_sense.search(sentence.text, lower):
                    found.victim.append(hit)
    return found


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
    # A headline's present tense is news; the body's "after an officer shoots" is a rule.
    general = kind == FIRED and not sentence.title
    if rule.at_agent:
        matches: Iterable[re.Match[str] | None] = (
            rule.regex.match_at(text, i, lower) for i in starts
        )
    else:
        matches = rule.regex.finditer(text, lower)
    for m in matches:
        if m is None:
            continue
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
    if check_weapon and rules.less_lethal.search(text[m.start() : end], lower[m.start() : end]):
        return "less-lethal weapon"
    if check_weapon and rules.statistic_after.search(text[m.end() : end], lower[m.end() : end]):
        return STATISTIC
    if check_general and rules.generic.search(text[begin : m.end()], lower[begin : m.end()]):
        return GENERAL
    return None


def _spans(m: re.Match[str]) -> tuple[tuple[int, int], ...]:
    """Spans of the named agent/verb groups that took part, else of the whole match."""
    spans = sorted(
        m.span(name)
        for name, value in m.groupdict().items()
        if value is not None and name.startswith(("agent", "verb"))
    )
    return tuple(spans) if spans else (m.span(),)
