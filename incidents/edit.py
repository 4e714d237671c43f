"""Editors' corrections of the grouping and the facts: move, split, merge, correct a fact.

Each records the correction (``store.corrections``) and applies it in the caller's
transaction, so both are written or neither. The incidents touched are rebuilt from the
reports they have afterwards (``incidents.rebuild``): first report the earliest published,
facts merged again, keys recomputed. A fact an editor corrected wins over what any report
says, now and later (kept under ``facts.EDITED`` in the incident's facts).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from incidents import facts as incident_facts
from incidents.db import open_incident, report_of, state_code, uid_of
from incidents.rebuild import absorb, live_id, load_article, members_of, rebuild
from records import Correction, CorrectionAction, Relation
from store.corrections import record
from store.engine import utcnow
from store.schema import alerts, incident_articles, incidents

__all__ = ["FACT_FIELDS", "correct_fact", "merge", "move", "normalise_fact", "split"]


def _incident_of(conn: Connection, article_id: int) -> int:
    row = conn.execute(
        select(incident_articles.c.incident_id).where(incident_articles.c.article_id == article_id)
    ).first()
    if row is None:
        raise ValueError(f"article {article_id} is in no incident")
    return int(row.incident_id)


def move(
    conn: Connection,
    article_id: int,
    to_incident_id: int,
    editor: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> Correction:
    """The article reports another incident's shooting: it goes there. An incident it
    leaves empty is merged into that one (its alerts and links lead there)."""
    now = now or utcnow()
    from_id = _incident_of(conn, article_id)
    to_id = live_id(conn, to_incident_id)
    if to_id == from_id:
        raise ValueError(f"article {article_id} is already in incident {uid_of(conn, to_id)}")
    correction = record(
        conn,
        editor,
        CorrectionAction.MOVE,
        article_id=article_id,
        incident_id=from_id,
        detail={
            "from_incident": from_id,
            "from_uid": uid_of(conn, from_id),
            "to_incident": to_id,
            "to_uid": uid_of(conn, to_id),
        },
        note=note,
        at=now,
    )
    conn.execute(
        update(incident_articles)
        .where(incident_articles.c.article_id == article_id)
        .values(incident_id=to_id, relation=Relation.UPDATE)
    )
    # The article's own alert now belongs to the incident it reports.
    conn.execute(update(alerts).where(alerts.c.article_id == article_id).values(incident_id=to_id))
    if members_of(conn, from_id):
        rebuild(conn, from_id, now)
        rebuild(conn, to_id, now)
    else:
        absorb(conn, to_id, from_id, now)
    return correction


def split(
    conn: Connection,
    article_id: int,
    editor: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> tuple[int, Correction]:
    """The article reports a shooting of its own: it opens a new incident (its id returned)."""
    now = now or utcnow()
    from_id = _incident_of(conn, article_id)
    if len(members_of(conn, from_id)) < 2:
        raise ValueError(f"article {article_id} is already the only report of its incident")
    conn.execute(delete(incident_articles).where(incident_articles.c.article_id == article_id))
    article = load_article(conn, article_id)
    new_id = open_incident(conn, article_id, article.title, report_of(article), now)
    conn.execute(update(alerts).where(alerts.c.article_id == article_id).values(incident_id=new_id))
    rebuild(conn, from_id, now)
    correction = record(
        conn,
        editor,
        CorrectionAction.SPLIT,
        article_id=article_id,
        incident_id=from_id,
        detail={
            "from_incident": from_id,
            "from_uid": uid_of(conn, from_id),
            "to_incident": new_id,
            "to_uid": uid_of(conn, new_id),
        },
        note=note,
        at=now,
    )
    return new_id, correction


def merge(
    conn: Connection,
    keep_id: int,
    gone_id: int,
    editor: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> Correction:
    """Two incidents are one shooting: ``gone_id``'s reports, keys and alerts go to
    ``keep_id``, and ``gone_id`` is marked merged into it."""
    now = now or utcnow()
    keep = live_id(conn, keep_id)
    if live_id(conn, gone_id) == keep:
        raise ValueError("these incidents are already one")
    correction = record(
        conn,
        editor,
        CorrectionAction.MERGE,
        incident_id=keep,
        detail={
            "merged": gone_id,
            "merged_uid": uid_of(conn, gone_id),
            "kept_uid": uid_of(conn, keep),
        },
        note=note,
        at=now,
    )
    absorb(conn, keep, gone_id, now)
    return correction


# The facts an editor corrects, as the desk names them: each maps to incidents.facts.FIELDS.
FACT_FIELDS = (
    "fatal",
    "anyone_hit",
    "officer_injured",
    "agencies",
    "investigating_agency",
    "place",
    "city",
    "state",
    "date",
    "victim_name",
    "victim_age",
    "officer_names",
)
_ALIASES = {"agency": "agencies", "victim": "victim_name", "officers": "officer_names"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _names(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or ())
    return [t for t in (_text(v) for v in items) if t]


def _boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("yes", "true", "1", "y"):
        return True
    if text in ("no", "false", "0", "n"):
        return False
    if text in ("", "unknown", "none"):
        return None
    raise ValueError(f"{value!r} is not yes, no or unknown")


def _state(name: str | None) -> str | None:
    """A state as its postal code when it is one we know ("Missouri", "mo" → "MO")."""
    if not name:
        return None
    return state_code(name) or (name.upper() if len(name) == 2 else name)


def normalise_fact(field: str, value: Any) -> dict[str, Any]:
    """The incident facts (``incidents.facts.FIELDS``) an editor's correction sets, with
    values in their stored form. Pure; raises ValueError naming what is wrong."""
    name = _ALIASES.get(field, field)
    if name not in FACT_FIELDS:
        raise ValueError(f"{field!r} is not a fact editors correct ({', '.join(FACT_FIELDS)})")
    if name in ("fatal", "anyone_hit", "officer_injured"):
        return {name: _boolean(value)}
    if name in ("agencies", "officer_names"):
        return {name: _names(value)}
    if name == "victim_age":
        age = None if value in (None, "") else int(value)
        if age is not None and not 0 <= age < 130:
            raise ValueError(f"{value!r} is not an age")
        return {name: age}
    if name == "date":
        if value in (None, ""):
            return {"date": None}
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        return {"date": day.isoformat()}
    if name == "place":
        if isinstance(value, dict):
            city, state = _text(value.get("city")), _text(value.get("state"))
        else:
            city, _, state_text = str(value or "").partition(",")
            city, state = _text(city), _text(state_text)
        state = _state(state)
        return {
            "city": city,
            "state": state,
            "place": ", ".join(p for p in (city, state) if p) or None,
        }
    if name == "state":
        return {"state": _state(_text(value))}
    return {name: _text(value)}


def correct_fact(
    conn: Connection,
    incident_id: int,
    field: str,
    value: Any,
    editor: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> Correction:
    """Set a fact of the incident as the editor says; it wins over every report, later
    ones included."""
    now = now or utcnow()
    incident_id = live_id(conn, incident_id)
    edits = normalise_fact(field, value)
    row = conn.execute(select(incidents.c.facts).where(incidents.c.id == incident_id)).one()
    stored = json.loads(row.facts) if row.facts else {}
    stored[incident_facts.EDITED] = {**(stored.get(incident_facts.EDITED) or {}), **edits}
    conn.execute(
        update(incidents)
        .where(incidents.c.id == incident_id)
        .values(facts=json.dumps(stored, sort_keys=True))
    )
    correction = record(
        conn,
        editor,
        CorrectionAction.FACT,
        incident_id=incident_id,
        detail={
            "field": field,
            "value": edits.get(field, edits),
            "set": edits,
        },
        note=note,
        at=now,
    )
    rebuild(conn, incident_id, now)
    return correction
