"""report roll-ups by organization: a column and its own grain; the roll-ups are recounted

Revision ID: e7b3c9a1d5f2
Revises: d4f8a1c6e2b7
Create Date: 2026-12-01 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3c9a1d5f2'
down_revision = 'd4f8a1c6e2b7'
branch_labels = None
depends_on = None


def upgrade():
    # The roll-ups are a cache of the history: drop them and the watermark, and the next fold
    # (the scheduler's job or `flask reports rebuild`) recounts every day with the organization.
    op.execute("DELETE FROM report_rollups")
    op.execute("DELETE FROM report_watermarks")
    with op.batch_alter_table('report_rollups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=False))


def downgrade():
    op.execute("DELETE FROM report_rollups")
    op.execute("DELETE FROM report_watermarks")
    with op.batch_alter_table('report_rollups', schema=None) as batch_op:
        batch_op.drop_column('organization_id')
