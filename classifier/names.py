"""The people a police-shooting report names: the person shot (with age) and the officers.

Pure functions over the article's headline and text. Reports of one shooting written weeks or
years apart share little wording but the names of the person shot and of the officers who
fired, so these are the facts incidents are matched on first (``incidents.matching``).

Who is who is read from the phrases news reports use, not guessed from capital letters:

* the person shot: "identified the man as NAME", "the shooting/death/killing of NAME",
  "officers shot/killed NAME", "family of NAME", "NAME, 24, was shot";
* the officers: a title before the name ("Officer NAME", "Deputy NAME", "Sgt. NAME"),
  "identified the officer(s) as NAME (and NAME)", "officers NAME and NAME". A titled name
  counts unless the officer only speaks for the department ("NAME said", "NAME, a
  spokesman"), so a spokesman is not taken for the shooter, unless the text also says that
  officer fired ("NAME fired", "NAME shot ...").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# One word of a name: capitalised, may hold an apostrophe, a hyphen or a capital inside
# ("O'Neal", "Velasco-Ruiz", "DeMarco", "Montaño").
_WORD = r"(?:[A-Z][a-zà-ÿ]*['’]?[A-Z]?[a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?)"
_NICK = r"(?:[\"“][A-Z][\w.' -]{0,15}[\"”])"
_INITIAL = r"(?:[A-Z]\.(?:[A-Z]\.)?)"
# First name (or initials), then middle initials, nicknames or names, then the surname.
_FULL = rf"(?:(?:{_WORD}|{_INITIAL})(?:\s+(?:{_INITIAL}|{_NICK}|{_WORD})){{0,3}}\s+{_WORD})"
_NAME = rf"(?P<name>{_FULL})"

# Capitalised words that start no one's name: titles, places' and agencies' words, and the
# words a headline or sentence capitalises.
_NOT_NAME = frozenset(
    """
    officer officers deputy deputies sgt sergeant cpl corporal trooper troopers detective det
    lt lieutenant capt captain chief agent agents marshal marshals ofc police sheriff sheriff's
    county city state the a an his her their this that he she they it and or of in on at by
    for with from after before when while mr mrs ms dr jr sr st mount fort new north south east
    west monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december jan feb mar apr jun jul aug sep
    sept oct nov dec department office bureau division unit patrol court district attorney
    general judge jury grand federal highway street avenue road staff reporter writer dispatch
    pike lane drive boulevard parkway circle way place terrace trail plaza square
    photo editor associated press news u.s
    """.split()  # noqa: SIM905
)

_TITLE = (
    r"(?:Officers?|Deputies|Deputy|Sgt\.|Sergeant|Cpl\.|Corporal|Troopers?|Detectives?|Det\."
    r"|Agents?|Ofc\.|Patrol(?:man|woman)|Lt\.|Lieutenant)"
)
_OFFICER_SUBJECT = r"(?i:officers?|deputies|deputy|trooper|sergeant|agent|corporal|detective)"
_VICTIM_SUBJECT = (
    r"(?i:him|her|the (?:\w+ )?(?:man|woman|driver|teen(?:ager)?|boy|girl|person|suspect|victim"
    r"|passenger|motorist|pedestrian)|(?:a|the) \d+-year-old)"
)
# Within one clause: a period only after an initial or a short abbreviation ("St. Paul").
_CLAUSE = (
    r"(?:[^.;]|(?<=\b[A-Z])\.|(?<=\b[A-Z][a-z])\."
    r"|(?<=\b[A-Z][a-z]{2})\.(?= [a-z0-9])|(?<=\b[A-Z][a-z]{3})\.(?= [a-z0-9]))"
)
_AGE = r"(?:,\s+(?:then\s+)?(?P<age>\d{1,2}),)"
_YEARS_OLD = r"(?:(?P<age2>\d{1,2})-year-old\s+)"

_OFFICERS_NAMED = re.compile(
    rf"identif(?:ied|ies|y)\s+(?:the\s+)?(?:two\s+|three\s+)?(?:{_OFFICER_SUBJECT})"
    rf"(?:\s+who\s+(?:fired|shot))?\s+(?:\w+\s+){{0,3}}?as\s+(?:{_TITLE}\s+)?(?P<first>{_FULL})"
    rf"(?:[^.;]{{0,120}}?\band\s+(?:{_TITLE}\s+)?(?P<second>{_FULL}))?"
)
# "The officer who fired was identified as NAME", "The officer who fired is NAME".
_OFFICER_IS = re.compile(
    rf"\b(?:{_OFFICER_SUBJECT})\s+who\s+(?:fired|shot)\b[^.;]{{0,40}}?\s+"
    rf"(?:is|was|has been identified as|was identified as)\s+(?:{_TITLE}\s+)?(?P<first>{_FULL})"
    rf"(?P<second>)"
)
# In a story of an officer's trial, the one charged with a killing is that officer: "a jury
# acquitted a former police officer ... NAME, 35, was charged with second-degree manslaughter
# in the death of ..." (the trial story often gives no rank). Elsewhere the one charged with a
# killing is as often the person the police shot, wanted for an earlier one.
_OFFICER_ON_TRIAL = re.compile(
    r"(?i:\b(?:acquitted|convicted|indicted|charged with|sentenced|on trial|trial of)\b"
    r"[^.;]{0,60}\b(?:officer|deputy|trooper|policeman)\b"
    r"|\b(?:officer|deputy|trooper|policeman)\b[^.;]{0,60}"
    r"\b(?:was|is|were|been) (?:acquitted|convicted|indicted|charged with|sentenced)\b)"
)
_OFFICER_CHARGED = re.compile(
    rf"(?P<first>{_FULL}){_AGE}?\s+(?:was|is|has been|had been|were)\s+(?:\w+\s+)?"
    rf"(?:charged with|indicted (?:on|for)|acquitted of|convicted of|found guilty of|tried for)"
    rf"\s+[^.;]{{0,40}}?\b(?:manslaughter|murder|homicide)\b[^.;]{{0,30}}?"
    rf"\b(?:death|shooting|killing) of\b(?P<second>)"
)
_TITLED = re.compile(rf"(?<![\w.]){_TITLE}\s+(?P<name>{_FULL})(?:\s+and\s+(?P<second>{_FULL}))?")
_FIRED = r"(?:fired|fire|fires|shot|shoots|opened fire|returned fire|killed)"

# The first patterns name the person shot in so many words ("identified ... as NAME"); a
# name in the others ("the shooting of NAME") counts only if the report names it again.
_NAMED_ONCE_RANKS = 6
_RELATIVE = r"(?:son|daughter|brother|sister|husband|wife|father|nephew|grandson|boyfriend|partner)"
_VICTIM_PATTERNS = tuple(
    re.compile(p)
    for p in (
        # "identified the man shot by an officer as NAME", "identified him as NAME"
        rf"identif(?:ied|ies|y)\s+{_VICTIM_SUBJECT}\b{_CLAUSE}{{0,200}}?\bas\s+{_NAME}",
        rf"{_VICTIM_SUBJECT}\b{_CLAUSE}{{0,200}}?\b(?:was|is|has been)\s+identified\s+"
        rf"(?:\w+\s+){{0,2}}as\s+{_NAME}",
        # "The man, identified by relatives as NAME"; "NAME, the man shot by police"
        rf"{_VICTIM_SUBJECT},?\s+identified\s+(?:\w+\s+){{0,3}}?as\s+{_NAME}",
        rf"{_NAME},\s+the\s+(?:\w+\s+)?(?:man|woman|driver|teen|boy|girl)\s+(?:who\s+was\s+)?"
        rf"(?:shot|killed|wounded)\b",
        # "... and the man who was shot as NAME"
        rf"{_VICTIM_SUBJECT}\s+who\s+was\s+(?:shot|killed|wounded)\s+as\s+{_NAME}",
        rf"\b(?:was|is)\s+{_NAME}(?:{_AGE}|,\s+an?\s+(?P<age3>\d{{1,2}})-year-old)",
        # "the shooting of NAME", "the death of 19-year-old NAME"
        rf"\b(?:shooting|death|killing|wounding|shooting death)\s+of\s+{_YEARS_OLD}?{_NAME}",
        rf"\b(?:shot|killed|wounded|shooting|killing)\s+(?:and\s+(?:killed|wounded)\s+)?"
        rf"{_YEARS_OLD}?{_NAME}",
        # "fired three rounds at NAME"
        rf"\b(?:fired|shooting|shot)\s+(?:\w+\s+){{0,3}}?at\s+{_YEARS_OLD}?{_NAME}",
        rf"\b(?:family|mother|father|relatives|estate)\s+of\s+{_YEARS_OLD}?{_NAME}",
        # "shot and killed her son, NAME,"
        rf"\b(?:her|his|their)\s+{_RELATIVE},\s+{_YEARS_OLD}?{_NAME}",
        rf"{_NAME}{_AGE}\s+(?:was|died|had been|who was|faces|remains|is|survived)\b",
    )
)


@dataclass(frozen=True)
class People:
    victim: str | None = None
    victim_age: int | None = None
    officers: tuple[str, ...] = ()


def people(title: str, text: str) -> People:
    """The person shot (name and age when given) and the officers who fired."""
    flat = " ".join(filter(None, [title, text])).replace("\n", " ")
    flat = re.sub(r"\s+", " ", flat)
    on_trial = any(_OFFICER_ON_TRIAL.search(part) for part in (title or "", text))
    officers = _officers(flat, on_trial=on_trial)
    officer_keys = {surname_key(o) for o in officers}
    victim, age = _victim(flat, officer_keys)
    return People(victim=victim, victim_age=age, officers=officers)


def _officers(text: str, *, on_trial: bool = False) -> tuple[str, ...]:
    found: list[str] = []
    named = [_OFFICERS_NAMED, _OFFICER_IS]
    if on_trial:
        named.append(_OFFICER_CHARGED)
    for m in [m for pattern in named for m in pattern.finditer(text)]:
        for group in ("first", "second"):
            name = _clean(m.group(group))
            if name and name not in found:
                found.append(name)
    for m in _TITLED.finditer(text):
        for group in ("name", "second"):
            name = _clean(m.group(group))
            if name and name not in found and (_fired(text, name) or not _speaks(text, name)):
                found.append(name)
    # A name seen once with its surname only ("Kessler") is the same officer.
    return tuple(n for n in found if not any(o != n and o.endswith(" " + n) for o in found))


def _fired(text: str, name: str) -> bool:
    """Whether the text says this officer fired: "NAME fired", "NAME, who fired", "NAME shot"."""
    surname = re.escape(name.split()[-1])
    return (
        re.search(
            rf"\b{surname}\b(?:,[^,.;]{{0,60}},)?(?:\s+(?:and|who|then|also|had|\w+ly)){{0,2}}"
            rf"(?:\s+\w+)?\s+{_FIRED}\b",
            text,
        )
        is not None
    )


def _speaks(text: str, name: str) -> bool:
    """A spokesperson: "NAME said", "NAME, a police spokesman,", "spokeswoman NAME"."""
    surname = re.escape(name.split()[-1])
    return (
        re.search(
            rf"\b{surname}\b(?:,[^,.;]{{0,60}},)?\s+(?:said|says|told|added|explained|wrote)\b"
            rf"|\b{surname},\s+(?:a|the)\s+(?:\w+\s+){{0,3}}?spokes|spokes\w+\s+(?:\w+\s+)?{surname}",
            text,
        )
        is not None
    )


def _victim(text: str, officer_keys: set[str]) -> tuple[str | None, int | None]:
    """The person the report is about: of the names in a victim's phrase, the one whose
    surname the text repeats most ("the shooting of NAME" may be an earlier case recalled in
    passing), then the likelier phrase, then the earlier one."""
    best: tuple[tuple[int, int, int], str, int | None] | None = None
    for rank, pattern in enumerate(_VICTIM_PATTERNS):
        for m in pattern.finditer(text):
            name = _clean(m.group("name"))
            if not name or surname_key(name) in officer_keys:
                continue
            if _officer_before(text, m.start("name")):
                continue
            groups = m.groupdict()
            age = groups.get("age") or groups.get("age2") or groups.get("age3")
            age = age or _age_after(text, m)
            mentions = len(re.findall(rf"\b{re.escape(name.split()[-1])}\b", text))
            if mentions < 2 and rank >= _NAMED_ONCE_RANKS:
                continue  # named once: an earlier case recalled in passing, not this report's
            key = (mentions, -rank, -m.start())
            if best is None or key > best[0]:
                best = (key, name, int(age) if age else None)
    return (best[1], best[2]) if best else (None, None)


def _officer_before(text: str, start: int) -> bool:
    """The name is an officer's: "Officer NAME", "the officer, NAME"."""
    before = text[max(0, start - 20) : start]
    return re.search(rf"(?:{_TITLE}|{_OFFICER_SUBJECT}),?\s+$", before) is not None


