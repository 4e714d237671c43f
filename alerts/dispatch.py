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
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo

from alerts.channels import channel_for
from alerts.destinations import Destination, destinations, find, keys_for
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
    return find(config.alerts, key)


def lease_seconds(config: Config) -> float:
    """How long a claimed row is left to its dispatcher: one attempt's deadline (the
    longest configured) and slack, since each row is claimed just before it is sent."""
    a = config.alerts
    timeouts = [a.email.timeout_seconds] if a.email else []
    timeouts += [h.timeout_seconds for h in a.webhooks]
    timeouts += [p.timeout_seconds for p in a.apprise]
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


@dataclass
class _Tally:
    """What one destination's share of a pass did."""

    counts: dict[str, int] = field(
        default_factory=lambda: {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}
    )
    errors: list[str] = field(default_factory=list)


def _record(
    store: Store,
    config: Config,
    entry: outbox.OutboxEntry,
    dest: Destination | None,
    result: DeliveryResult,
    now: datetime,
    rng: random.Random,
    tally: _Tally,
) -> None:
    settings = config.alerts
    attempts = entry.attempts + 1
    with store.begin() as conn:
        if result.ok:
            outbox.record_sent(conn, entry.id, now)
            tally.counts["sent"] += 1
            return
        too_old = now - entry.queued_at >= timedelta(hours=settings.max_age_hours)
        if dest is None or attempts >= settings.max_attempts or too_old:
            outbox.record_failure(conn, entry.id, result.detail, None)
            tally.counts["dead"] += 1
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
            tally.counts["failed"] += 1
    tally.errors.append(f"{entry.id}: {result.detail}")


def _dispatch_to(
    store: Store,
    config: Config,
    key: str,
    now: datetime,
    rng: random.Random,
    limit: int,
    only: Collection[int] | None,
) -> _Tally:
    """One destination's due rows, in order, each claimed just before it is sent."""
    tally = _Tally()
    dest = resolve(key, config)
    lease = lease_seconds(config)
    claims = store.backend.claim_due(store.engine, now, lease, limit, only, destination=key)
    for claim in claims:
        if claim is None:
            tally.counts["skipped"] += 1
            continue
        entry = claim.entry
        alert = codec.from_json(Alert, {**json.loads(claim.payload), "id": entry.alert_id})
        alert = with_links(store, config, alert, entry.queued_at)
        result = _send(dest, replace(alert, delivery_id=entry.delivery_id), config.alerts.zone)
        _record(store, config, entry, dest, result, now, rng, tally)
        if not result.ok and dest is not None:
            # A receiver that failed (down, slow, refusing) is tried once per pass: its other
            # rows stay due, unclaimed, for the next pass rather than each waiting out its
            # own deadline now.
            break
    return tally


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

    Each destination is served by a thread of its own, its rows in order, so a slow or
    dead receiver delays nobody else's alerts. A failing destination never makes it raise
    (the row is retried or marked dead); only the store failing does, and then every row
    not recorded is simply due again later.
    """
    now = now or utcnow()
    rng = rng or random.Random()
    with store.engine.connect() as conn:
        keys = outbox.due_destinations(conn, now, only)
    if not keys:
        return DispatchStats()
    with ThreadPoolExecutor(len(keys), thread_name_prefix="oiswatch-dispatch") as pool:
        tallies = list(
            pool.map(lambda key: _dispatch_to(store, config, key, now, rng, limit, only), keys)
        )
    counts = {name: sum(t.counts[name] for t in tallies) for name in tallies[0].counts}
    errors = tuple(e for t in tallies for e in t.errors)
    return DispatchStats(**counts, errors=errors)


def resend(
    store: Store, config: Config, entry_id: int, now: datetime | None = None
) -> DispatchStats:
    """Make one row pending again (sent or dead alike) and try it now."""
    now = now or utcnow()
    with store.begin() as conn:
        if not outbox.reset(conn, entry_id, now):
            raise KeyError(f"No alert in the outbox with id {entry_id}")
    return dispatch_due(store, config, now, only={entry_id})


def resend_many(
    store: Store,
    config: Config,
    *,
    failed: bool,
    dead: bool,
    to: str | None = None,
    now: datetime | None = None,
) -> tuple[int, DispatchStats]:
    """Re-queue in bulk the rows waiting for a retry (``failed``) and/or the ``dead`` ones,
    of the destination named ``to`` only if given, with a fresh budget, and send them now.
    Returns how many were re-queued, and what sending them did."""
    now = now or utcnow()
    keys = keys_for(config.alerts, to) if to else None
    with store.begin() as conn:
        ids = outbox.reset_many(conn, now, failed=failed, dead=dead, destinations=keys)
    if not ids:
        return 0, DispatchStats()
    return len(ids), dispatch_due(store, config, now, only=ids, limit=len(ids))


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
    """Send a test alert straight to every destination (not through the outbox), all at
    once: the slowest one's deadline bounds the whole test."""
    now = now or utcnow()
    alert = make_test_alert(now)
    dests = destinations(config.alerts)

    def send(dest: Destination) -> DeliveryResult:
        delivery = f"test-{int(now.timestamp())}-{dest.key.replace(':', '-')}"
        return _send(dest, replace(alert, delivery_id=delivery), config.alerts.zone)

    if not dests:
        return []
    with ThreadPoolExecutor(len(dests), thread_name_prefix="oiswatch-test") as pool:
        return list(zip(dests, pool.map(send, dests), strict=True))
