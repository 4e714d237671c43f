"""``oiswatch status``: what the service has been doing, read from the store.

``gather`` does the reading; ``render_table`` and ``to_json`` are pure, so the table can be
tested without a terminal and scripts get the same facts as people.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select

from config import Config
from records import FetchStatus, OutboxStatus
from store import Store, outbox
from store.polls import PollRun, recent_runs
from store.schema import articles


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
class Status:
    now: datetime
    store: str
    feeds: tuple[FeedStatus, ...]
    fetched_today: int
    flagged_today: int
    failed_today: int
    articles_total: int
    alerts: dict[str, int]  # pending / sent / dead
    last_poll: PollRun | None


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
    runs = recent_runs(store.engine, 1)
    return Status(
        now=now,
        store=store.url,
        feeds=_feeds(config, store),
        fetched_today=fetched,
        flagged_today=flagged,
        failed_today=failed,
        articles_total=total,
        alerts={k.value: counts.get(k, 0) for k in OutboxStatus},
        last_poll=runs[0] if runs else None,
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
    lines = [f"store: {status.store}", _poll_line(status.last_poll, now), ""]
    lines += _table(headers, rows) if rows else ["(no feeds configured)"]
    lines += [
        "",
        f"articles today: {status.fetched_today} fetched, {status.flagged_today} flagged, "
        f"{status.failed_today} failed ({status.articles_total} stored in all)",
        "alerts: " + ", ".join(f"{n} {k}" for k, n in status.alerts.items()),
    ]
    errors = [f for f in status.feeds if f.last_error]
    if errors:
        lines += ["", "last error per feed:"]
        lines += [f"  {f.name}: {f.last_error}" for f in errors]
    return "\n".join(lines)
