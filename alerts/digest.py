"""The daily digest: the last day's incidents in one email, queued once per day."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from alerts.dispatch import dispatch_due
from alerts.intake import insert_alert
from alerts.records import Alert
from config.model import Config
from incidents import db as incidents
from records import Event
from store import Store, outbox, utcnow
from store.schema import alerts as alerts_table
from store.schema import outbox as outbox_table

log = logging.getLogger("oiswatch.alerts")


def send_digest(store: Store, config: Config, now: datetime | None = None) -> int | None:
    """Queue today's digest through the outbox (destination ``digest:<date>``) and send it.

    Returns the outbox row id, or None when digests are off. Calling it again the same day,
    from any process, finds the row already there and sends nothing new.
    """
    now = now or utcnow()
    settings = config.alerts.digest
    if settings is None or not settings.enabled:
        return None
    if config.alerts.email is None:
        log.warning("[alerts.digest] is enabled but [alerts.email] is not configured")
        return None
    key = f"digest:{now.date().isoformat()}"
    try:
        with store.begin() as conn:
            existing = conn.execute(
                select(alerts_table.c.id).where(alerts_table.c.key == key)
            ).first()
            if existing is None:
                alert = Alert(
                    id=0,
                    event=Event.DIGEST,
                    created_at=now,
                    incidents=tuple(incidents.incidents_since(conn, now - timedelta(days=1), now)),
                )
                outbox.add(conn, insert_alert(conn, key, alert), [key], now)
            row = conn.execute(
                select(outbox_table.c.id)
                .join(alerts_table, alerts_table.c.id == outbox_table.c.alert_id)
                .where(alerts_table.c.key == key)
            ).one()
    except IntegrityError:
        log.info("digest %s already queued by another process", key)
        return None
    dispatch_due(store, config, now, only={row.id})
    return int(row.id)
