"""report timezone: the desk's reporting timezone, whose midnights cut the roll-ups' days, and
the zone the stored roll-ups were counted in

Revision ID: c4a7e2d9f1b6
Revises: c3e8a5f1d9b4
Create Date: 2026-12-01 17:55:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = 'c4a7e2d9f1b6'
down_revision = 'c3e8a5f1d9b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_settings',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    # The roll-ups stored so far were counted in UTC days; the next fold recounts them when the
    # reporting timezone (by default the default policy's calendar's) is another.
    with op.batch_alter_table('report_watermarks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zone', sa.String(length=64), server_default='UTC', nullable=False))


def downgrade():
    with op.batch_alter_table('report_watermarks', schema=None) as batch_op:
        batch_op.drop_column('zone')
    op.drop_table('report_settings')
