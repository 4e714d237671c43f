"""When it happened: resolve "Wednesday night" or "on Feb. 4" against the publication date."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from classifier.sentences import split_sentences

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),  # fmt: skip
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WHEN = re.compile(
    rf"\b(?:(?P<weekday>{'|'.join(WEEKDAYS)})"
    rf"|(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    r"|(?P<relative>yesterday|last night|this morning|early today|earlier today|tonight|today))\b",
)  # matched on lower-cased text: plain patterns run much faster than IGNORECASE ones
# Datelines a crawler leaves in the text: " date 2021-03-26", "Posted at 10:03 AM, Nov 18, 2021".
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_WRITTEN = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.IGNORECASE)


def as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def published_from_text(text: str) -> date | None:
    """A publication date printed near the top of the page, if any."""
    head = text[:400]
    m = _ISO.search(head)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    m = _WRITTEN.search(head)
    if m:
        try:
            return date(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
        except ValueError:
            return None
    return None


def incident_date(sentences: Iterable[str], published: date | None) -> date | None:
    """The first date expression in `sentences` (most telling first), resolved to a date.

    Weekdays and "last night" need the publication date: "Wednesday" is the latest Wednesday
    on or before it. A month and day without a year take the publication year, or the year
    before when that would put the incident after publication.
    """
    for sentence in sentences:
        for m in _WHEN.finditer(sentence.lower()):
            day = _resolve(m, published)
            if day is not None:
                return day
    return None


# A sentence about the shooting itself, not the ruling, the hearing or the release.
_ABOUT_SHOOTING = re.compile(r"\b(?:shot|shoot|shooting|killed|killing|fired|died|death|wounded)\b")


def told_date(text: str, published: date | None) -> date | None:
    """The day of the shooting a later report names ("was killed early on Oct. 21"): the
    first month and day, before publication, in a sentence about the shooting.

    A follow-up's weekdays and "today" are most often the day of its news (a ruling, a
    release): only a written month and day is taken.
    """
    if published is None:
        return None
    for sentence in split_sentences(text):
        lowered = sentence.text.lower()
        if not _ABOUT_SHOOTING.search(lowered):
            continue
        for m in _WHEN.finditer(lowered):
            if m["month"]:
                day = _resolve(m, published)
                if day is not None and day < published:
                    return day
    return None


def _resolve(m: re.Match[str], published: date | None) -> date | None:
    if m["weekday"]:
        if published is None:
            return None
        back = (published.weekday() - WEEKDAYS.index(m["weekday"].lower())) % 7
        return published - timedelta(days=back)
    if m["relative"]:
        if published is None:
            return None
        word = m["relative"].lower()
        return published - timedelta(days=1 if word in ("yesterday", "last night") else 0)
    year = int(m["year"]) if m["year"] else (published.year if published else None)
    if year is None:
        return None
    try:
        day = date(year, MONTHS[m["month"].lower()], int(m["day"]))
    except ValueError:
        return None
    if not m["year"] and published and day > published:
        day = day.replace(year=year - 1)
    return day
