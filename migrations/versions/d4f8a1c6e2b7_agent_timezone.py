"""agent timezone: the IANA zone desk pages show an agent's times in

Revision ID: d4f8a1c6e2b7
Revises: d4f8a2c6e1b3
Create Date: 2026-12-01 12:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f8a1c6e2b7'
down_revision = 'd4f8a2c6e1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('timezone')
