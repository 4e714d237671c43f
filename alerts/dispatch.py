"""The dispatcher: send due outbox rows, record each outcome, retry, give up loudly.

Each row is claimed, sent and recorded in three steps (see ``store.outbox``). A failure is
retried after ``backoff_seconds``; after ``max_attempts`` attempts, or once the row has been
queued for ``max_age_hours``, it is marked dead: logged at ERROR, kept, listed by
``oiswatch alerts list --status dead`` and sent again by ``oiswatch alerts resend ID``.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Collection, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

from alerts.channels import channel_for
from alerts.destinations import Destination, destinations
from alerts.links import with_links
from alerts.records import Alert, DeliveryResult, DispatchStats
from alerts.render.common import in_zone
from config.model import Config
from records import codec
from store import Store, outbox, utcnow

log = logging.getLogger("oiswatch.alerts")

# A claimed row is due again this long after the channel's own timeout (a crashed sender).
LEASE_SLACK_SECONDS = 60


def resolve(key: str, config: Config) -> Destination | None:
    """The configured destination a stored key names, or None if it is no longer configured."""
    if key.startswith("digest:"):
        email, digest = config.alerts.email, config.alerts.digest
        if email is None:
            return None
        recipients = (digest.recipients if digest else ()) or email.recipients
        return Destination(
            key, "digest", f"digest email to {', '.join(recipients)}", (email, recipients)
        )
    return next((d for d in destinations(config.alerts) if d.key == key), None)


def lease_seconds(config: Config) -> float:
    a = config.alerts
    timeouts = [a.email.timeout_seconds] if a.email else []
    timeouts += [h.timeout_seconds for h in a.webhooks]
    return max(timeouts, default=30) + LEASE_SLACK_SECONDS


def _send(dest: Destination | None, alert: Alert, zone: tzinfo = UTC) -> DeliveryResult:
    if dest is None:
        return DeliveryResult.failure("destination no longer configured")
    try:
        with in_zone(zone):
            return channel_for(dest).send(alert)
    except Exception as exc:  # noqa: BLE001 - channels should not raise; if one does, retry
        log.exception("channel %s raised on alert %s", dest.label, alert.id)
        return DeliveryResult.failure(f"{type(exc).__name__}: {exc}")


def _claimed(
    store: Store,
    config: Config,
    now: datetime,
    limit: int,
    only: Collection[int] | None,
    counts: dict[str, int],
) -> Iterator[tuple[outbox.OutboxEntry, Alert]]:
    """Due rows, each claimed for this dispatcher, with their alert."""
    claims = store.backend.claim_due(store.engine, now, lease_seconds(config), limit, only)
    for claim in claims:
        if claim is None:
            counts["skipped"] += 1
            continue
        alert = codec.from_json(Alert, {**json.loads(claim.payload), "id": claim.entry.alert_id})
        yield claim.entry, with_links(store, config, alert, claim.entry.queued_at)


def dispatch_due(
    store: Store,
    config: Config,
    now: datetime | None = None,
    *,
    rng: random.Random | None = None,
    limit: int = 200,
    only: Collection[int] | None = None,
) -> DispatchStats:
    """Send every due row (or only the ``only`` row ids among them) once.

    A failing destination never makes it raise (the row is retried or marked dead); only
    the store failing does, and then every row not recorded is simply due again later.
    """
    now = now or utcnow()
    rng = rng or random.Random()
    settings = config.alerts
    counts = {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}
    errors: list[str] = []
    for entry, alert in _claimed(store, config, now, limit, only, counts):
        dest = resolve(entry.destination, config)
        result = _send(dest, replace(alert, delivery_id=entry.delivery_id), config.alerts.zone)
        attempts = entry.attempts + 1
        with store.begin() as conn:
            if result.ok:
                outbox.record_sent(conn, entry.id, now)
                counts["sent"] += 1
                continue
            too_old = now - entry.queued_at >= timedelta(hours=settings.max_age_hours)
            if dest is None or attempts >= settings.max_attempts or too_old:
                outbox.record_failure(conn, entry.id, result.detail, None)
                counts["dead"] += 1
                log.error(
                    "ALERT UNDELIVERED: outbox row %s (%s alert %s to %s) is dead after %d "
                    "attempt(s): %s. See `oiswatch alerts list --status dead`; "
                    "`oiswatch alerts resend %s` sends it again.",
                    entry.id,
                    entry.event,
                    entry.alert_id,
                    dest.label if dest else entry.destination,
                    attempts,
                    result.detail,
                    entry.id,
                )
            else:
                delay = outbox.backoff_seconds(attempts, settings.retry_base_seconds, rng)
                outbox.record_failure(conn, entry.id, result.detail, now + timedelta(seconds=delay))
                counts["failed"] += 1
            errors.append(f"{entry.id}: {result.detail}")
    return DispatchStats(**counts, errors=tuple(errors))


def resend(
    store: Store, config: Config, entry_id: int, now: datetime | None = None
) -> DispatchStats:
    """Make one row pending again (sent or dead alike) and try it now."""
    now = now or utcnow()
    with store.begin() as conn:
        if not outbox.reset(conn, entry_id, now):
            raise KeyError(f"No alert in the outbox with id {entry_id}")
    return dispatch_due(store, config, now, only={entry_id})


def make_test_alert(now: datetime) -> Alert:
    """A clearly marked alert about no real event, to check every destination end to end."""
    from records import ArticleRef, Category, Event, Evidence, IncidentRef, Location, Verdict

    sentence = "This is a test: no officer fired and no one was shot."
    verdict = Verdict(
        ois=True,
        category=Category.OIS,
        score=1.0,
        evidence=(Evidence(sentence, ((10, 14),), "test alert"),),
        reason="Test alert sent by `oiswatch alerts test`.",
        location=Location("nowhere", None, None),
    )
    article = ArticleRef(
        url="https://example.invalid/oiswatch-test",
        title="oiswatch test alert — please ignore",
        outlet="oiswatch",
        published=now,
    )
    incident = IncidentRef(id=0, uid=f"test-{int(now.timestamp())}", opened_at=now)
    return Alert(
        id=0, event=Event.TEST, created_at=now, article=article, incident=incident, verdict=verdict
    )


def send_test(
    config: Config, now: datetime | None = None
) -> list[tuple[Destination, DeliveryResult]]:
    """Send a test alert straight to every destination (not through the outbox)."""
    now = now or utcnow()
    alert = make_test_alert(now)
    results = []
    for dest in destinations(config.alerts):
        delivery = f"test-{int(now.timestamp())}-{dest.key.replace(':', '-')}"
        result = _send(dest, replace(alert, delivery_id=delivery), config.alerts.zone)
        results.append((dest, result))
    return results
