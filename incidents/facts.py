"""An incident's merged facts, and what a new report changed in them. Pure functions.

Reports of one shooting each tell part of it: the first says where and that a man was shot,
the next names him, a week later he has died in hospital and the state police have taken the
investigation over. The incident keeps one record of the facts, in the trackers' shape
(``oiswatch export``), and an update alert says what the new report changed.

Merging: a value the incident does not know yet is filled in; a name of the person shot or
an officer is kept once (by family name); agencies add up; "fatal" only ever becomes true
(a later "died in hospital" corrects an early "was wounded"), as do "anyone hit" and
"officer injured"; the investigating agency is the latest report's (an investigation is
handed over, never back).
"""

from __future__ import annotations

import re
from typing import Any

from classifier.names import family_names

FIELDS = (
    "victim_name",
    "victim_age",
    "officer_names",
    "agencies",
    "investigating_agency",
    "place",
    "city",
    "state",
    "date",
    "fatal",
    "anyone_hit",
    "officer_injured",
)
_LABELS = {
    "victim_name": "person shot",
    "victim_age": "age",
    "officer_names": "officers named",
    "agencies": "agencies",
    "investigating_agency": "investigating agency",
    "place": "place",
    "city": "city",
    "state": "state",
    "date": "date",
    "fatal": "fatal",
    "anyone_hit": "anyone hit",
    "officer_injured": "officer injured",
}
_TRUE_WINS = ("fatal", "anyone_hit", "officer_injured")


def agency_key(name: str) -> str:
    """An agency name with case and punctuation aside: "Kansas City Police" once, however
    each outlet writes it."""
    return " ".join(re.findall(r"[a-z]+", name.casefold()))


def of_report(verdict: Any, city: str | None, state: str | None, day: Any) -> dict[str, Any]:
    """One report's facts (``verdict`` a ``classifier.Verdict``), the place and date already
    chosen for grouping (``incidents.db.report_of``)."""
    v = verdict
    loc = v.location if v else None
    return {
        "victim_name": getattr(v, "victim_name", None),
        "victim_age": getattr(v, "victim_age", None),
        "officer_names": list(getattr(v, "officer_names", ()) or ()),
        "agencies": list(v.agencies) if v else [],
        "investigating_agency": v.investigating_agency if v else None,
        "place": loc.as_written if loc else None,
        "city": city,
        "state": state,
        "date": day.isoformat() if day else None,
        "fatal": v.fatal if v else None,
        "anyone_hit": v.anyone_hit if v else None,
        "officer_injured": v.officer_injured if v else None,
    }


def _union(old: list[str], new: list[str], key: Any) -> list[str]:
    seen = {key(x) for x in old}
    out = list(old)
    for x in new:
        if key(x) not in seen:
            seen.add(key(x))
            out.append(x)
    return out


def _officer_key(name: str) -> frozenset[str]:
    return family_names(name) or frozenset([name.casefold()])


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The incident's facts after a report with facts ``new`` joins."""
    if not old:
        return {f: new.get(f) for f in FIELDS}
    out = dict(old)
    for f in FIELDS:
        value = new.get(f)
        if value in (None, "", []):
            continue
        if f == "officer_names":
            out[f] = _union(old.get(f) or [], value, _officer_key)
        elif f == "agencies":
            out[f] = _union(old.get(f) or [], value, agency_key)
        elif f in _TRUE_WINS:
            out[f] = (
                True if (value or old.get(f)) else (old.get(f) if old.get(f) is not None else value)
            )
        elif f == "investigating_agency":
            if agency_key(value) != agency_key(old.get(f) or ""):
                out[f] = value
        elif old.get(f) in (None, ""):
            out[f] = value
    return out


# Facts an editor corrected are kept in the incident's facts under this key, {field: value},
# and win over whatever reports say, now and later (``apply_edits`` after every merge).
EDITED = "edited"


def apply_edits(merged: dict[str, Any], edited: dict[str, Any] | None) -> dict[str, Any]:
    """``merged`` with every fact an editor corrected put back: an editor's fact wins."""
    if not edited:
        return merged
    return {**merged, **{f: v for f, v in edited.items() if f in FIELDS}}


def _show(value: Any) -> str:
    if value is None or value == []:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    """What changed, one line each: "fatal: no → yes", "person shot: Kendrick Moss"."""
    out = []
    for f in FIELDS:
        before, after = old.get(f), new.get(f)
        if before == after or after in (None, "", []):
            continue
        label = _LABELS[f]
        if before in (None, "", []):
            out.append(f"{label}: {_show(after)}")
        elif isinstance(after, list):
            added = [x for x in after if x not in before]
            out.append(f"{label}: + {_show(added)}")
        else:
            out.append(f"{label}: {_show(before)} → {_show(after)}")
    return tuple(out)
