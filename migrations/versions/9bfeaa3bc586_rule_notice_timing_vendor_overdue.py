"""rule notice timing

Revision ID: 9bfeaa3bc586
Revises: b8e3f1a6c925
Create Date: 2026-12-01 10:06:39.234925

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9bfeaa3bc586'
down_revision = 'b8e3f1a6c925'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rules keep sending at once, as they did.
    with op.batch_alter_table('escalation_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_timing', sa.Enum('immediately', 'business_hours', name='noticetiming', native_enum=False, length=32), server_default='immediately', nullable=False))


def downgrade():
    with op.batch_alter_table('escalation_rules', schema=None) as batch_op:
        batch_op.drop_column('notice_timing')
