"""setup versions: what each process's cache of rules, policies and calendars is checked against

Revision ID: c5a7d2e9f4b1
Revises: 9bfeaa3bc586
Create Date: 2026-12-01 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a7d2e9f4b1'
down_revision = '9bfeaa3bc586'
branch_labels = None
depends_on = None


def upgrade():
    setup_versions = op.create_table('setup_versions',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_setup_versions'))
    )
    op.bulk_insert(setup_versions, [{'name': 'rules', 'version': 1}, {'name': 'sla', 'version': 1}])


def downgrade():
    op.drop_table('setup_versions')
