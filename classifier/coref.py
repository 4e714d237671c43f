"""Who a surname or a pronoun stands for: a light, rule-based coreference within one article.

Reporting names an officer once ("Officer Ana Ruiz", "Ruiz, a nine-year veteran") and then
only by surname ("Ruiz fired twice"), or goes on with a pronoun after an officer ("the sergeant
was justified when he shot"). The firing rules look for an officer word, so such sentences are
read a second time with those words rewritten to "the officer"; `Resolution.span` maps matched
spans back to the words as written, and `notes` say what each word was read as.

`OfficerNames` answers "is this capitalised word an officer's name in this article?" by looking
only at the places where that word occurs, so an article costs nothing until a sentence needs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.rules import Coref

_WORD_BEFORE = re.compile(r"([\w'’-]+\.?)\s+$")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*")
_WINDOW_BEFORE, _WINDOW_AFTER = 60, 90  # characters around a name searched for its introduction


@dataclass(frozen=True)
class Resolution:
    """A sentence with officer surnames and pronouns rewritten as officer words."""

    text: str
    notes: tuple[str, ...]  # e.g. "“Ruiz” is read as “the officer”: Officer Ana Ruiz"
    # (start, end) as written, (start, end) rewritten, for each rewritten word
    edits: tuple[tuple[int, int, int, int], ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the rewritten text as a span of the sentence as written."""
        return self._position(start, is_end=False), self._position(end, is_end=True)

    def _position(self, pos: int, *, is_end: bool) -> int:
        shift = 0
        for old_start, old_end, new_start, new_end in self.edits:
            if pos < new_start or (is_end and pos == new_start):
                break
            if pos < new_end or (is_end and pos == new_end):
                return old_end if is_end else old_start
            shift = old_end - new_end
        return pos + shift


class OfficerNames:
    """The officers named in one article, looked up word by word (and remembered)."""

    def __init__(self, text: str, coref: Coref) -> None:
        self.text, self.coref = text, coref
        self._seen: dict[str, str | None] = {}

    def introduced(self, word: str) -> str | None:
        """The words introducing `word` as (part of) an officer's name, e.g. "Officer Ana Ruiz".

        None when no place of `word` in the article has a rank or officer word just before it
        ("Officer Ana Ruiz", "a patrolman, Ruben Castle") or a description just after it
        ("Ruiz, a nine-year veteran").
        """
        if word not in self._seen:
            self._seen[word] = self._find(word)
        return self._seen[word]

    def _find(self, word: str) -> str | None:
        coref = self.coref
        if word in coref.not_a_name or coref.not_officer_name.fullmatch(word):
            return None
        for at in _places(self.text, word):
            end = at + len(word)
            before = self.text[max(0, at - _WINDOW_BEFORE) : at]
            low = before.lower()
            if not any(hint in low for hint in coref.name_hint):
                before = ""  # no rank or officer word close enough: skip the patterns
            for pattern in coref.officer_name_before if before else ():
                b = pattern.search(before)
                if b and not any(
                    coref.not_officer_name.fullmatch(w) for w in _CAPITALISED.findall(b.group())
                ):
                    return _tidy(b.group() + word + self._rest_of_name(end))
            after = self.text[end : end + _WINDOW_AFTER]
            for pattern in coref.officer_name_after:
                a = pattern.match(after)
                if a:
                    return _tidy(word + after[: a.end()])
        return None

    def _rest_of_name(self, end: int) -> str:
        rest = re.match(r"(?:\s+[A-Z][\w'’-]+){0,2}", self.text[end : end + 40])
        return rest.group() if rest else ""


def _places(text: str, word: str) -> list[int]:
    """Where `word` stands as a whole word in `text` (plain string search: no regex to build)."""
    found, at = [], text.find(word)
    while at != -1:
        after = text[at + len(word) : at + len(word) + 1]
        if (at == 0 or not _is_word_char(text[at - 1])) and not (after and _is_word_char(after)):
            found.append(at)
        at = text.find(word, at + 1)
    return found


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’-"


