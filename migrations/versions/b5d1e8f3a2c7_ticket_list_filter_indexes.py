"""ticket list filter indexes: the API's list narrowed by status, tier, assignee or organization,
and the team queue in creation order, read their own index in creation order (the organization
and team indexes replace the single-column ones)

Revision ID: b5d1e8f3a2c7
Revises: e7b3c9a1d5f2
Create Date: 2026-12-01 15:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5d1e8f3a2c7'
down_revision = "e7b3c9a1d5f2"
branch_labels = None
depends_on = None

NEW = {
    "ix_tickets_status_created": ["status", "created_at", "id"],
    "ix_tickets_tier_created": ["tier", "created_at", "id"],
    "ix_tickets_assignee_created": ["assignee_id", "created_at", "id"],
    "ix_tickets_organization_created": ["organization_id", "created_at", "id"],
    "ix_tickets_team_queue": ["team_id", "status", "created_at", "id"],
}
# Each is the first column of a new index above, which serves every read it served.
REPLACED = {"ix_tickets_organization_id": ["organization_id"], "ix_tickets_team_id": ["team_id"]}


def upgrade():
    # Plain CREATE INDEX, not a batch rebuild: the table keeps its rows and other indexes.
    for name, columns in NEW.items():
        op.create_index(name, "tickets", columns, unique=False)
    for name in REPLACED:
        op.drop_index(name, table_name="tickets")


def downgrade():
    for name, columns in REPLACED.items():
        op.create_index(name, "tickets", columns, unique=False)
    for name in NEW:
        op.drop_index(name, table_name="tickets")
