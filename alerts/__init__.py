"""Alerts: from a stored verdict to editors' inboxes and webhooks, through an outbox.

* ``enqueue(conn, article_id, article, config, now=None)`` — called by the store stage inside
  the transaction that saves the article: groups it into an incident (``incidents``)
  and writes one outbox row per destination.
* ``dispatch_due(store, config, now=None)`` — sends due rows, records each outcome, retries
  with backoff, marks rows dead after ``max_attempts`` or ``max_age_hours``.
* ``send_digest(store, config, now)`` — queues the daily digest email once per day.

See ``alerts/README.md`` for the delivery guarantees, ``incidents/README.md`` for the rule.
"""

from alerts.digest import send_digest
from alerts.dispatch import dispatch_due, resend, resend_many, send_test
from alerts.intake import enqueue, is_alertable
from alerts.records import Alert, DeliveryResult, DispatchStats

__all__ = [
    "Alert",
    "DeliveryResult",
    "DispatchStats",
    "dispatch_due",
    "enqueue",
    "is_alertable",
    "resend",
    "resend_many",
    "send_digest",
    "send_test",
]
