"""customers awaiting a risk re-rank after a sweep's breaches

Revision ID: b8e3f1a6c925
Revises: 7c4d1e8f2b36
Create Date: 2026-11-28 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = 'b8e3f1a6c925'
down_revision = '7c4d1e8f2b36'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('risk_rechecks',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('marked_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_risk_rechecks_customer_id_customers')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_risk_rechecks'))
    )


def downgrade():
    op.drop_table('risk_rechecks')
