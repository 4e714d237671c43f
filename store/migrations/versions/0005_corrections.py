"""corrections: editors' word on articles and incidents, an append-only log

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 (issue 13: the editors' desk)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("editor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_corrections_article", "corrections", ["article_id"], unique=False)
    op.create_index("ix_corrections_incident", "corrections", ["incident_id"], unique=False)
    op.create_index("ix_corrections_at", "corrections", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_corrections_at", table_name="corrections")
    op.drop_index("ix_corrections_incident", table_name="corrections")
    op.drop_index("ix_corrections_article", table_name="corrections")
    op.drop_table("corrections")
