"""full-text search over articles (SQLite FTS5 table and triggers; PostgreSQL GIN index)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 (issue 13: the editors' desk's search)
"""

from __future__ import annotations

from alembic import op

from store import fulltext

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _run(fulltext.SQLITE_CREATE)
    else:
        _run(fulltext.PG_CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _run(fulltext.SQLITE_DROP)
    else:
        _run(fulltext.PG_DROP)
