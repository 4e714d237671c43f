"""Alerts: from a stored verdict to editors' inboxes and webhooks, through an outbox."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from config import Config
    from crawler.items import Article


def enqueue(
    conn: Connection,
    article_id: int,
    article: Article,
    config: Config,
    now: datetime | None = None,
) -> int:
    """Queue the alerts one stored article raises, inside the transaction that stored it.

    Returns how many outbox rows were written. The outbox arrives with the alerts issue;
    until then no article raises an alert.
    """
    return 0
