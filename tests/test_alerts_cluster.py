"""Several dispatchers on one PostgreSQL outbox: every alert is sent exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from alert_fixtures import T0, HttpReceiver, make_config

from alerts.destinations import destinations
from alerts.dispatch import dispatch_due, make_test_alert
from records import codec
from store import Store, outbox
from store.schema import alerts as alerts_table

ALERTS = 40


def queue_alerts(store: Store, dest_key: str, n: int) -> set[str]:
    alert = make_test_alert(T0)
    with store.begin() as conn:
        for i in range(n):
            alert_id = conn.execute(
                alerts_table.insert().values(
                    key=f"test:{i}", event=alert.event, created_at=T0,
                    payload=codec.dumps(alert),
                )
            ).inserted_primary_key[0]  # fmt: skip
            outbox.add(conn, alert_id, [dest_key], T0)
        return {e.delivery_id for e in outbox.entries(conn, limit=n + 10)}


@pytest.fixture
def receiver():
    r = HttpReceiver()
    yield r
    r.stop()


def run_dispatchers(url: str, config, n: int) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def one(i: int) -> None:
        store = Store(url)
        try:
            barrier.wait(30)
            results[i] = dispatch_due(store, config, T0)
        finally:
            store.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_parallel_dispatchers_send_each_alert_once(
    pg_url: str, receiver: HttpReceiver, monkeypatch
) -> None:
    monkeypatch.setenv("OISWATCH_TEST_HOOK_SECRET", "s3cret")
    config = make_config(hook_url=receiver.url())
    (dest,) = destinations(config.alerts)
    store = Store(pg_url)
    try:
        queued = queue_alerts(store, dest.key, ALERTS)
    finally:
        store.close()
    # Hold each request a moment so the dispatchers overlap the whole time.
    hold = threading.Event()
    receiver.on_request = lambda _req: hold.wait(0.01)

    stats = run_dispatchers(pg_url, config, 3)

    delivered = Counter(r.headers["X-Oiswatch-Delivery"] for r in receiver.requests)
    assert set(delivered) == queued
    assert max(delivered.values()) == 1, "an alert was sent twice"
    assert sum(s.sent for s in stats) == ALERTS
    assert all(s.failed == 0 and s.dead == 0 for s in stats)
    store = Store(pg_url)
    try:
        with store.engine.connect() as conn:
            assert outbox.counts(conn) == {"sent": ALERTS}
        # Nothing is due any more: a later round sends nothing.
        assert dispatch_due(store, config, T0).sent == 0
    finally:
        store.close()


def test_failed_row_is_retried_once_not_by_every_dispatcher(
    pg_url: str, receiver: HttpReceiver, monkeypatch
) -> None:
    monkeypatch.setenv("OISWATCH_TEST_HOOK_SECRET", "s3cret")
    config = make_config(hook_url=receiver.url())
    (dest,) = destinations(config.alerts)
    store = Store(pg_url)
    try:
        queue_alerts(store, dest.key, 1)
    finally:
        store.close()
    receiver.statuses = [503]
    stats = run_dispatchers(pg_url, config, 2)
    assert len(receiver.requests) == 1
    assert sum(s.failed for s in stats) == 1
