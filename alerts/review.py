"""An editor's label of an article, applied: it wins over the classifier from then on.

* **false alarm**: the article's alerts not yet sent are withdrawn (outbox rows dismissed
  with the reason), and the article leaves its incident, which is rebuilt from its other
  reports (one left with none is skipped by grouping, the digest and the export). Later
  grouping never sees it, since it is in no incident and ``reclassify`` keeps the label.
* **missed** (and **confirmed** of an article in no incident, e.g. after a false alarm):
  the article goes through the normal intake (``alerts.intake.enqueue``) as if flagged:
  it opens or joins an incident, and alerts when ``alert`` is true and it never alerted.
* **borderline**, **confirmed**: recorded; the article stays where it is.

The label is the latest correction of the article (``store.corrections.labels``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, select

from alerts.intake import enqueue, has_alert
from config.model import Config
from incidents.db import incident_of, uid_of
from incidents.rebuild import detach, load_article
from records import Correction, CorrectionAction
from store import Store, outbox, utcnow
from store.corrections import record
from store.schema import alerts

__all__ = ["label_article"]


def label_article(
    store: Store,
    config: Config,
    article_id: int,
    action: CorrectionAction,
    editor: str,
    *,
    alert: bool = True,
    note: str | None = None,
    now: datetime | None = None,
) -> Correction:
    """Record the editor's label of the article and apply it, in one transaction."""
    action = CorrectionAction(action)  # the desk may hand over the form's string
    if not action.is_label:
        raise ValueError(f"{action} is not a label of an article")
    now = now or utcnow()
    with store.begin() as conn:
        article = load_article(conn, article_id)  # KeyError when there is none
        incident_id = incident_of(conn, article_id)
        detail: dict[str, object] = {}
        if incident_id is not None:
            detail = {"incident": incident_id, "incident_uid": uid_of(conn, incident_id)}
        correction = record(
            conn,
            editor,
            action,
            article_id=article_id,
            incident_id=incident_id,
            detail=detail,
            note=note,
            at=now,
        )
        if action == CorrectionAction.FALSE_ALARM:
            _false_alarm(conn, article_id, editor, now)
        elif action in (CorrectionAction.MISSED, CorrectionAction.CONFIRMED) and not incident_id:
            loud = alert and not has_alert(conn, article_id)
            enqueue(conn, article_id, replace(article, alert=loud), config, now, flagged=True)
    return correction


def _alert_ids(conn: Connection, article_id: int) -> list[int]:
    query = select(alerts.c.id).where(alerts.c.article_id == article_id)
    return list(conn.execute(query).scalars())


def _false_alarm(conn: Connection, article_id: int, editor: str, now: datetime) -> None:
    reason = f"withdrawn: {editor} marked the article a false alarm at {now:%Y-%m-%d %H:%M} UTC"
    outbox.withdraw(conn, _alert_ids(conn, article_id), reason)
    detach(conn, article_id, now)
