"""The store behaves the same on SQLite and on PostgreSQL (``store_url`` runs each test twice)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from records import Article, FetchFailure, FetchStatus, Lead
from store import Store, StoreError

NOW = datetime(2026, 3, 4, 12, 30, tzinfo=UTC)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    yield s
    s.close()


def article(url: str, **kw) -> Article:
    base = dict(
        canonical_url=url,
        title="Police shoot man in Raytown",
        outlet="KSHB 41",
        published=NOW - timedelta(hours=2),
        feed="kshb-local",
        text="Body text.",
        content_hash="a" * 64,
        fetched_at=NOW,
        http_status=200,
    )
    base.update(kw)
    return Article(url=url, **base)


def test_feed_poll_keeps_validators_and_counts_failures(store: Store) -> None:
    store.record_feed_poll(
        "kshb-local", "https://x.test/rss", status="200", ok=True,
        etag='"v1"', last_modified="Wed, 04 Mar 2026 12:00:00 GMT", entries=5, now=NOW,
    )  # fmt: skip
    store.record_feed_poll("kshb-local", "https://x.test/rss", status="timeout", ok=False,
                           error="timed out", now=NOW + timedelta(minutes=10))  # fmt: skip
    store.record_feed_poll("kshb-local", "https://x.test/rss", status="304", ok=True,
                           now=NOW + timedelta(minutes=20))  # fmt: skip
    state = store.feed_state("kshb-local")
    assert state is not None
    assert state.etag == '"v1"'
    assert state.last_status == "304"
    assert state.consecutive_failures == 0
    assert state.entries_seen == 5
    assert state.last_success_at == NOW + timedelta(minutes=20)
    assert state.last_success_at.tzinfo is not None


def test_times_come_back_aware_and_equal_whatever_zone_went_in(store: Store) -> None:
    kc = timezone(timedelta(hours=-6))
    with store.begin() as conn:
        article_id = store.save_article(
            conn, article("https://x.test/a", published=datetime(2026, 3, 4, 6, 0, tzinfo=kc))
        )
    with store.begin() as conn:
        from sqlalchemy import select

        from store.schema import articles

        published = conn.execute(
            select(articles.c.published).where(articles.c.id == article_id)
        ).scalar_one()
    assert published == datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    assert published.tzinfo is not None


def test_saved_article_is_not_fetched_again_but_failures_are_retried(store: Store) -> None:
    with store.begin() as conn:
        store.save_article(conn, article("https://x.test/a", entry_id="guid-a"))
    assert not store.needs_fetch("https://x.test/a", None, 3, feed="kshb-local")
    assert not store.needs_fetch("https://x.test/other-link", "guid-a", 3, feed="kshb-local")

    for attempt in range(3):
        assert store.needs_fetch("https://x.test/b", None, 3, feed="kshb-local"), attempt
        store.record_failure(
            Lead("https://x.test/b"), FetchFailure(FetchStatus.FAILED, "HTTP 503"), NOW
        )
    assert not store.needs_fetch("https://x.test/b", None, 3, feed="kshb-local")
    assert store.article_counts() == {"ok": 1, "failed": 1}


def test_failure_never_overwrites_a_stored_article(store: Store) -> None:
    with store.begin() as conn:
        store.save_article(conn, article("https://x.test/a"))
    store.record_failure(
        Lead("https://x.test/a"), FetchFailure(FetchStatus.FAILED, "HTTP 500"), NOW
    )
    assert store.article_counts() == {"ok": 1}


def test_second_link_to_same_article_is_marked_duplicate(store: Store) -> None:
    with store.begin() as conn:
        first = store.save_article(conn, article("https://x.test/a?from=rss"))
    second = article("https://x.test/a?from=home", canonical_url="https://x.test/a?from=rss",
                     feed="kshb-news")  # fmt: skip
    with store.begin() as conn:
        original = store.find_by_canonical(conn, second.canonical_url, second.url)
        assert original == first
        store.mark_duplicate(conn, second, original)
    assert store.article_counts() == {"ok": 1, "duplicate": 1}
    assert not store.needs_fetch("https://x.test/a?from=home", None, 3, feed="kshb-local")


def test_text_with_nul_bytes_is_stored_without_them(store: Store) -> None:
    # PostgreSQL text cannot hold NUL; broken pages do contain it. Nothing else is lost.
    with store.begin() as conn:
        store.save_article(
            conn, article("https://x.test/nul", title="Shot\x00fired", text="One\x00two three")
        )
    from sqlalchemy import select

    from store.schema import articles

    with store.begin() as conn:
        row = conn.execute(select(articles.c.title, articles.c.text)).one()
    assert (row.title, row.text) == ("Shotfired", "Onetwo three")


def test_failed_transaction_leaves_nothing_half_written(store: Store) -> None:
    with pytest.raises(RuntimeError), store.begin() as conn:
        store.save_article(conn, article("https://x.test/a"))
        raise RuntimeError("crash mid-store")
    assert store.article_counts() == {}
    assert store.needs_fetch("https://x.test/a", None, 3, feed="kshb-local")


def test_unreachable_database_is_a_store_error_naming_the_url() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
    with pytest.raises(StoreError, match="127.0.0.1:1/nowhere"):
        Store(url)


def test_store_article_keeps_a_second_link_as_a_duplicate_and_lists_both_feeds(store: Store):
    with store.begin() as conn:
        first, original = store.store_article(conn, article("https://x.test/a"))
        assert original is None
        copy = article("https://x.test/a/print", canonical_url="https://x.test/a", feed="metro")
        second, original = store.store_article(conn, copy)
    assert second == original == first
    assert store.article_counts() == {"ok": 1, "duplicate": 1}
    from sqlalchemy import select

    from store.schema import article_sources

    with store.begin() as conn:
        feeds = conn.execute(select(article_sources.c.feed).order_by(article_sources.c.feed))
        assert feeds.scalars().all() == ["kshb-local", "metro"]


def test_a_failed_link_stored_later_is_updated_in_place(store: Store) -> None:
    store.record_failure(Lead("https://x.test/a"), FetchFailure(FetchStatus.FAILED, "timeout"), NOW)
    with store.begin() as conn:
        article_id, _ = store.store_article(conn, article("https://x.test/a"))
        again, _ = store.store_article(conn, article("https://x.test/a"))  # a second feed
    assert again == article_id
    assert store.article_counts() == {"ok": 1}
    assert store.stored_article("https://x.test/a").article_id == article_id


def test_batch_lookups_answer_like_one_link_at_a_time(store: Store) -> None:
    with store.begin() as conn:
        store.save_article(conn, article("https://x.test/a", entry_id="guid-a"))
        store.save_article(conn, article("https://x.test/b?amp", canonical_url="https://x.test/b"))
    store.record_failure(
        Lead("https://x.test/f"), FetchFailure(FetchStatus.FAILED, "HTTP 500"), NOW
    )
    for _ in range(3):
        store.record_failure(
            Lead("https://x.test/g"), FetchFailure(FetchStatus.FAILED, "HTTP 500"), NOW
        )
    store.record_failure(
        Lead("https://x.test/s"), FetchFailure(FetchStatus.SKIPPED, "not HTML"), NOW
    )
    links = [
        ("https://x.test/a", None),
        ("https://x.test/a2", "guid-a"),  # same entry, new link
        ("https://x.test/b", None),  # a stored article's canonical URL
        ("https://x.test/f", None),  # failed once: retried
        ("https://x.test/g", None),  # failed three times: given up
        ("https://x.test/s", None),
        ("https://x.test/new", "guid-new"),
        ("https://x.test/new", None),  # the same link twice in one batch
    ]
    batch = store.needing_fetch(links, 3, feed="kshb-local")
    one_by_one = [store.needs_fetch(url, entry_id, 3, feed="kshb-local") for url, entry_id in links]
    assert batch == one_by_one == [False, False, False, True, False, False, True, True]

    urls = [url for url, _ in links]
    found = {url for url in urls if store.stored_article(url) is not None}
    assert found == {"https://x.test/a", "https://x.test/b"}
    maybe = store.maybe_stored(urls)
    assert found <= maybe and "https://x.test/new" not in maybe


def test_corrections_are_a_log_whose_latest_label_wins(store: Store) -> None:
    from records import CorrectionAction
    from store import corrections

    with store.begin() as conn:
        article_id = store.save_article(conn, article("https://x.test/one"))
        corrections.record(conn, "ana", CorrectionAction.FALSE_ALARM, article_id=article_id,
                           at=NOW)  # fmt: skip
        corrections.record(conn, "ben", CorrectionAction.CONFIRMED, article_id=article_id,
                           note="a deputy fired", at=NOW + timedelta(minutes=5))  # fmt: skip
    with store.begin() as conn:
        label = corrections.labels(conn)[article_id]
        assert (label.editor, label.action, label.note) == ("ben", "confirmed", "a deputy fired")
        assert [c.editor for c in corrections.history(conn, article_id=article_id)] == [
            "ana",
            "ben",
        ]
        with pytest.raises(ValueError, match="names an article or an incident"):
            corrections.record(conn, "ana", CorrectionAction.MISSED)


def test_a_stored_key_is_made_once_and_shared(store: Store, store_url: str) -> None:
    from store.keys import key

    first = key(store.engine, "desk")
    other = Store(store_url)  # a second process opening the same store
    try:
        assert key(other.engine, "desk") == first
        assert len(first) == 32 and key(other.engine, "another") != first
    finally:
        other.close()
