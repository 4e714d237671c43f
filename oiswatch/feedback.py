"""Editors' labels as labelled data: rows in the format of ``../shared/eval/dev.jsonl``.

Each article an editor labelled gives one row, labelled by the editor's latest label:
"missed" and "confirmed" are ``ois``, "false alarm" is ``not_ois``, and "borderline" stays
``borderline``, as in the dev file (``python -m classifier --eval`` counts those in neither
precision nor recall). The facts compared on true positives (fatal, anyone hit, officer
injured) and the place and date are the ones editors corrected on the article's incident;
what the classifier said is never copied into a label, so the rules are not marked by
their own answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Connection, select

from incidents.facts import EDITED
from records import Correction, CorrectionAction
from store import Store
from store.corrections import labels
from store.schema import articles, incident_articles, incidents

LABEL_OF = {
    CorrectionAction.MISSED: "ois",
    CorrectionAction.CONFIRMED: "ois",
    CorrectionAction.FALSE_ALARM: "not_ois",
    CorrectionAction.BORDERLINE: "borderline",
}


def _edited(conn: Connection, article_id: int) -> dict[str, Any]:
    """The facts editors corrected on the article's incident, if it is in one."""
    query = (
        select(incidents.c.facts)
        .join(incident_articles, incident_articles.c.incident_id == incidents.c.id)
        .where(incident_articles.c.article_id == article_id)
    )
    facts = conn.execute(query).scalar()
    edited: dict[str, Any] = (json.loads(facts) if facts else {}).get(EDITED) or {}
    return edited


def row_of(article: Any, label: Correction, edited: dict[str, Any]) -> dict[str, Any]:
    """One labelled row in the dev file's fields (plus who labelled it, and when). Pure."""
    gold = LABEL_OF[label.action]
    ois = gold == "ois"
    why = f"{label.action.value} by {label.editor} at {label.at:%Y-%m-%d %H:%M} UTC"
    if label.note:
        why += f": {label.note}"
    return {
        "id": f"oiswatch-{article.id}",
        "url": article.canonical_url or article.url,
        "outlet": article.outlet,
        "title": article.title,
        "text": article.text or "",
        "label": gold,
        "category": None,  # editors say "not an OIS", not which kind of not
        "incident_date": edited.get("date") if ois else None,
        "kc_area": None,
        "fatal": edited.get("fatal") if ois else None,
        "anyone_hit": edited.get("anyone_hit") if ois else None,
        "officer_injured": edited.get("officer_injured") if ois else None,
        "followup": None,
        "city": edited.get("city"),
        "state": edited.get("state"),
        "why": why,
        "labelled_by": label.editor,
        "labelled_at": label.at.isoformat(),
    }


def labelled_rows(store: Store, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """A row per labelled article (latest label made at or after ``since``), by article id."""
    with store.engine.connect() as conn:
        latest = labels(conn)
        for article_id in sorted(latest):
            label = latest[article_id]
            if since is not None and label.at < since:
                continue
            art = conn.execute(select(articles).where(articles.c.id == article_id)).first()
            if art is None:
                continue
            yield row_of(art, label, _edited(conn, article_id))


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> dict[str, int]:
    """Write the rows; how many of each label."""
    counts: dict[str, int] = {}
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    return counts
