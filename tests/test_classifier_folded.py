"""The folded (lower-cased) form of a rule pattern finds exactly what the original finds."""

from __future__ import annotations

import pytest

from classifier.folded import compile_folded

# A case-sensitive part under a negative look-around: "shot" not followed by a capitalised name.
NOT_BEFORE_NAME = r"\bofficer\s+shot\b(?!\s+(?-i:[A-Z][a-z]+))"
# A negative look-around inside a case-sensitive part.
INSIDE_SENSITIVE = r"(?-i:[A-Z]{1,6}PD(?!s\b))\s+officer"


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        (NOT_BEFORE_NAME, "An officer shot Smith on Main Street.", []),
        (NOT_BEFORE_NAME, "An officer shot smith tools.", ["officer shot"]),
        (NOT_BEFORE_NAME, "The OFFICER SHOT twice. An officer shot Jones.", ["OFFICER SHOT"]),
        (INSIDE_SENSITIVE, "A KCPD officer fired; a kcpd officer did not.", ["KCPD officer"]),
        (INSIDE_SENSITIVE, "KCPDs officer", []),
    ],
)
def test_folded_pattern_finds_what_the_original_finds(
    source: str, text: str, expected: list[str]
) -> None:
    pattern = compile_folded(source)
    assert [m.group() for m in pattern.finditer(text)] == expected
    assert [m.group() for m in pattern.exact.finditer(text)] == expected
    first = pattern.search(text)
    assert (first.group() if first else None) == (expected[0] if expected else None)
