"""keys kept by the store (the desk's signing key); incidents.merged_into

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 (issue 13: the editors' desk)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keys",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("merged_into", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_incidents_merged_into", "incidents", ["merged_into"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_constraint("fk_incidents_merged_into", type_="foreignkey")
        batch.drop_column("merged_into")
    op.drop_table("keys")
