"""Split an article into sentences, keeping where each one starts in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A period after one of these does not end a sentence ("Sgt. Bell", "Kansas City, Mo. police").
ABBREVIATIONS = frozenset(
    """sgt lt cpl ofc det capt col gen maj cmdr dep insp supt mr mrs ms dr jr sr st ave blvd rd
    no vs mt ft jan feb mar apr jun jul aug sep sept oct nov dec mo kan kans ariz calif colo conn
    fla ga ill ind ky la md mass mich minn miss mont neb nev okla ore pa tenn tex va wash wis wyo
    u.s a.m p.m d.c n.y n.j n.c s.c n.m n.h inc co corp gov rep sen hwy""".split()  # noqa: SIM905
)
# A word this long before the period cannot be one of them: no need to read it.
_LONGEST = max(map(len, ABBREVIATIONS))
_END = re.compile(r"""[.!?]+["”’)]*\s+(?=["“‘(]?[A-Z0-9])|\n\s*""")
_WORD_BEFORE = re.compile(r"([\w.]+)\.?[\"”’)]*$")


@dataclass(frozen=True)
class Sentence:
    """One sentence; `start` is its offset in the text it came from."""

    text: str
    start: int
    title: bool = False


def split_sentences(text: str, *, title: bool = False) -> list[Sentence]:
    """Split on line breaks and on sentence-final punctuation, skipping abbreviations."""
    out: list[Sentence] = []
    begin = 0
    for m in _END.finditer(text):
        if m.group().strip() and _is_abbreviation(text, m.start()):
            continue
        _add(out, text, begin, m.end(), title)
        begin = m.end()
    _add(out, text, begin, len(text), title)
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    if dot > _LONGEST and text[dot - _LONGEST - 1 : dot].isalpha():
        return False
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _add(out: list[Sentence], text: str, begin: int, end: int, title: bool) -> None:
    chunk = text[begin:end]
    stripped = chunk.strip()
    if stripped:
        out.append(Sentence(stripped, begin + chunk.index(stripped[0]), title))
