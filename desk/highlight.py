"""Evidence made visible: the sentences that decided a verdict marked in an article's text.

Pure functions returning ``Markup``: every piece taken from the article is escaped here,
and only the ``<mark>``/``<strong>`` tags this module writes are not.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from records import Evidence


def mark_spans(sentence: str, spans: Sequence[tuple[int, int]]) -> Markup:
    """The sentence escaped, the words the rule matched (``spans``) in ``<strong>``."""
    out = Markup()
    at = 0
    for start, end in sorted(spans):
        if start < at or end > len(sentence) or start >= end:
            continue  # overlapping or out of range: leave the words plain
        out += escape(sentence[at:start]) + Markup("<strong>") + escape(sentence[start:end])
        out += Markup("</strong>")
        at = end
    return out + escape(sentence[at:])


def paragraphs(text: str, evidence: Sequence[Evidence]) -> list[Markup]:
    """The text's paragraphs, escaped, each evidence sentence found in them in ``<mark>``."""
    out = []
    for para in (p.strip() for p in text.split("\n")):
        if not para:
            continue
        found: list[tuple[int, int, Evidence]] = []
        for ev in evidence:
            start = para.find(ev.sentence) if ev.sentence else -1
            if start >= 0 and all(start >= e or start + len(ev.sentence) <= s for s, e, _ in found):
                found.append((start, start + len(ev.sentence), ev))
        html = Markup()
        at = 0
        for start, end, ev in sorted(found, key=lambda f: f[0]):
            html += escape(para[at:start])
            html += Markup('<mark class="evidence" title="rule: {}">{}</mark>').format(
                ev.rule, mark_spans(ev.sentence, ev.spans)
            )
            at = end
        out.append(html + escape(para[at:]))
    return out