def _age_after(text: str, m: re.Match[str]) -> str | None:
    after = re.match(r",\s+(?:then\s+)?(\d{1,2}),", text[m.end("name") : m.end("name") + 12])
    return after.group(1) if after else None


def _clean(name: str | None) -> str | None:
    """Trim words that are not part of a person's name; None when nothing name-like is left."""
    if not name:
        return None
    words = name.split()
    # The name is the last run of words that can be a name: "U.S. Marshal Grant Hollis".
    for i in range(len(words) - 1, -1, -1):
        if _not_name(words[i]):
            words = words[i + 1 :]
            break
    if len(words) < 2 or not re.fullmatch(_WORD, words[-1]):
        return None
    return " ".join(words)


def _not_name(word: str) -> bool:
    low = word.lower().strip(".,")
    return low in _NOT_NAME or low.endswith(("'s", "’s"))


def fold(word: str) -> str:
    """Lower case without accents: "Montaño" and "Montano" are one name."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def surname_key(name: str) -> str:
    """The last word of a name, folded: what two reports of one person agree on."""
    return fold(name.split()[-1]).split("-")[-1]


def family_names(name: str) -> frozenset[str]:
    """The words of a name after the first, folded, hyphenated parts apart: "Adrian
    Velasco-Ruiz" and "Adrian Velasco Ruiz" share {velasco, ruiz}; "Hector Ibarra" and
    "Hector Ibarra-Soto" share {ibarra}. Nicknames and initials are left out."""
    words = [w for w in name.split()[1:] if not re.fullmatch(rf"{_NICK}|{_INITIAL}", w)]
    words = re.sub(r"[\"“”][^\"“”]*[\"“”]", " ", " ".join(words)).split()
    return frozenset(part for w in words for part in fold(w).strip(".").split("-") if len(part) > 1)
