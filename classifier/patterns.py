"""Pieces of regular expressions that the rules loader builds from `config/classifier.toml`."""

from __future__ import annotations


def top_level(pattern: str) -> str:
    """The pattern with every group and character class removed, to see its top level."""
    out: list[str] = []
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def gap(blockers: list[str], most: int) -> str:
    """Up to `most` words, none of them a blocker, between two parts of a pattern."""
    stop = "|".join(blockers)
    # A relative clause may sit in the gap: "the officer who was wounded returned fire", or set
    # off by commas: "detectives, who had been chasing the car, fired". Its words are not
    # checked for blockers, since they belong to another verb.
    # So may an appositive: "the officer, a nine-year veteran of the force, fired".
    clause = r"(?<=,)\s*(?:who|whom|an?)\s[^,;:.!?]{1,80}?(?=,)"
    word = (
        rf"(?:who\s+(?:was|were|is|had\s+been|has\s+been)\s+[\w'’-]+|(?!(?:{stop})\b)[\w'’.-]+"
        rf"|{clause})"
    )
    return rf"(?:[\s,\"“”]+{word}){{0,{most}}}?[\s,\"“”]+"


def by_gap(blockers: list[str], most: int) -> str:
    """Words after "by" and before the officer word ("by a Kansas City, Kansas police officer")."""
    stop = "|".join(blockers)
    return rf"(?:(?!(?:{stop})\b)[\w'’.-]+[\s,]+){{0,{most}}}?"


def agent_first(items: list[str]) -> list[str]:
    """Join the items that start with the officer word into one `<<agent>>(?:a|b|c)`.

    Same matches, but the long officer-word alternation is tried once at each place instead
    of once per item, which makes "officer was hurt" patterns several times faster.
    """
    head = r"\b(?:<<agent>>"
    led = [i[len(head) :] for i in items if i.startswith(head) and i.endswith(")\\b")]
    if len(led) < 2:
        return items
    rest = [i for i in items if not (i.startswith(head) and i.endswith(")\\b"))]
    return [head + "(?:" + "|".join(x[: -len(")\\b")] for x in led) + "))\\b", *rest]


def words_only(items: list[str]) -> list[str]:
    """Whole words only, so "sued" does not match inside "pursued"."""
    return [rf"\b(?:{w})\b" for w in items]


def shared_bounds(items: list[str]) -> list[str]:
    """Join the items of the form `\\b(?:X)\\b` into one `\\b(?:(?:X1)|(?:X2))\\b`.

    Same matches, but the word boundary is tested once at each place instead of once per item:
    most places in a text are inside a word, where the joined pattern fails at once.
    """
    head, tail = r"\b(?:", r")\b"
    bounded = [i[len(head) : -len(tail)] for i in items if i.startswith(head) and i.endswith(tail)]
    if len(bounded) < 2:
        return items
    rest = [i for i in items if not (i.startswith(head) and i.endswith(tail))]
    # When every item opens with a letter or digit, only word starts can match: say so first,
    # and the engine passes over the other places (most of a text) at once.
    start = r"(?=\w)" if all(_opens_with_word_char(b) for b in bounded) else ""
    return [head + start + "(?:" + "|".join(f"(?:{b})" for b in bounded) + ")" + tail, *rest]


def _opens_with_word_char(item: str) -> bool:
    while item.startswith("(?:"):
        item = item[3:]
    return item[:1].isalnum()
