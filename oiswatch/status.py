"""``oiswatch status``: what the service has been doing, read from the store.

``gather`` does the reading; ``render_table`` and ``to_json`` are pure, so the table can be
tested without a terminal and scripts get the same facts as people.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select

from config import Config
from records import FetchStatus, OutboxStatus
from store import Store, outbox
from store.polls import PollRun, last_success, recent_runs
from store.schema import articles, incidents

RECENT_INCIDENTS = 5


@dataclass(frozen=True)
class FeedStatus:
    name: str
    enabled: bool
    configured: bool  # False: in the store from an earlier configuration only
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_status: str | None
    consecutive_failures: int
    entries_seen: int
    last_error: str | None


@dataclass(frozen=True)
class RecentIncident:
    id: str  # the id editors see in emails, webhooks and the export
    opened_at: datetime
    place: str | None
    title: str | None


@dataclass(frozen=True)
class Status:
    now: datetime
    store: str
    feeds: tuple[FeedStatus, ...]
    fetched_today: int
    flagged_today: int
    failed_today: int
    articles_total: int
    alerts: dict[str, int]  # pending / sent / dead / dismissed
    last_poll: PollRun | None
    last_successful_poll_at: datetime | None = None
    # The process polling this store (None: no daemon runs), and when it polls next.
    daemon: str | None = None
    next_poll_at: datetime | None = None
    # The shortest enabled feed interval: a healthy service polls at least this often.
    poll_minutes: float | None = None
    recent_incidents: tuple[RecentIncident, ...] = ()
    timezone: str = "UTC"  # [alerts] timezone: the clock times shown to people


def _feeds(config: Config, store: Store) -> tuple[FeedStatus, ...]:
    states = {s.name: s for s in store.all_feed_states()}
    out = []
    for f in config.feeds:
        s = states.pop(f.name, None)
        out.append(
            FeedStatus(
                f.name,
                f.enabled,
                True,
                s.last_polled_at if s else None,
                s.last_success_at if s else None,
                s.last_status if s else None,
                s.consecutive_failures if s else 0,
                s.entries_seen if s else 0,
                s.last_error if s else None,
            )
        )
    for s in states.values():
        out.append(
            FeedStatus(
                s.name,
                False,
                False,
                s.last_polled_at,
                s.last_success_at,
                s.last_status,
                s.consecutive_failures,
                s.entries_seen,
                s.last_error,
            )
        )
    return tuple(out)


def daemon_holder(store: Store) -> str | None:
    """Who polls this store: the store lock's holder, or the PostgreSQL scheduler lock's."""
    from store.lock import current_holder

    if store.backend.shared:
        from store.leader import AdvisoryLeaderLock

        lock = AdvisoryLeaderLock(store.url, "status")
        try:
            leader = lock.leader()
        finally:
            lock.close()
        return leader.describe() if leader else None
    holder = current_holder(store.engine)
    return holder.describe() if holder else None


def intervals(config: Config) -> dict[str, float]:
    """Minutes between polls of each enabled feed."""
    default = config.schedule.poll_minutes
    return {f.name: f.poll_minutes or default for f in config.feeds if f.enabled}


def next_poll(feeds: tuple[FeedStatus, ...], every: dict[str, float], now: datetime) -> datetime:
    """When a running daemon polls next: each feed is due its interval after its last poll
    (the scheduler adds up to ``jitter_seconds``); a feed never polled is due now."""
    due = [
        f.last_polled_at + timedelta(minutes=every[f.name]) if f.last_polled_at else now
        for f in feeds
        if f.name in every
    ]
    return max(min(due), now) if due else now


def gather(config: Config, store: Store, now: datetime | None = None) -> Status:
    now = now or datetime.now(UTC)
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    today = articles.c.fetched_at >= midnight
    with store.engine.connect() as conn:

        def n(*conds: Any) -> int:
            return int(conn.execute(select(func.count()).where(and_(*conds))).scalar_one())

        fetched = n(today, articles.c.fetch_status == FetchStatus.OK)
        flagged = n(today, articles.c.fetch_status == FetchStatus.OK, articles.c.ois.is_(True))
        failed = n(today, articles.c.fetch_status == FetchStatus.FAILED)
        total = n(articles.c.fetch_status == FetchStatus.OK)
        counts = outbox.counts(conn)
        recent = tuple(
            RecentIncident(
                r.uid, r.opened_at, ", ".join(p for p in (r.city, r.state) if p) or None, r.title
            )
            for r in conn.execute(
                # One merged into another is shown as that one.
                select(incidents)
                .where(incidents.c.merged_into.is_(None))
                .order_by(incidents.c.opened_at.desc())
                .limit(RECENT_INCIDENTS)
            )
        )
    runs = recent_runs(store.engine, 1)
    feeds = _feeds(config, store)
    every = intervals(config)
    daemon = daemon_holder(store)
    return Status(
        now=now,
        store=store.url,
        feeds=feeds,
        fetched_today=fetched,
        flagged_today=flagged,
        failed_today=failed,
        articles_total=total,
        alerts={k.value: counts.get(k, 0) for k in OutboxStatus},
        last_poll=runs[0] if runs else None,
        last_successful_poll_at=last_success(store.engine),
        daemon=daemon,
        next_poll_at=next_poll(feeds, every, now) if daemon else None,
        poll_minutes=min(every.values()) if every else None,
        recent_incidents=recent,
        timezone=config.alerts.timezone,
    )


def to_json(status: Status) -> dict[str, Any]:
    def clean(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return clean(asdict(status))


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = max((now - when).total_seconds(), 0)
    if seconds < 90:
        return f"{seconds:.0f}s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m ago"
    if seconds < 172800:
        return f"{seconds / 3600:.0f}h ago"
    return f"{seconds / 86400:.0f}d ago"


def _clock(when: datetime, zone: str, fmt: str = "%H:%M %Z") -> str:
    return when.astimezone(ZoneInfo(zone)).strftime(fmt)


def _due(when: datetime, now: datetime, zone: str) -> str:
    if when <= now:
        return "due now"
    return f"in {_ago(now, when).removesuffix(' ago')} ({_clock(when, zone)})"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def _poll_line(run: PollRun | None, now: datetime) -> str:
    if run is None:
        return "last poll: never"
    if run.finished_at is None:
        return f"last poll: started {_ago(run.started_at, now)} ({run.trigger}), not finished"
    c = run.counts
    assert c is not None
    return (
        f"last poll: {_ago(run.finished_at, now)} ({run.trigger}): feeds {c.feeds_fetched} "
        f"fetched, {c.feeds_not_modified} not modified, {c.feeds_failed} failed; "
        f"{c.new_articles} new articles, {c.flagged} flagged; alerts {c.alerts_sent} sent, "
        f"{c.alerts_failed} failed" + (f"; error: {run.error}" if run.error else "")
    )


def render_table(status: Status) -> str:
    now = status.now
    rows = []
    for f in status.feeds:
        state = "" if f.enabled else (" (disabled)" if f.configured else " (not configured)")
        rows.append(
            [
                f.name + state,
                _ago(f.last_polled_at, now),
                _ago(f.last_success_at, now),
                f.last_status or "-",
                str(f.consecutive_failures),
                str(f.entries_seen),
            ]
        )
    headers = ["feed", "last poll", "last success", "status", "failures", "entries"]
    lines = [
        f"store: {status.store}",
        f"daemon: {status.daemon or 'none (no process polls this store)'}",
        _poll_line(status.last_poll, now),
    ]
    if status.next_poll_at is not None:
        lines.append(f"next poll: {_due(status.next_poll_at, now, status.timezone)}")
    lines.append("")
    lines += _table(headers, rows) if rows else ["(no feeds configured)"]
    lines += [
        "",
        f"articles today: {status.fetched_today} fetched, {status.flagged_today} flagged, "
        f"{status.failed_today} failed ({status.articles_total} stored in all)",
        "alerts: " + ", ".join(f"{n} {k}" for k, n in status.alerts.items()),
    ]
    if status.recent_incidents:
        lines += ["", "latest incidents:"]
        lines += [
            f"  {i.id}  opened {_clock(i.opened_at, status.timezone, '%Y-%m-%d %H:%M %Z')}  "
            f"{i.place or 'place unknown'}  "
            f"{(i.title or '')[:70]}".rstrip()
            for i in status.recent_incidents
        ]
    errors = [f for f in status.feeds if f.last_error]
    if errors:
        lines += ["", "last error per feed:"]
        lines += [f"  {f.name}: {f.last_error}" for f in errors]
    return "\n".join(lines)
