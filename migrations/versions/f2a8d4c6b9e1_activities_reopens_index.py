"""a customer's reopens in a partial index: the health figures count them without walking every
customer's reopens

Revision ID: f2a8d4c6b9e1
Revises: a3c5e7f9b1d2
Create Date: 2026-12-02 05:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f2a8d4c6b9e1"
down_revision = "a3c5e7f9b1d2"
branch_labels = None
depends_on = None

REOPENS = sa.text("kind = 'ticket_reopened'")


def upgrade():
    op.create_index(
        "ix_activities_reopens",
        "activities",
        ["customer_id", "created_at"],
        unique=False,
        sqlite_where=REOPENS,
        postgresql_where=REOPENS,
    )


def downgrade():
    op.drop_index("ix_activities_reopens", table_name="activities")
