"""sla adoption in batches: the work a policy edit leaves for the scheduler's adoption job, and a
partial index of the tickets still without a policy

Revision ID: a3c5e7f9b1d2
Revises: e4b7c2d9f1a6
Create Date: 2026-12-02 00:30:00.000000

"""

from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = "a3c5e7f9b1d2"
down_revision = "e4b7c2d9f1a6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sla_adoptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("since", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("after_ticket_id", sa.Integer(), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("adopted", sa.Integer(), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.Column("finished_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # A plain CREATE INDEX: no batch ALTER of tickets, so its counter triggers stay.
    op.create_index(
        "ix_tickets_without_policy",
        "tickets",
        ["id", "status"],
        unique=False,
        sqlite_where=sa.text("sla_policy_id IS NULL"),
        postgresql_where=sa.text("sla_policy_id IS NULL"),
    )


def downgrade():
    op.drop_index(
        "ix_tickets_without_policy",
        table_name="tickets",
        sqlite_where=sa.text("sla_policy_id IS NULL"),
        postgresql_where=sa.text("sla_policy_id IS NULL"),
    )
    op.drop_table("sla_adoptions")
