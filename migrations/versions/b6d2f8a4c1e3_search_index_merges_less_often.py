"""the ticket and message search indexes merge their segments sixteen at a time instead of four,
so an opening or a reply rewrites the index about half as often

Revision ID: b6d2f8a4c1e3
Revises: f2a8d4c6b9e1
Create Date: 2026-12-02 05:55:00.000000

"""

from alembic import op

from app.search_schema import sqlite_merge_setting

# revision identifiers, used by Alembic.
revision = "b6d2f8a4c1e3"
down_revision = "f2a8d4c6b9e1"
branch_labels = None
depends_on = None

WRITTEN_INDEXES = ("tickets_fts", "messages_fts")


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's GIN indexes have no such setting
    for fts in WRITTEN_INDEXES:
        op.execute(sqlite_merge_setting(fts))


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts in WRITTEN_INDEXES:
        op.execute(sqlite_merge_setting(fts, segments=4))
