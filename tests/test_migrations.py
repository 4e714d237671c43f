"""Schema migrations: an old store upgrades with its data, and migrations match the models."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text

from records import Article
from store import Store
from store.fulltext import include_name
from store.migrate import FIRST_REVISION, all_metadata, current_revision, head_revision, upgrade
from store.schema import articles, feeds

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def first_release_store(url: str) -> int:
    """A database as the first release left it: schema revision 1, with data in it."""
    engine = create_engine(url)
    upgrade(engine, FIRST_REVISION)
    with engine.begin() as conn:
        conn.execute(
            feeds.insert().values(
                name="kcur", url="https://x.test/rss", etag='"e1"', consecutive_failures=0,
                entries_seen=7, last_polled_at=NOW,
            )
        )  # fmt: skip
        article_id = conn.execute(
            articles.insert().values(
                url="https://x.test/a", canonical_url="https://x.test/a",
                title="Officer shoots man", text="Body.", discovered_at=NOW,
                fetched_at=NOW, fetch_status="ok", attempts=1, ois=True, category="ois",
            )
        ).inserted_primary_key[0]  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO article_sources (article_id, feed, first_seen_at)"
                " VALUES (:a, 'kcur', :t)"
            ),
            {"a": article_id, "t": NOW.replace(tzinfo=None)},
        )
    engine.dispose()
    return int(article_id)


def test_first_release_store_upgrades_to_head_keeping_its_data(store_url: str) -> None:
    old_id = first_release_store(store_url)
    store = Store(store_url)  # opening the store migrates it
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            row = conn.execute(select(articles).where(articles.c.id == old_id)).mappings().one()
            assert (row["title"], row["ois"], row["fetched_at"]) == (
                "Officer shoots man",
                True,
                NOW,
            )
        state = store.feed_state("kcur")
        assert state is not None and (state.etag, state.entries_seen) == ('"e1"', 7)
        assert not store.needs_fetch("https://x.test/a", None, 3, feed=None)
        # New rows go on after the old ones.
        with store.begin() as conn:
            new_id = store.save_article(
                conn,
                Article(url="https://x.test/b", canonical_url="https://x.test/b", title="B",
                        outlet=None, published=None, fetched_at=NOW),
            )  # fmt: skip
        assert new_id > old_id
        # Every table the code knows is there after the upgrade.
        assert set(all_metadata().tables) <= set(inspect(store.engine).get_table_names())
    finally:
        store.close()


def test_store_made_before_migrations_is_adopted(store_url: str) -> None:
    # The first release's tables, as stores had them before migrations: no alembic_version.
    engine = create_engine(store_url)
    upgrade(engine, FIRST_REVISION)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    store = Store(store_url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
    finally:
        store.close()


def test_migrations_and_models_agree(store_url: str) -> None:
    engine = create_engine(store_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": include_name}
            ),
            all_metadata(),
        )
    engine.dispose()
    assert diff == [], f"models differ from the migrations' head; add a revision: {diff}"


def test_opening_twice_is_harmless(store_url: str) -> None:
    Store(store_url).close()
    store = Store(store_url)
    store.close()
