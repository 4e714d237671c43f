"""incidents found by place, date and names; merged facts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 (issue 12: incidents, the right reports together)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("place_key", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("facts", sa.Text(), nullable=True))
        batch.create_index("ix_incidents_event_date", ["event_date"], unique=False)
        batch.create_index("ix_incidents_place_updated", ["place_key", "updated_at"], unique=False)
    op.create_table(
        "incident_keys",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("key", "incident_id"),
    )
    op.create_index("ix_incident_keys_incident", "incident_keys", ["incident_id"], unique=False)
    # Incidents stored before: their city becomes their place key; their names are found
    # again when their next report joins.
    op.execute(
        "UPDATE incidents SET place_key = lower(replace(city, '.', '')) WHERE city IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_incident_keys_incident", table_name="incident_keys")
    op.drop_table("incident_keys")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_index("ix_incidents_place_updated")
        batch.drop_index("ix_incidents_event_date")
        batch.drop_column("facts")
        batch.drop_column("place_key")