def _tidy(words: str) -> str:
    return " ".join(words.split())


class Resolver:
    """Rewrites the sentences of one article; built once per article."""

    def __init__(self, text: str, coref: Coref) -> None:
        self.coref = coref
        self.names = OfficerNames(text, coref)

    def resolve(self, text: str, lower: str, previous: str | None) -> Resolution | None:
        """`text` with officer surnames and pronouns rewritten, or None when nothing changed.

        Cheap scans first: only a capitalised word or a pronoun shortly before a firing verb
        can change a verdict, and most sentences have neither.
        """
        coref = self.coref
        first_name = coref.name_subject.search(text)
        # with a name in play, any pronoun may matter too ("someone fired as they approached")
        pronouns = first_name is not None or coref.pronoun_subject.search(lower) is not None
        if first_name is None and not pronouns:
            return None
        edits: list[tuple[int, int, str, str]] = []  # start, end, replacement, note
        names = _CAPITALISED.finditer(text, first_name.start()) if first_name else ()
        for m in names:
            word = m.group()
            if len(word) < 2 or word in self.coref.not_a_name:
                continue
            # only a name shortly before a firing verb (or after "by") can change a verdict
            if not self.coref.name_subject.match(text, m.start()):
                continue
            intro = self.names.introduced(word)
            if intro is None or self._officer_word_before(text, m.start()):
                continue  # not an officer's name, or part of "Officer Ana Ruiz" itself
            note = f"“{word}” is read as “the officer”: {intro}"
            edits.append((m.start(), m.end(), "the officer", note))
        for m in self.coref.pronoun.finditer(text) if pronouns else ():
            if not self.coref.verb_after.match(text, m.end()):
                continue
            who = self._antecedent(text, m.start(), previous)
            if who:
                reading = self.coref.pronouns[m.group().lower()]
                edits.append(
                    (m.start(), m.end(), reading, f"“{m.group()}” is read as “{reading}”: {who}")
                )
        if not edits:
            return None
        edits.sort()
        out: list[str] = []
        spans: list[tuple[int, int, int, int]] = []
        pos = length = 0
        for start, end, replacement, _ in edits:
            out.append(text[pos:start])
            length += start - pos
            spans.append((start, end, length, length + len(replacement)))
            out.append(replacement)
            length += len(replacement)
            pos = end
        out.append(text[pos:])
        return Resolution("".join(out), tuple(e[3] for e in edits), tuple(spans))

    def _officer_word_before(self, text: str, start: int) -> bool:
        """Whether an officer word or another word of an officer's name comes right before."""
        m = _WORD_BEFORE.search(text, 0, start)
        if not m:
            return False
        word = m.group(1)
        if self.coref.agent.fullmatch(word):
            return True
        return word[:1].isupper() and self.names.introduced(word.rstrip(".")) is not None

    def _antecedent(self, text: str, before: int, previous: str | None) -> str | None:
        """The officer a pronoun at `before` stands for, if the nearest person is an officer."""
        segments = [(text, before)]
        if previous:
            cut = self.coref.attribution.search(previous)
            segments.append((previous, cut.start() if cut else len(previous)))
        first = True
        for segment, end in segments:
            for m in reversed(list(self.coref.mention.finditer(segment, 0, end))):
                kind, word = m.lastgroup, m.group()
                # "a teen he shot": the person right before the pronoun is not who it is
                if first and kind == "person" and m.end() == before - 1:
                    first = False
                    continue
                first = False
                if kind == "agent":
                    if self.coref.speech_after.match(segment, m.end()):
                        continue  # "police said he fired": police are the speakers
                    return f"the {word.lower()}" if word[:1].islower() else word
                if kind == "cap":
                    if word in self.coref.not_a_name or word.lower() in self.coref.pronouns:
                        continue
                    intro = self.names.introduced(word)
                    return intro  # a name: an officer's, or someone else's (None)
                return None  # a person who is not an officer
            before = -1
        return None
