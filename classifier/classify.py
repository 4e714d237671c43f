"""Decide whether one article reports an officer-involved shooting, and say why.

Decision procedure:
1. Split headline and body into sentences; skip sentences with no shooting word or with another
   sense of the word (photo shoot, flu shot, shot clock ...).
2. Run the `[[fired]]` rules (officer fired) and `[[victim]]` rules (officer was shot).
3. score = 1 - product(1 - weight) over the distinct sentences with a firing match;
   flagged when score >= settings.threshold.
4. Not flagged but an officer was shot -> category "officer_shot"; else "not_ois".
5. Facts come from the evidence sentences first, then the headline, then the whole article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from classifier import dates, facts, names, shooter
from classifier.rules import Rules, load_rules
from classifier.sentences import split_sentences
from classifier.shooter import Findings, Hit, scan
from records import Category, Evidence, Facts, Verdict

MAX_EVIDENCE = 4


def classify(
    title: str | None,
    text: str,
    published: datetime | date | None = None,
    *,
    rules: Rules | None = None,
    region: Sequence[str] = (),
) -> Verdict:
    """Classify one article from its headline and body text."""
    rules = rules or load_rules()
    title = (title or "").strip()
    body = split_sentences(text)
    promos = _promo_spans(text, rules)
    if promos:  # related-story lists are not the article: no evidence, no facts from them
        body = [s for s in body if not any(a <= s.start < b for a, b in promos)]
    sentences = (split_sentences(title, title=True) if title else []) + body
    found = scan(sentences, rules)
    score = shooter.score(found.fired, rules.threshold)
    ois = score >= rules.threshold
    category = (
        Category.OIS if ois else (Category.OFFICER_SHOT if found.victim else Category.NOT_OIS)
    )
    deciding = _deciding(found, ois)
    evidence = tuple(Evidence(h.sentence.text, h.spans, h.rule) for h in deciding)
    all_text = [s.text for s in sentences]
    found_facts = _facts(title, text, published, deciding, all_text, rules) if ois else Facts()
    reason = _reason(found, ois, category, score, rules)
    return Verdict(
        ois=ois,
        category=category,
        score=round(score, 3),
        evidence=evidence,
        reason=reason,
        in_region=in_region(region, title, text, found_facts.agencies),
        borderline=bool(found.borderline),
        fatal=found_facts.fatal,
        anyone_hit=found_facts.anyone_hit,
        officer_injured=found_facts.officer_injured,
        agencies=found_facts.agencies,
        investigating_agency=found_facts.investigating_agency,
        location=found_facts.location,
        incident_date=found_facts.incident_date,
        followup=found_facts.followup,
        victim_name=found_facts.victim_name,
        victim_age=found_facts.victim_age,
        officer_names=found_facts.officer_names,
    )


def _promo_spans(text: str, rules: Rules) -> list[tuple[int, int]]:
    """Where related-story lines and promos are: `guards.promo_line`, and the bullet or
    headline-like lines (no final period) after a `guards.promo_header` line."""
    spans: list[tuple[int, int]] = []
    in_list = False
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        words = line.strip()
        if not words:
            continue
        if rules.promo_header.match(words):
            in_list = True
            spans.append((start, pos))
        elif rules.promo_line.match(words) or (in_list and not words.endswith((".", '."', ".”"))):
            spans.append((start, pos))
        else:
            in_list = False
    return spans


def _deciding(found: Findings, ois: bool) -> list[Hit]:
    """The sentences to show as evidence, strongest first, one hit per sentence."""
    pool = found.fired if (ois or found.fired) else found.victim
    seen: set[str] = set()
    out: list[Hit] = []
    for hit in sorted(pool, key=lambda h: -h.weight):
        if hit.sentence.text not in seen:
            seen.add(hit.sentence.text)
            out.append(hit)
    return out[:MAX_EVIDENCE]


def _facts(
    title: str,
    text: str,
    published: datetime | date | None,
    deciding: list[Hit],
    article: list[str],
    rules: Rules,
) -> Facts:
    near = [h.sentence.text for h in deciding]
    lowered = [s.lower() for s in article]
    headline = [title] if title else []
    fatal, anyone_hit = facts.outcome(near + headline, article, rules)
    pub = dates.as_date(published) or dates.published_from_text(text)
    incident = dates.incident_date(near + headline + article[:6], pub)
    named = names.people(title, text)
    return Facts(
        fatal=fatal,
        anyone_hit=anyone_hit,
        officer_injured=facts.officer_injured(article, lowered, rules),
        # The evidence often says only "the two officers"; the agency is then named in the
        # headline or the opening sentences.
        agencies=facts.agencies(near, rules) or facts.agencies(headline + article[:3], rules),
        investigating_agency=facts.investigating_agency(article, lowered, rules),
        location=facts.location(near, article, text, rules),
        incident_date=incident,
        followup=facts.followup(title, article, rules, incident, pub),
        victim_name=named.victim,
        victim_age=named.victim_age,
        officer_names=named.officers,
    )


def _reason(found: Findings, ois: bool, category: str, score: float, rules: Rules) -> str:
    note = ""
    if found.borderline:
        note = f" Borderline kind noticed: {found.borderline[0].rule}."
    if ois:
        best = max(found.fired, key=lambda h: h.weight)
        return f"An officer fired ({best.rule}): “{_short(best.sentence.text)}”.{note}"
    if category == Category.OFFICER_SHOT:
        return (
            "An officer was shot or shot at, but no sentence says an officer fired: "
            f"“{_short(found.victim[0].sentence.text)}”.{note}"
        )
    if found.fired:
        best = max(found.fired, key=lambda h: h.weight)
        return (
            f"Only weak signs ({best.rule}), score {score:.2f} below {rules.threshold}; "
            f"no sentence clearly says an officer fired.{note}"
        )
    if found.blocked:
        b = found.blocked[0]
        return f"A firing pattern was cancelled ({b.why}): “{_short(b.sentence.text)}”.{note}"
    if found.candidate_sentences:
        return (
            "Shooting or gun words appear (e.g. police investigating a shooting), "
            f"but no sentence says an officer fired.{note}"
        )
    return f"No sentence about a shooting by officers.{note}"


def _short(sentence: str, limit: int = 140) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def in_region(region: Sequence[str], title: str, text: str, agencies: object) -> bool | None:
    """Whether the article is about the configured region.

    None when no region is configured. Otherwise True when any region term (a place or an
    agency, matched case-insensitively as whole words) appears in the agencies whose officers
    fired or anywhere in the headline or body — the evidence, location and agencies all come
    from that text, so the article is the widest and final place to look.
    """
    terms = [t.strip() for t in region if t and t.strip()]
    if not terms:
        return None
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE
    )
    haystack = " ".join([title, text, *(agencies if isinstance(agencies, tuple) else ())])
    return bool(pattern.search(haystack))
