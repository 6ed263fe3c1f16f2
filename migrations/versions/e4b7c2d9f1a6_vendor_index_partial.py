"""vendor index partial: only tickets handed to a vendor are in ix_tickets_vendor_id

Revision ID: e4b7c2d9f1a6
Revises: d7e1f3a9b2c5
Create Date: 2026-12-02 00:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e4b7c2d9f1a6"
down_revision = "d7e1f3a9b2c5"
branch_labels = None
depends_on = None

HANDED_TO_VENDOR = sa.text("vendor_id IS NOT NULL")


def upgrade():
    # Every read of it names a vendor (vendor_id = ?, vendor_id IS NOT NULL), and a new ticket
    # has none: no ticket's opening writes an entry. Plain DROP/CREATE INDEX, not a batch rebuild.
    op.drop_index("ix_tickets_vendor_id", table_name="tickets")
    op.create_index(
        "ix_tickets_vendor_id",
        "tickets",
        ["vendor_id"],
        unique=False,
        sqlite_where=HANDED_TO_VENDOR,
        postgresql_where=HANDED_TO_VENDOR,
    )


def downgrade():
    op.drop_index("ix_tickets_vendor_id", table_name="tickets")
    op.create_index("ix_tickets_vendor_id", "tickets", ["vendor_id"], unique=False)
