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


# Capitalised words that name no one: calendar words, titles, and common sentence openers.
_NOT_NAME_WORDS = """
monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december police officer officers
department sheriff deputy deputies sgt sergeant lt lieutenant capt captain chief detective
county city state highway patrol the a an he she they it his her their this that there
no one on in at of for and but or after before when while according authorities
investigators mr mrs ms dr st ave avenue street road blvd boulevard drive north south
east west news update video photos watch breaking
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york
carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont
virginia washington wisconsin wyoming
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:'[a-z]+)?|\d+(?:st|nd|rd|th))\b")


def proper_names(text: str, exclude: Iterable[str] = ()) -> frozenset[str]:
    """Lower-cased capitalised words and street ordinals not opening a sentence.

    Two reports of one shooting share the victim's and streets' names; two shootings in one
    city on one day share only the city and the police, which ``exclude`` removes.
    """
    skip = set(_NOT_NAMES)
    for phrase in exclude:
        skip.update(w.lower() for w in re.findall(r"[A-Za-z]+", phrase or ""))
    found = set()
    for line in text.splitlines():
        for m in _PROPER.finditer(line.strip()):
            token = m.group(1).lower()
            if token not in skip and len(token) > 2:
                found.add(token)
    return frozenset(found)
