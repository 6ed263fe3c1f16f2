"""customer name index: the desk finds a customer by the start of their name as it is typed

Revision ID: e3b8c1d4f6a2
Revises: 2792ed037447
Create Date: 2026-12-01 12:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3b8c1d4f6a2'
down_revision = "2792ed037447"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_name'), ['name'], unique=False)


def downgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_name'))
