"""kb impressions: the articles the portal suggested to a customer before they asked; the
roll-ups are recounted with finer duration buckets

Revision ID: b5d9e2f7a3c1
Revises: b5d1e8f3a2c7
Create Date: 2026-12-01 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = 'b5d9e2f7a3c1'
down_revision = 'b5d1e8f3a2c7'
branch_labels = None
depends_on = None


def upgrade():
    # Durations are now counted in buckets 10 % apart: drop the roll-ups and the watermark, and
    # the next fold (the scheduler's job or `flask reports rebuild`) recounts every day.
    op.execute("DELETE FROM report_rollups")
    op.execute("DELETE FROM report_watermarks")
    op.create_table(
        'kb_impressions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['kb_articles.id'], ),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('kb_impressions', schema=None) as batch_op:
        batch_op.create_index('ix_kb_impressions_created', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('kb_impressions', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_impressions_created')
    op.drop_table('kb_impressions')
