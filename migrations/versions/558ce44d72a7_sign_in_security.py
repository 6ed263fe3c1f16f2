"""sign-in security: a session generation per user

Revision ID: 558ce44d72a7
Revises: b8e3f1a6c925
Create Date: 2026-12-01 09:39:14.516623

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '558ce44d72a7'
down_revision = 'b8e3f1a6c925'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
