"""risk rank on tickets, saved queue views

Revision ID: 3f1a0c2b7d10
Revises: 9a2f6b3c8d47
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '3f1a0c2b7d10'
down_revision = '9a2f6b3c8d47'
branch_labels = None
depends_on = None

RISK_PARTS = ('risk_pressure', 'risk_account', 'risk_value', 'risk_health', 'risk_priority')
RISK_INDEXES = (
    ('ix_tickets_risk_tier', ['tier', 'risk_score', 'id']),
    ('ix_tickets_risk_assignee', ['assignee_id', 'risk_score', 'id']),
    ('ix_tickets_risk_team', ['team_id', 'risk_score', 'id']),
    ('ix_tickets_risk_status', ['status', 'risk_score', 'id']),
    ('ix_tickets_risk_refresh', ['risk_refresh_at', 'id']),
)


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_score', sa.Integer(), server_default='0', nullable=False))
        for name in RISK_PARTS:
            batch_op.add_column(sa.Column(name, sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('risk_refresh_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        for name, columns in RISK_INDEXES:
            batch_op.create_index(name, columns, unique=False)
    # Existing tickets are ranked on the first run of the risk refresh job.
    op.execute("UPDATE tickets SET risk_refresh_at = CURRENT_TIMESTAMP "
               "WHERE status IN ('new', 'open', 'pending', 'on_hold')")
    op.execute("UPDATE tickets SET risk_score = -1 WHERE status IN ('solved', 'closed')")

    op.create_table('saved_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('queue', sa.String(length=40), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_saved_views_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_views')),
    sa.UniqueConstraint('owner_id', 'name', name=op.f('uq_saved_views_owner_id'))
    )


def downgrade():
    op.drop_table('saved_views')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        for name, _ in reversed(RISK_INDEXES):
            batch_op.drop_index(name)
        batch_op.drop_column('risk_refresh_at')
        for name in reversed(RISK_PARTS):
            batch_op.drop_column(name)
        batch_op.drop_column('risk_score')
