"""Wording shared by every rendering: facts, times, highlighted evidence."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

from alerts.records import Alert

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(value: str | None, limit: int = 300) -> str:
    """A value safe for a header or a single line: no CR/LF or other controls, trimmed."""
    text = " ".join(_CONTROL.sub(" ", value or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The newsroom's zone ([alerts] timezone) for the times an alert shows. A context variable,
# set by the dispatcher around each send, rather than a parameter of every renderer: every
# channel renders, and the channels' one-method interface (``send(alert)``) stays as it is.
_ZONE: ContextVar[tzinfo] = ContextVar("oiswatch_display_zone", default=UTC)


@contextmanager
def in_zone(zone: tzinfo) -> Iterator[None]:
    """Render times in ``zone`` inside the block (stored times stay UTC)."""
    token = _ZONE.set(zone)
    try:
        yield
    finally:
        _ZONE.reset(token)


def local(value: datetime) -> datetime:
    """``value`` in the display zone; naive times from the store are UTC by convention."""
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(_ZONE.get())


def when(value: datetime | None) -> str:
    if value is None:
        return "unknown"
    return local(value).strftime("%Y-%m-%d %H:%M %Z")


def web_link(url: str) -> str | None:
    """``url`` if it is fit to be a link (http or https), else None: no javascript: hrefs."""
    return url if url.lower().startswith(("http://", "https://")) else None


def article_urls(alert: Alert) -> list[str]:
    """The real URLs an alert links to: its article's, its incident's articles', and the
    desk's own links."""
    urls = [alert.article.url] if alert.article else []
    for inc in (alert.incident, *alert.incidents):
        urls += [a.url for a in inc.articles] if inc else []
    if alert.links:
        links = alert.links
        urls += [links.article, links.incident, links.false_alarm, links.wrong_incident]
    return urls


def yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def headline(alert: Alert) -> str:
    if alert.article:
        return one_line(alert.article.title) or alert.article.url
    return "(no headline)"


def facts(alert: Alert) -> list[tuple[str, str]]:
    """(label, value) pairs of what the classifier pulled out, in reading order."""
    v = alert.verdict
    if v is None:
        return []
    loc = v.location
    place = ""
    if loc:
        parts = [loc.as_written, loc.city, loc.state]
        # "Kansas City" written in the story and "Kansas City" as the city: say it once.
        place = ", ".join(dict.fromkeys(p for p in parts if p))
    return [
        ("Fatal", yes_no(v.fatal)),
        ("Anyone hit", yes_no(v.anyone_hit)),
        ("Officer injured", yes_no(v.officer_injured)),
        ("Agencies", ", ".join(v.agencies) or "unknown"),
        ("Investigating agency", v.investigating_agency or "unknown"),
        ("Place", place or "unknown"),
        ("Date", v.incident_date.isoformat() if v.incident_date else "unknown"),
        ("Person shot", _person(v.victim_name, v.victim_age)),
        ("Officers named", ", ".join(v.officer_names) or "none"),
        ("Follow-up", yes_no(v.followup)),
        ("Score", f"{v.score:.2f}"),
    ]


def _person(name: str | None, age: int | None) -> str:
    if not name:
        return "not named"
    return f"{name}, {age}" if age is not None else name


def highlight(
    sentence: str,
    spans: tuple[tuple[int, int], ...],
    mark: Callable[[str], str],
    plain: Callable[[str], str] = lambda s: s,
) -> str:
    """The sentence with each matched span passed through ``mark``, the rest through ``plain``.

    Overlapping or out-of-range spans (from a hand-edited verdict) are clipped, not trusted.
    """
    out, pos = [], 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(sentence))
        if start >= end:
            continue
        out.append(plain(sentence[pos:start]))
        out.append(mark(sentence[start:end]))
        pos = end
    out.append(plain(sentence[pos:]))
    return "".join(out)
