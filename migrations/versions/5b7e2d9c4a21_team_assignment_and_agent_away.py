"""team assignment mode and round-robin cursor; agents away

Revision ID: 5b7e2d9c4a21
Revises: 00507eae2ac2
Create Date: 2026-11-23 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '5b7e2d9c4a21'
down_revision = '00507eae2ac2'
branch_labels = None
depends_on = None


def upgrade():
    # Existing teams keep assigning by hand; existing agents are available.
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignment_mode', sa.Enum('manual', 'round_robin', 'least_loaded', name='assignmentmode', native_enum=False, length=16), nullable=False, server_default='manual'))
        batch_op.add_column(sa.Column('last_assigned_user_id', sa.Integer(), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('away_until', app.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('away_until')
        batch_op.drop_column('away')

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('last_assigned_user_id')
        batch_op.drop_column('assignment_mode')
