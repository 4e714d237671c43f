"""Schema migrations: every store is brought to the latest revision when it is opened.

Revisions live in ``store/migrations/versions`` (Alembic). A database made before
migrations existed (tables but no ``alembic_version``) is the first release's schema, so
it is stamped with the first revision and upgraded from there. On PostgreSQL, processes
starting together (a leader and its workers) take turns through an advisory lock.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect, text

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
# pg_advisory_lock key: the bytes of "oiswatch" (any constant distinct from the leader's,
# which is a hash of "oiswatch:scheduler").
MIGRATE_LOCK_KEY = 0x6F69737761746368


def all_metadata() -> MetaData:
    """The metadata with every table the code defines (some modules add their own)."""
    import store.corrections
    import store.keys
    import store.lock
    import store.polls
    import store.schema

    return store.schema.metadata


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the latest)."""
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATE_LOCK_KEY})
            conn.commit()
        try:
            before = current_revision(conn)
            if before is not None and before == head_revision() and revision == "head":
                return  # the usual case: every crawl opens the store, already up to date
            cfg = alembic_config(conn)
            if before is None and inspect(conn).has_table("articles"):
                command.stamp(cfg, FIRST_REVISION)
                before = FIRST_REVISION
            command.upgrade(cfg, revision)
            conn.commit()
            after = current_revision(conn)
            if after != before:
                logger.info(
                    "store upgraded from schema revision %s to %s", before or "(new)", after
                )
        finally:
            if postgres:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATE_LOCK_KEY})
                conn.commit()
