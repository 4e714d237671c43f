"""Case-insensitive patterns run on lower-cased text, which Python's `re` does about 3x faster.

Every rule in `config/classifier.toml` is matched case-insensitively. `re.IGNORECASE` folds
each character as it compares, which makes large word alternations slow. Instead each pattern
is also compiled *folded*: its literal letters lower-cased, `(?-i:...)` parts made plain, no
flags. Run on `text.lower()`, the folded pattern finds exactly what the original finds on
`text`, except that the case-sensitive parts (`(?-i:[A-Z]{1,6}PD)`, capitalised names) now
match any case, so for such patterns it is only a fast filter and the original confirms.
A negative look-around with a case-sensitive part is left out of the folded pattern, which
keeps it a filter that never misses (see `fold`).

Offsets stay valid because lower-casing keeps the length of ordinary text; when it does not
(a few Unicode letters), the original pattern is used alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Folded:
    """One rule pattern: `exact` (IGNORECASE, original text) and `fast` (lower-cased text)."""

    exact: re.Pattern[str]
    fast: re.Pattern[str]
    case_free: bool  # no case-sensitive part: `fast` alone gives the exact answer

    @property
    def pattern(self) -> str:
        return self.exact.pattern

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        """First match; with a case-free pattern, its group texts are lower-case."""
        if lower is None:
            lower = text.lower()
        if len(lower) != len(text):  # offsets would not line up
            return self.exact.search(text)
        if self.case_free:
            return self.fast.search(lower)
        return next(self._confirmed(text, lower, self.fast), None)

    def match_at(self, text: str, pos: int, lower: str | None = None) -> re.Match[str] | None:
        """A match starting exactly at `pos` (look-behinds still see the text before it)."""
        if lower is None:
            lower = text.lower()
        if len(lower) != len(text):  # offsets would not line up
            return self.exact.match(text, pos)
        m = self.fast.match(lower, pos)
        if m is None or self.case_free:
            return m
        return self.exact.match(text, pos)

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        """Like `re.finditer`: leftmost non-overlapping matches."""
        if lower is None:
            lower = text.lower()
        if len(lower) != len(text):  # offsets would not line up
            return self.exact.finditer(text)
        if self.case_free:
            return self.fast.finditer(lower)
        return self._confirmed(text, lower, self.fast)

    def _confirmed(self, text: str, lower: str, fast: re.Pattern[str]) -> Iterator[re.Match[str]]:
        # Every exact match is also a fast match at the same place, so trying the exact pattern
        # only where the fast one matches finds the same leftmost matches.
        pos = 0
        while pos <= len(text):
            m = fast.search(lower, pos)
            if m is None:
                return
            found = self.exact.match(text, m.start())
            if found is None:
                pos = m.start() + 1
                continue
            yield found
            pos = found.end() if found.end() > found.start() else found.start() + 1

    def count(self, text: str, lower: str | None = None) -> int:
        """How many non-overlapping matches."""
        return sum(1 for _ in self.finditer(text, lower))


def compile_folded(source: str) -> Folded:
    """Compile `source` both ways; raises `re.error` like `re.compile`."""
    exact = re.compile(source, FLAGS)
    folded, case_free = fold(source)
    return Folded(exact, re.compile(folded), case_free)


def fold(source: str) -> tuple[str, bool]:
    """Lower-case the literal letters of a regex and drop `(?-i:` switches.

    Escapes are kept as written (`\\S`, `\\W`, `\\B` mean something else in lower case).
    A negative look-around that holds or sits in a case-sensitive part is left out (made
    `(?:)`): folded, it would reject more than the original, so the folded pattern could miss
    a match; left out, the folded pattern only matches more, which a filter may. Returns the
    folded source and whether the original had no case-sensitive part.
    """
    drop = dict(_negations_to_drop(source))
    out: list[str] = []
    # A dropped look-around always holds or sits in a case-sensitive part.
    case_free, in_class, i = not drop, False, 0
    while i < len(source):
        ch = source[i]
        if i in drop:
            out.append("(?:)")
            i = drop[i] + 1
            continue
        if ch == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif source.startswith("(?-i:", i):
            out.append("(?:")
            case_free = False
            i += 5
            continue
        elif source.startswith(("(?P<", "(?P="), i):
            end = source.index(">" if source[i + 3] == "<" else ")", i)
            out.append(source[i : end + 1])  # group names keep their case
            i = end + 1
            continue
        out.append(ch.lower())
        i += 1
    return "".join(out), case_free


def _negations_to_drop(source: str) -> list[tuple[int, int]]:
    """(start, end) of the outermost negative look-arounds holding or inside a `(?-i:` part."""
    spans: list[tuple[int, int]] = []
    stack: list[list[Any]] = []  # per open group: [start, negative, sensitive, holds sensitive]
    in_class, i = False, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif source.startswith("(?P=", i):  # a back-reference, not a group
            i = source.index(")", i)
        elif ch == "(":
            negative = source.startswith(("(?!", "(?<!"), i)
            stack.append([i, negative, source.startswith("(?-i:", i), False])
        elif ch == ")" and stack:
            start, negative, sensitive, holds = stack.pop()
            holds = holds or sensitive
            if stack:
                stack[-1][3] = stack[-1][3] or holds
            if negative and (holds or any(group[2] for group in stack)):
                spans.append((start, i))
        i += 1
    outermost: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if not outermost or start > outermost[-1][1]:
            outermost.append((start, end))
    return outermost
