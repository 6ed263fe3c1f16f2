"""an opening writes fewer index pages: the API list's tier and assignee filters read the queue
indexes a status at a time (their own creation-order indexes go), the report index of events by
kind holds only the kinds read that way, and the index of met clocks only met clocks

Revision ID: c7e2a9d4f1b8
Revises: b6d2f8a4c1e3
Create Date: 2026-12-02 10:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7e2a9d4f1b8"
down_revision = "b6d2f8a4c1e3"
branch_labels = None
depends_on = None

# (tier | assignee_id, status, created_at, id) serve every read these served.
DROPPED = {
    "ix_tickets_tier_created": ["tier", "created_at", "id"],
    "ix_tickets_assignee_created": ["assignee_id", "created_at", "id"],
}
REPORTED_KINDS = sa.text(
    "kind IN ('agent_replied', 'kb_deflected', 'ticket_reopened', 'ticket_solved', 'touchpoint')"
)
MET = sa.text("satisfied_at IS NOT NULL")


def upgrade():
    # Plain DROP/CREATE INDEX, not batch rebuilds: the tables keep their rows and other indexes.
    for name in DROPPED:
        op.drop_index(name, table_name="tickets")
    op.drop_index("ix_activities_kind_created", table_name="activities")
    op.create_index(
        "ix_activities_kind_created",
        "activities",
        ["kind", "created_at"],
        unique=False,
        sqlite_where=REPORTED_KINDS,
        postgresql_where=REPORTED_KINDS,
    )
    op.drop_index("ix_sla_clocks_satisfied", table_name="sla_clocks")
    op.create_index(
        "ix_sla_clocks_satisfied",
        "sla_clocks",
        ["satisfied_at"],
        unique=False,
        sqlite_where=MET,
        postgresql_where=MET,
    )


def downgrade():
    op.drop_index("ix_sla_clocks_satisfied", table_name="sla_clocks")
    op.create_index("ix_sla_clocks_satisfied", "sla_clocks", ["satisfied_at"], unique=False)
    op.drop_index("ix_activities_kind_created", table_name="activities")
    op.create_index("ix_activities_kind_created", "activities", ["kind", "created_at"], unique=False)
    for name, columns in DROPPED.items():
        op.create_index(name, "tickets", columns, unique=False)
