"""Full-text search over stored articles: SQLite FTS5, or PostgreSQL's text search.

The desk's search finds reports the classifier did not flag. On SQLite an FTS5 table
mirrors the articles' title and text, kept up to date by triggers; on PostgreSQL a GIN
index over ``to_tsvector`` serves the same query. Both are made by migration 0007, and
are not in the SQLAlchemy metadata (neither can be described there), so the comparison of
models and migrations skips them through ``include_name``.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, text

FTS_TABLE = "articles_fts"
PG_INDEX = "ix_articles_fulltext"
PG_DOCUMENT = "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(text, ''))"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "title, text, content='articles', content_rowid='id', tokenize='porter unicode61')",
    f"""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    f"""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    f"""CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
PG_CREATE = [f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON articles USING gin ({PG_DOCUMENT})"]
PG_DROP = [f"DROP INDEX IF EXISTS {PG_INDEX}"]


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """For Alembic's comparison: leave out what this module makes."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name == PG_INDEX)


def _fts_query(words: str) -> str:
    """The editor's words as an FTS5 query: each word quoted (no operators from input),
    all of them required, the last one as a prefix."""
    tokens = re.findall(r"\w+", words)[:12]
    if not tokens:
        return ""
    quoted = [f'"{t}"' for t in tokens]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(conn: Connection, words: str, limit: int = 50) -> list[int]:
    """Ids of the stored articles matching every word, best match first."""
    if conn.dialect.name == "sqlite":
        query = _fts_query(words)
        if not query:
            return []
        rows = conn.execute(
            text(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "
                f"ORDER BY bm25({FTS_TABLE}, 5.0, 1.0) LIMIT :n"
            ),
            {"q": query, "n": limit},
        )
        return [int(r[0]) for r in rows]
    rows = conn.execute(
        text(
            f"SELECT id FROM articles WHERE {PG_DOCUMENT} @@ plainto_tsquery('english', :q) "
            f"ORDER BY ts_rank({PG_DOCUMENT}, plainto_tsquery('english', :q)) DESC LIMIT :n"
        ),
        {"q": words, "n": limit},
    )
    return [int(r[0]) for r in rows]
